import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from commitments.permissions import ensure_researchers_group


@pytest.fixture
def researcher(db):
    user = User.objects.create_user("researcher", password="not-used-in-tests", is_staff=True)
    user.groups.add(ensure_researchers_group())
    return user


@pytest.fixture
def researcher_client(client, researcher):
    client.force_login(researcher)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Ids repeat between tests once their transactions roll back; so could cache keys."""
    cache.clear()

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.utils import translation

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
def empty_cache(settings):
    """Ids repeat between tests once their transactions roll back; so could cache keys.
    Rendered pages are not kept (tests look at each response's context); test_caching.py
    turns that on where it tests it."""
    cache.clear()
    caches["pages"].clear()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def default_language():
    """A request leaves its language active in the thread (as Django's LocaleMiddleware
    does, so a streamed response is translated to the end); each test starts in Dutch."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)

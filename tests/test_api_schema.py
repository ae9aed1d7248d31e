"""The API answers as its OpenAPI schema says, for any request the schema allows:
schemathesis generates requests from the schema (valid and invalid parameter values,
unknown keys, random cursors) and checks every response against it. No server error, no
undocumented status code, content type, header or body."""

import json

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings

from tracker.wsgi import application

from .test_api import api_data

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]
UNTHROTTLED = {
    **django_settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"},
}


def load_schema():
    """The schema the API serves, loaded once when the tests are collected."""
    with translation.override("en"):
        document = SchemaGenerator().get_schema(request=None, public=True)
    config = schemathesis.Config()
    # A NUL character is refused for the whole site before the API sees it (see
    # tracker/middleware.py); the schema describes the API's own answers.
    config.projects.default.generation.update(allow_x00=False)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document)), config=config)
    loaded.app = application
    return loaded


schema = load_schema()


@pytest.fixture
def records(db):
    """The test data, with the API unthrottled. The requests go to the WSGI application
    directly, so, as Django's test client does, the connection is kept open between
    them (Django closes it at the end of each request; the test's transaction is on it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with override_settings(REST_FRAMEWORK=UNTHROTTLED):
            yield api_data()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# One test per operation, named by it ("GET /api/commitments/"), so that each runs, and
# runs once, when the suite is spread over processes (pytest-xdist schedules tests by name).
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_answer_is_in_the_schema(operation, records):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def answers(case):
        case.call_and_validate(checks=CHECKS)

    answers()

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from commitments.feeds import filtered_updates
from commitments.filters import CommitmentFilter, LetterFilter, MotionFilter, PersonFilter
from commitments.models import Theme

from . import factories

ROOT = Path(settings.BASE_DIR)


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_production_settings_pass_the_deploy_check():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY="k" * 20 + "-Xq9!vT2#pL8@wZ4$rN6^bY1&cM3*hJ5%gF7",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_fails_with_a_clear_message():
    result = manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


pytestmark = pytest.mark.django_db


def test_public_pages_send_a_csp_without_inline_scripts(client):
    factories.commitment(key="tz-csp")
    for url in ["/", "/commitments/", "/commitments/tz-csp/", "/letters/", "/ministers/"]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())
        assert inline == [], url


def test_public_pages_are_read_only(client):
    factories.commitment(key="tz-ro")
    assert client.post("/commitments/").status_code == 405
    assert client.post("/commitments/tz-ro/").status_code == 405
    assert client.post("/commitments/export.csv").status_code == 405


def test_login_is_throttled_after_repeated_failures(client):
    User.objects.create_superuser("beheer", password="juist-wachtwoord-123")
    statuses = [
        client.post(
            "/admin/login/", {"username": "beheer", "password": "fout"}, REMOTE_ADDR="10.0.0.9"
        ).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post(
        "/admin/login/",
        {"username": "beheer", "password": "juist-wachtwoord-123"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


LISTS = [
    ("/commitments/", CommitmentFilter),
    ("/commitments/export.csv", CommitmentFilter),
    ("/commitments/export-excel.csv", CommitmentFilter),
    ("/motions/", MotionFilter),
    ("/motions/export.csv", MotionFilter),
    ("/letters/", LetterFilter),
    ("/letters/export.csv", LetterFilter),
    ("/ministers/", PersonFilter),
]
ANY_TEXT = st.text(max_size=40)
SQLISH = st.sampled_from(["' OR 1=1 --", "1; DROP TABLE x", "%", "_", "\\", "\x00", "𝔘", "-1"])


@pytest.mark.parametrize(("url", "filterset"), LISTS, ids=[u for u, _f in LISTS])
def test_any_query_string_gives_200_or_400(client, url, filterset):
    factories.commitment(themes=[factories.theme()])
    factories.letter(signatories=[factories.office()])
    factories.motion()
    names = [*filterset.base_filters, "page", "order"]

    @hypothesis_settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(st.dictionaries(st.sampled_from(names) | ANY_TEXT, ANY_TEXT | SQLISH, max_size=4))
    def check(params):
        response = client.get(url, params)
        assert response.status_code in (200, 400), (params, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)

    check()


SEARCHED = [
    "/commitments/",
    "/commitments/export.csv",
    "/commitments/export-excel.csv",
    "/motions/",
    "/motions/export.csv",
    "/letters/",
    "/letters/export.csv",
    "/ministers/",
    "/feed/",
]


@pytest.mark.parametrize("url", SEARCHED)
def test_search_is_bounded_in_words_and_length(client, url):
    factories.commitment(title="stikstof en natuur")
    factories.status_update(factories.commitment(), "open", date(2020, 1, 1))
    many_words = " ".join(f"woord{n}" for n in range(300))
    response = client.get(url, {"q": many_words})
    assert response.status_code == 400
    if url != "/feed/":  # the feed answers Django's plain 400 page
        assert "10" in response.content.decode() and "q" in response.content.decode()
    assert client.get(url, {"q": "x" * 201}).status_code == 400
    ten_words = " ".join(["stikstof"] * 9 + ["x" * 119])  # 200 characters
    assert client.get(url, {"q": ten_words}).status_code == 200


def test_search_bound_messages_are_clear(client):
    with translation.override("en"):  # the interface is Dutch unless the URL says /en/
        body = client.get("/en/commitments/export.csv", {"q": "a " * 11}).content.decode()
        assert body == "Invalid filter: q: Search for at most 10 words."
        body = client.get("/en/letters/export.csv", {"q": "a" * 300}).content.decode()
        assert "at most 200 characters (it has 300)" in body
        page = client.get("/en/commitments/", {"q": "a " * 11})
        assert "Search for at most 10 words." in page.content.decode()
        with pytest.raises(BadRequest, match="at most 10 words"):
            filtered_updates(QueryDict("q=" + "+".join(["a"] * 11)))


@pytest.mark.parametrize(
    "url",
    [
        "/sources/brief/?cite=commitment:a%00b",
        "/sources/brief/?cite%00=x",
        "/commitments/?q=a%00b",
        "/commitments/?ministry=%00",
        "/commitments/export.csv?q=%00",
        "/letters/?q=x&q=%00",
        "/feed/?person=a%00",
        "/admin/login/?next=/admin/%00",
    ],
)
def test_a_nul_character_in_the_query_string_is_a_400(client, url):
    factories.commitment(source_document=factories.source_document(key="brief"))
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_character_in_a_form_field_is_a_400(client, researcher):
    response = client.post("/admin/login/", {"username": "researcher\x00", "password": "x"})
    assert response.status_code == 400
    client.force_login(researcher)
    response = client.post("/admin/commitments/theme/add/", {"key": "a", "name": "N\x00"})
    assert response.status_code == 400
    assert not Theme.objects.exists()
    # Without a NUL the same form is handled as usual.
    response = client.post("/admin/commitments/theme/add/", {"key": "a", "name": "N"})
    assert response.status_code == 302 and Theme.objects.filter(name="N").exists()


PROXY_SETTINGS = ["AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_COUNT", "IPWARE_STRICT"]


def proxy_settings(**env):
    """The client-address settings as tracker/settings.py makes them from ``env``."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {PROXY_SETTINGS!r}}}))"
    )
    result = manage("shell", "-c", code, DJANGO_DEBUG="1", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def fail_logins(client, forwarded_for, times):
    return [
        client.post(
            "/admin/login/",
            {"username": "beheer", "password": "fout"},
            REMOTE_ADDR="127.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR=forwarded_for,
        ).status_code
        for _ in range(times)
    ]


@pytest.mark.parametrize("behind_proxy", [True, False])
def test_lockout_behind_the_tls_proxy_is_per_forwarded_client(client, settings, behind_proxy):
    env = {"DJANGO_BEHIND_TLS_PROXY": "1"} if behind_proxy else {}
    for name, value in proxy_settings(**env).items():
        setattr(settings, name, value)
    User.objects.create_superuser("beheer", password="juist-wachtwoord-123")
    limit = settings.AXES_FAILURE_LIMIT
    assert fail_logins(client, "198.51.100.7", limit)[-1] == 429
    # A client that puts the locked-out address first is still itself (the last entry).
    other = fail_logins(client, "198.51.100.7, 203.0.113.20", 1)
    login = client.post(
        "/admin/login/",
        {"username": "beheer", "password": "juist-wachtwoord-123"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    if behind_proxy:
        assert other == [200]
        assert login.status_code == 302 and "_auth_user_id" in client.session
    else:  # the header is ignored: everyone has the proxy's address
        assert other == [429]
        assert login.status_code == 429


SECRET = "k" * 20 + "-Xq9!vT2#pL8@wZ4$rN6^bY1&cM3*hJ5%gF7"


def test_a_server_error_with_debug_off_logs_its_traceback_to_stderr():
    code = (
        "from django.test import Client, override_settings\n"
        "with override_settings(ROOT_URLCONF='tests.error_urls'):\n"
        "    client = Client(raise_request_exception=False)\n"
        "    print(client.get('/fail/', secure=True).status_code)\n"
    )
    result = manage(
        "shell", "-c", code, DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="testserver"
    )
    assert result.stdout.strip().splitlines()[-1] == "500", result.stdout + result.stderr
    assert "ERROR django.request: Internal Server Error: /fail/" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "ZeroDivisionError: deliberate failure for the logging test" in result.stderr


def test_log_level_comes_from_the_environment():
    code = "import logging; print(logging.getLogger('django').getEffectiveLevel())"
    for env, level in [({}, "20"), ({"DJANGO_LOG_LEVEL": "warning"}, "30")]:
        result = manage("shell", "-c", code, DJANGO_DEBUG="1", **env)
        assert result.stdout.strip().splitlines()[-1] == level, result.stderr

"""The production recipe: ``make serve`` migrates, collects static files and serves the
site with gunicorn, debug off. Started here on a free loopback port with a new SQLite
database, asked for a page, and stopped."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(shutil.which("make") is None, reason="needs make"),
]

SECRET = "k" * 20 + "-Xq9!vT2#pL8@wZ4$rN6^bY1&cM3*hJ5%gF7"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_BEHIND_TLS_PROXY="1",
        GUNICORN_WORKERS="1",
    )
    env.update(extra)
    return env


def make_serve(env):
    # -o: never reinstall the virtualenv from here.
    return ["make", "--no-print-directory", "-o", ".venv/.installed", "serve"], {
        "cwd": settings.BASE_DIR, "env": env,
    }  # fmt: skip


def get(url):
    # Only http://127.0.0.1 URLs are opened here.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, response.read().decode()


def test_make_serve_runs_gunicorn_with_production_settings(tmp_path):
    port = free_port()
    command, options = make_serve(serve_env(tmp_path, GUNICORN_BIND=f"127.0.0.1:{port}"))
    log = (tmp_path / "server.log").open("w+")
    server = subprocess.Popen(
        command, **options, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, log.seek(0) or log.read()
            try:
                status, page = get(f"http://127.0.0.1:{port}/commitments/")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, log.seek(0) or log.read()
                time.sleep(0.3)
        assert status == 200
        assert "<table" in page
        css = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", css)  # collected, hashed
        assert get(f"http://127.0.0.1:{port}{css}")[0] == 200  # WhiteNoise serves it
        with pytest.raises(urllib.error.HTTPError) as error:  # not DEBUG: no debug page
            get(f"http://127.0.0.1:{port}/commitments/no-such-key/")
        assert error.value.code == 404 and "Traceback" not in error.value.read().decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make and gunicorn, which we started
        server.wait(timeout=30)
    log.seek(0)
    output = log.read()
    assert "Booting worker" in output
    assert '"GET /commitments/ HTTP/1.1" 200' in output  # access log on stdout


def test_make_serve_refuses_to_start_without_a_secret_key(tmp_path):
    env = serve_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    command, options = make_serve(env)
    result = subprocess.run(command, **options, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()  # stopped before anything ran

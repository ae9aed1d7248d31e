"""The management commands in README.md work as written: each is run with the project's
virtualenv (and DJANGO_DEBUG=1 on a development machine), names a command that exists, and
passes options the command accepts; and the documented form starts Django."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PREFIX = "DJANGO_DEBUG=1 .venv/bin/python manage.py "
# On a server the settings come from the environment (README, "Deployment").
SERVER_PREFIX = ".venv/bin/python manage.py "


def documented_commands():
    """Every command line with manage.py in README.md: the lines of code blocks and the
    inline code spans, whitespace collapsed, comments and optional brackets dropped."""
    text = README.read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.DOTALL):
        commands += block.splitlines()
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    commands += re.findall(r"`([^`]+)`", text)
    found = []
    for command in commands:
        command = " ".join(command.split("#")[0].split())
        if "manage.py" in command:
            found.append(command.replace("[", "").replace("]", ""))
    return found


COMMANDS = documented_commands()


def test_the_readme_documents_the_commands():
    names = {command.split("manage.py ")[1].split()[0] for command in COMMANDS}
    expected = {"create_researcher", "seed", "record_status", "deadlines", "export_all"}
    assert names >= expected | {"import_all"}


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_is_written_in_the_form_that_runs(command):
    assert command.startswith((PREFIX, SERVER_PREFIX)), command
    arguments = shlex.split(command.split("manage.py ", 1)[1])
    name, options = arguments[0], arguments[1:]
    if name == "COMMAND":  # the general form
        return
    app = get_commands().get(name)
    assert app, f"no management command {name!r}"
    parser = load_command_class(app, name).create_parser("manage.py", name)
    parser.parse_args(options)  # exits (SystemExit) on an unknown or missing option


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").exists(), reason="no .venv")
def test_the_documented_form_starts_django():
    """Run as written, in a clean environment: the virtualenv's Python with DJANGO_DEBUG=1,
    and no DJANGO_SECRET_KEY. A bare form without DJANGO_DEBUG stops with a clear message."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    documented = subprocess.run(
        [shutil.which("bash"), "-c", f"{PREFIX}deadlines --help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert documented.returncode == 0, documented.stderr
    assert "--days" in documented.stdout
    bare = subprocess.run(
        [sys.executable, "manage.py", "deadlines", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bare.returncode != 0
    assert "DJANGO_SECRET_KEY" in bare.stderr

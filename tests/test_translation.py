"""The Dutch catalogue is complete, compiled, and used: Dutch by default, English on request."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from commitments.models import Commitment

from . import factories

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "nl" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"

KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")
CONTINUATION = re.compile(r"^(\".*\")\s*$")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{\{ ?[a-z_.]+ ?\}\}")


def unquote(literal):
    """The text of one quoted PO string, with its escapes resolved."""
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), literal[1:-1])


def read_po(path):
    """Entries of a PO file as dicts: ``flags`` (a set) and one string per keyword.
    Obsolete entries (``#~``) are left out; the header is the entry with an empty msgid."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, flags, current = {}, set(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif match := KEYWORD.match(line):
                current = match.group(1)
                entry[current] = unquote(match.group(2))
            elif (match := CONTINUATION.match(line)) and current:
                entry[current] += unquote(match.group(1))
        if "msgid" in entry:
            entry["flags"] = flags
            entries.append(entry)
    return entries


def translations(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


@pytest.fixture(scope="module")
def entries():
    return read_po(PO)


def test_the_header_declares_dutch_and_its_plural_forms(entries):
    (header,) = [e for e in entries if e["msgid"] == ""]
    assert "Language: nl\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header["msgstr"]
    assert "fuzzy" not in header["flags"]


def test_every_entry_is_translated_and_none_is_fuzzy(entries):
    messages = [e for e in entries if e["msgid"]]
    assert len(messages) > 100
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in messages if not all(translations(e))]
    assert fuzzy == []
    assert untranslated == []
    plurals = [e for e in messages if "msgid_plural" in e]
    assert plurals and all(len(translations(e)) == 2 for e in plurals)


def test_translations_keep_the_placeholders(entries):
    for entry in (e for e in entries if e["msgid"]):
        expected = set(PLACEHOLDER.findall(entry["msgid"] + entry.get("msgid_plural", "")))
        for text in translations(entry):
            assert set(PLACEHOLDER.findall(text)) <= expected, entry["msgid"]
        if "msgid_plural" not in entry:
            assert set(PLACEHOLDER.findall(entry["msgstr"])) == expected, entry["msgid"]


def test_msgattrib_finds_nothing_untranslated_or_fuzzy():
    msgattrib = shutil.which("msgattrib")
    if msgattrib is None:
        pytest.skip("msgattrib (GNU gettext) is not installed")
    for option in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            [msgattrib, option, str(PO)], capture_output=True, text=True, check=True
        )
        assert result.stdout == "", option


def test_the_compiled_catalogue_matches_the_po_file(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed")
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(fresh), str(PO)], check=True)
    assert MO.exists(), "run manage.py compilemessages"
    assert MO.read_bytes() == fresh.read_bytes(), "django.mo is stale: run compilemessages"


def test_the_site_is_dutch_by_default_and_english_after_switching(client):
    factories.commitment()
    assert Commitment.objects.get().status == "open"
    dutch = client.get("/commitments/").content.decode()
    assert 'lang="nl"' in dutch
    assert "Toezeggingen" in dutch
    assert "CSV downloaden" in dutch
    assert "openstaand" in dutch

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/commitments/").content.decode()
    assert 'lang="en"' in english
    assert "Commitments" in english
    assert "Download CSV" in english
    assert "Toezeggingen" not in english


def test_the_admin_changelist_is_dutch(admin_client):
    factories.commitment()
    response = admin_client.get(reverse("admin:commitments_commitment_changelist"))
    assert response.status_code == 200
    assert "Toezeggingen" in response.content.decode()

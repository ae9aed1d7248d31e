"""The Dutch catalogue is complete, compiled, and used: Dutch by default, English on request."""

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.core.management import call_command
from django.db.models import CharField, TextField
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from commitments.models import Commitment, Letter, Motion, Office, Person

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

    english = client.get("/en/commitments/").content.decode()
    assert 'lang="en"' in english
    assert "Commitments" in english
    assert "Download CSV" in english
    assert "Toezeggingen" not in english


def test_the_admin_changelist_is_dutch(admin_client):
    factories.commitment()
    response = admin_client.get(reverse("admin:commitments_commitment_changelist"))
    assert response.status_code == 200
    assert "Toezeggingen" in response.content.decode()


# No page mixes languages -------------------------------------------------------------
#
# Every page type is rendered on the seed data in Dutch and in English. The interface text
# that remains once the data is taken out (titles, names, notes, passages: everything a
# record holds, which is Dutch whatever the interface language) must be of one language:
# in English no Dutch translation that differs from its English source string, in Dutch
# no English source string that has a different translation.

# Words the two languages share, so their msgid and msgstr are the same.
SAME_IN_BOTH = {"Status", "status", "Kamerstuk", "minister", "dossier", "dossiers", "URL"}
SAME_IN_BOTH |= {"c.s.", "Filters", "exact"}
# Words of an English string that Dutch uses too ("Alleen items met een datum ...").
SHARED_WORDS = {"items"}
PLACEHOLDERS = re.compile(r"%\([a-z_]+\)[sd]|\{\{ ?[a-z_.]+ ?\}\}|\n")


class PageText(HTMLParser):
    """The text of a page as a list of pieces: text nodes and the attributes people read
    (aria-label, title, placeholder, alt), without scripts, without the parts marked with
    their own language (``lang="nl"``: data, such as passages and source texts), and
    without the language switch's options, which name each language in itself."""

    READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__()
        self.pieces, self.stack = [], []

    def skipping(self):
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = (
            tag in ("script", "style")
            or (tag != "html" and "lang" in attrs)
            or (tag == "select" and attrs.get("name") == "language")
        )
        if not (skip or self.skipping()):
            self.pieces += [attrs[a] for a in self.READ_ATTRIBUTES if attrs.get(a)]
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self.skipping():
            self.pieces.append(data)


def data_strings():
    """Every text a tracker record holds, longest first."""
    values = set()
    for model in apps.get_app_config("commitments").get_models():
        if model._meta.model_name.startswith("historical"):
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (CharField, TextField)) and not f.choices
        ]
        if not fields:  # no text (the data version): values_list() would read every field
            continue
        for row in model.objects.values_list(*fields):
            values.update(value.strip() for value in row if value and value.strip())
    return sorted(values, key=len, reverse=True)


def interface_text(html, data):
    parser = PageText()
    parser.feed(html)
    pieces = []
    for piece in parser.pieces:
        piece = " ".join(piece.split())
        if piece.endswith("…") and any(v.startswith(piece[:-1].strip()) for v in data):
            continue  # a title cut short
        for value in data:
            if value in piece:
                piece = piece.replace(value, " | ")
        pieces.append(piece)
    return " | ".join(pieces)


def fragments(text):
    """The words of a catalogue string worth looking for: the parts between placeholders."""
    for part in PLACEHOLDERS.split(text):
        part = part.strip(" :·—-()\"'")
        if len(part) >= 3 and re.search(r"[A-Za-z]{3}", part) and part not in SHARED_WORDS:
            yield part


def other_language_strings(entries, language):
    """(string, its entry's msgid) of the other language that must not appear."""
    found = []
    for entry in entries:
        if not entry["msgid"] or entry["msgid"] in SAME_IN_BOTH:
            continue
        sources = [entry["msgid"], entry.get("msgid_plural", "")]
        targets = translations(entry)
        if language == "en":
            unwanted = [t for t in targets if t and t not in sources]
        else:
            unwanted = [s for s in sources if s and s not in targets]
        found += [(fragment, entry["msgid"]) for text in unwanted for fragment in fragments(text)]
    return found


def mixed(text, unwanted):
    hits = set()
    for fragment, msgid in unwanted:
        if match := re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text, re.IGNORECASE):
            context = text[max(0, match.start() - 30) : match.end() + 30]
            hits.add(f"{fragment!r} (from {msgid!r}) in {context!r}")
    return sorted(hits)


def public_pages():
    """One address of every kind of public page on the seed data."""
    c = Commitment.objects.exclude(updates=None).first()
    m = Motion.objects.exclude(updates=None).first()
    letter = Letter.objects.exclude(status_updates=None).first()
    cited = Commitment.objects.exclude(source_document=None).first()
    source = cited.source_document
    return [
        "/",
        "/commitments/",
        "/commitments/?year=abc",
        "/commitments/?overdue=true&order=-due",
        "/motions/",
        "/letters/",
        "/ministers/",
        c.get_absolute_url(),
        m.get_absolute_url(),
        letter.get_absolute_url(),
        Person.objects.first().get_absolute_url(),
        Office.objects.filter(person=None).first().get_absolute_url(),
        f"{source.get_absolute_url()}?cite=commitment:{cited.key}",
        "/progress/",
        "/progress/?by=person",
        "/scorecards/",
        "/scorecards/?by=person&sort=-overdue",
        "/scorecards/?by=cabinet",
        "/scorecards/?by=theme&sort=name",
        "/data/",
        "/about/",
    ]


def admin_pages():
    c = Commitment.objects.first()
    pages = ["/admin/", reverse("admin:commitments_commitment_change", args=[c.pk])]
    for model in apps.get_app_config("commitments").get_models():
        if admin.site.is_registered(model):
            pages.append(reverse(f"admin:commitments_{model._meta.model_name}_changelist"))
    return pages


@pytest.fixture
def seeded(db):
    call_command("seed", verbosity=0)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_page_mixes_languages(client, admin_user, entries, seeded, language):
    # Public pages have their language in the address; the admin keeps the cookie.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(admin_user)
    data = data_strings()
    unwanted = other_language_strings(entries, language)
    assert len(unwanted) > 100
    problems = {}
    with translation.override(settings.LANGUAGE_CODE):
        pages = [("/en" if language == "en" else "") + url for url in public_pages()]
        pages += admin_pages()
    for url in pages:
        response = client.get(url)
        # An invalid filter is shown with its message, as 400 Bad Request.
        assert response.status_code == (400 if "=abc" in url else 200), url
        html = response.content.decode()
        assert f'<html lang="{language}"' in html or f'lang="{language}"' in html[:300], url
        if hits := mixed(interface_text(html, data), unwanted):
            problems[url] = hits
    assert problems == {}, "\n".join(f"{url}: {', '.join(hits)}" for url, hits in problems.items())


def test_the_check_finds_a_label_of_the_other_language(entries):
    """The check above can fail: Dutch in an English page and English in a Dutch one."""
    page = '<html lang="en"><body><h1>Bewindspersonen</h1><p lang="nl">Toezeggingen</p>'
    found = mixed(interface_text(page, []), other_language_strings(entries, "en"))
    assert any("'Bewindspersonen'" in hit for hit in found)
    assert not any("'Toezeggingen'" in hit for hit in found)  # marked as Dutch data
    page = '<html lang="nl"><body><th>Made by</th><td>Gedaan door</td>'
    found = mixed(interface_text(page, []), other_language_strings(entries, "nl"))
    assert found and all(hit.lower().startswith("'made by'") for hit in found)


def test_admin_column_headers_are_translated(admin_client, seeded):
    """Every column of every admin list has a Dutch name from the catalogue or Django's own,
    not a field or method name ("SUBJECT")."""
    catalogue = {t.lower() for e in read_po(PO) for t in translations(e) if t}
    untranslated = {}
    for url in admin_pages()[2:]:
        response = admin_client.get(url)
        for header in result_headers(response.context["cl"]):
            text = str(header["text"]).strip()
            if text.startswith("<"):  # the select-all checkbox
                continue
            with translation.override("nl"):
                django_has_it = gettext(text) != text  # Django's own columns ("Actie")
            if text.lower() not in catalogue and not django_has_it:
                untranslated.setdefault(url, []).append(text)
    assert untranslated == {}

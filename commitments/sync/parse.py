"""Parse register pages into plain dataclasses; no database access here.

SyncFeed pages are Atom feeds whose entries carry one entity each in
``<content type="application/xml">``. Elements are matched on the namespace URI, never on
the prefix: toezeggingen may come as ``<ns1:toezegging>``. ``verwijderd`` and
``bijgewerkt`` are read whether or not they carry the namespace. OData pages are JSON with
``value`` and ``@odata.nextLink``; ``0001-01-01`` dates mean "no date".
"""

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from lxml import etree

from . import SyncError

ATOM = "http://www.w3.org/2005/Atom"
TK = "http://www.tweedekamer.nl/xsd/tkData/v1-0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class Page:
    records: list
    next_url: str = ""


@dataclass
class Toezegging:
    tk_id: str
    deleted: bool
    updated: datetime | None
    nummer: str = ""
    tekst: str = ""
    aanmaakdatum: date | None = None
    status: str = ""
    datum_nakoming: date | None = None
    kamerbrief_nakoming: list = field(default_factory=list)
    ministerie: str = ""
    naam: str = ""
    voornaam: str = ""
    initialen: str = ""
    tussenvoegsel: str = ""
    achternaam: str = ""
    functie: str = ""
    activiteit_nummer: str = ""
    toegezegd_aan: list = field(default_factory=list)


@dataclass
class Actor:
    relation: str
    name: str
    party: str = ""
    tk_id: str = ""


@dataclass
class Vote:
    kind: str
    party: str
    size: int | None
    mistake: bool = False


@dataclass
class Decision:
    kind: str
    text: str = ""
    votes: list = field(default_factory=list)


@dataclass
class Motie:
    tk_id: str
    deleted: bool
    updated: datetime | None
    nummer: str = ""
    titel: str = ""
    onderwerp: str = ""
    gestart_op: date | None = None
    vergaderjaar: str = ""
    volgnummer: int | None = None
    kabinetsappreciatie: str = ""
    dossier_nummer: str = ""
    dossier_toevoeging: str = ""
    dossier_titel: str = ""
    actors: list = field(default_factory=list)
    decisions: list = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Values


def parse_datetime(value):
    """An ISO date-time, or None for empty values and ``0001-01-01`` ("no date")."""
    value = (value or "").strip()
    if not value or value.startswith("0001-01-01"):
        return None
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not a date-time: {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def parse_date(value):
    parsed = parse_datetime(value)
    return parsed.date() if parsed else None


def parse_bool(value):
    return (value or "").strip().lower() in {"true", "1"}


# ---------------------------------------------------------------------------------------
# SyncFeed (Atom XML)


def _attribute(element, name):
    value = element.get(name)
    return value if value is not None else element.get(f"{{{TK}}}{name}")


def _text(element, name):
    child = element.find(f"{{{TK}}}{name}")
    if child is None or child.get(f"{{{XSI}}}nil") == "true":
        return ""
    return (child.text or "").strip()


def _texts(element, name):
    return [
        (child.text or "").strip()
        for child in element.findall(f"{{{TK}}}{name}")
        if (child.text or "").strip()
    ]


def _refs(element, name):
    return [child.get("ref") for child in element.findall(f"{{{TK}}}{name}") if child.get("ref")]


def parse_feed(content, url=""):
    """Parse one SyncFeed page into a ``Page`` of ``Toezegging`` records."""
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SyncError(f"The page {url} is not well-formed XML: {exc}") from exc
    if root.tag != f"{{{ATOM}}}feed":
        raise SyncError(f"The page {url} is not an Atom feed (root element {root.tag}).")
    next_url = ""
    for link in root.findall(f"{{{ATOM}}}link"):
        if link.get("rel") == "next":
            next_url = link.get("href", "")
    records = []
    for number, entry in enumerate(root.findall(f"{{{ATOM}}}entry"), start=1):
        content_element = entry.find(f"{{{ATOM}}}content")
        entity = None if content_element is None else next(iter(content_element), None)
        if entity is None:
            raise SyncError(f"The page {url}: entry {number} has no entity in its content.")
        if entity.tag != f"{{{TK}}}toezegging":
            continue  # another category; this feed is asked for toezeggingen only
        try:
            records.append(parse_toezegging(entity))
        except ValueError as exc:
            raise SyncError(f"The page {url}: entry {number}: {exc}") from exc
    return Page(records=records, next_url=next_url)


def parse_toezegging(element):
    tk_id = element.get("id") or ""
    if not re.fullmatch(r"[0-9a-f-]{36}", tk_id):
        raise ValueError(f"toezegging without a valid id: {tk_id!r}")
    return Toezegging(
        tk_id=tk_id,
        deleted=parse_bool(_attribute(element, "verwijderd")),
        updated=parse_datetime(_attribute(element, "bijgewerkt")),
        nummer=_text(element, "nummer"),
        tekst=_text(element, "tekst"),
        aanmaakdatum=parse_date(_text(element, "aanmaakdatum")),
        status=_text(element, "status"),
        datum_nakoming=parse_date(_text(element, "datumNakoming")),
        kamerbrief_nakoming=_texts(element, "kamerbriefNakoming"),
        ministerie=_text(element, "ministerie"),
        naam=_text(element, "naam"),
        voornaam=_text(element, "voornaam"),
        initialen=_text(element, "initialen"),
        tussenvoegsel=_text(element, "tussenvoegsel"),
        achternaam=_text(element, "achternaam"),
        functie=_text(element, "functie"),
        activiteit_nummer=_text(element, "activiteitNummer"),
        toegezegd_aan=_refs(element, "toegezegdAan")
        + _refs(element, "toegezegdAanPersoon")
        + _refs(element, "toegezegdAanFractie"),
    )


# ---------------------------------------------------------------------------------------
# OData (JSON)


def _list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _str(value):
    return "" if value is None else str(value).strip()


def parse_odata(content, url=""):
    """Parse one OData page of Zaak records (with their expansions) into ``Motie``s."""
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SyncError(f"The page {url} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("value"), list):
        raise SyncError(f"The page {url} has no list of records ('value').")
    records = []
    for number, item in enumerate(data["value"], start=1):
        try:
            records.append(parse_zaak(item))
        except (ValueError, TypeError, AttributeError) as exc:
            raise SyncError(f"The page {url}: record {number}: {exc}") from exc
    return Page(records=records, next_url=data.get("@odata.nextLink") or "")


def parse_zaak(item):
    tk_id = _str(item.get("Id"))
    if not tk_id:
        raise ValueError("a Zaak without an Id")
    dossier = next(iter(_list(item.get("Kamerstukdossier"))), None) or {}
    volgnummer = item.get("Volgnummer")
    return Motie(
        tk_id=tk_id,
        deleted=bool(item.get("Verwijderd")),
        updated=parse_datetime(_str(item.get("GewijzigdOp"))),
        nummer=_str(item.get("Nummer")),
        titel=_str(item.get("Titel")),
        onderwerp=_str(item.get("Onderwerp")),
        gestart_op=parse_date(_str(item.get("GestartOp"))),
        vergaderjaar=_str(item.get("Vergaderjaar")),
        volgnummer=int(volgnummer) if volgnummer not in (None, "", 0) else None,
        kabinetsappreciatie=_str(item.get("Kabinetsappreciatie")),
        dossier_nummer=_str(dossier.get("Nummer")),
        dossier_toevoeging=_str(dossier.get("Toevoeging")),
        dossier_titel=_str(dossier.get("Titel")),
        actors=[
            Actor(
                relation=_str(actor.get("Relatie")),
                name=_str(actor.get("ActorNaam")),
                party=_str(actor.get("ActorFractie")),
                tk_id=_str(actor.get("Persoon_Id")),
            )
            for actor in _list(item.get("ZaakActor"))
            if not actor.get("Verwijderd")
        ],
        decisions=[
            Decision(
                kind=_str(besluit.get("BesluitSoort")),
                text=_str(besluit.get("BesluitTekst")),
                votes=[
                    Vote(
                        kind=_str(vote.get("Soort")),
                        party=_str(vote.get("ActorFractie")) or _str(vote.get("ActorNaam")),
                        size=vote.get("FractieGrootte"),
                        mistake=bool(vote.get("Vergissing")),
                    )
                    for vote in _list(besluit.get("Stemming"))
                    if not vote.get("Verwijderd")
                ],
            )
            for besluit in _list(item.get("Besluit"))
            if not besluit.get("Verwijderd")
        ],
    )

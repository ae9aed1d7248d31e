"""The text of a Kamerstuk from officielebekendmakingen (repository.overheid.nl), as plain
paragraphs, so passages of a letter can be cited and searched like a source document."""

import re

from lxml import etree

from . import SyncError

REPOSITORY_URL = (
    "https://repository.overheid.nl/frbr/officielepublicaties/kst/{dossier}/{id}/1/xml/{id}.xml"
)
BLOCKS = {
    "kamer",
    "vergaderjaar",
    "dossiernr",
    "ondernummer",
    "titel",
    "kop",
    "tussenkop",
    "al",
    "li",
    "regel",
}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def repository_url(kst_id):
    """kst-30420-415 -> .../kst/30420/kst-30420-415/1/xml/kst-30420-415.xml"""
    match = re.fullmatch(r"kst-(.+)-(\d+)", kst_id)
    if not match:
        raise ValueError(f"not a Kamerstuk identifier: {kst_id!r}")
    return REPOSITORY_URL.format(dossier=match.group(1), id=kst_id)


def letter_text(content, url=""):
    """The paragraphs of a Kamerstuk XML, one per line, whitespace collapsed."""
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SyncError(f"The text at {url} is not well-formed XML: {exc}") from exc
    body = next(iter(root.iter("kamerstuk")), root)
    paragraphs = []
    for element in body.iter():
        if isinstance(element.tag, str) and element.tag in BLOCKS:
            text = " ".join("".join(element.itertext()).split())
            if text:
                paragraphs.append(text)
    if not paragraphs:
        raise SyncError(f"The text at {url} holds no paragraphs.")
    return "\n\n".join(paragraphs)

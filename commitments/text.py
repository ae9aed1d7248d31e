import re

WHITESPACE = re.compile(r"\s+")


def normalise(text):
    """Collapse whitespace, so a passage matches across the line breaks of its source."""
    return WHITESPACE.sub(" ", text).strip()

"""Sync from the Tweede Kamer's open data: the register of toezeggingen (SyncFeed, Atom
XML) and motions with their decisions and votes (OData v4, JSON).

``client`` fetches pages with timeouts and retries, ``parse`` turns a page into plain
dataclasses, ``store`` writes one page per transaction, together with the position the
next run resumes from (``SyncState``)."""


class SyncError(Exception):
    """A run stopped: the message says which page and why. Pages before it are kept."""

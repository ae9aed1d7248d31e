"""The data version: one row (``DataVersion``) that every write path raises in its own
transaction, so that a public page's ETag (``tracker/caching.py``) changes with every
change it could show, bulk UPDATEs that write no history row included, and with nothing
else.

Each write path takes the row first (``change()``), before it locks anything else: two
writers then wait for each other at that row and never deadlock on the rows behind it.
A counter raised under the row lock, unlike the largest id of a table, cannot miss a
transaction that commits after one that started later; the time of the change makes a
number that comes back (a database restored from a backup) a new version all the same.
"""

from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from .models import DataVersion

ROW = 1


def bump():
    """Raise the version, in the current transaction (the row is created when missing)."""
    quote = connection.ops.quote_name
    table = quote(DataVersion._meta.db_table)
    n, changed_at = quote("n"), quote("changed_at")
    sql = (
        f"INSERT INTO {table} ({quote('id')}, {n}, {changed_at}) VALUES (%s, 1, %s) "  # noqa: S608 (quoted names only)
        f"ON CONFLICT ({quote('id')}) DO UPDATE SET {n} = {table}.{n} + 1, "
        f"{changed_at} = excluded.{changed_at}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ROW, timezone.now()])


@contextmanager
def change():
    """A write: one transaction that raises the version first. Also a decorator
    (``@versions.change()``)."""
    with transaction.atomic():
        bump()
        yield


def current():
    """The version as text, in one query: the number of changes and when the last was."""
    row = DataVersion.objects.filter(pk=ROW).values_list("n", "changed_at").first()
    if row is None:
        return "0"
    n, changed_at = row
    return f"{n}.{changed_at.isoformat() if changed_at else ''}"

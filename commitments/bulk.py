"""Inserting many new rows at once, with their history rows.

On PostgreSQL the rows go in with ``COPY ... FROM STDIN`` (psycopg's ``cursor.copy``):
Django's ``bulk_create`` spends most of its time compiling the INSERT statement and
binding its parameters, which COPY does not need. The primary keys are taken from the
table's sequence first, so every object has its ``pk`` afterwards, as with
``bulk_create``. Other databases (SQLite) use ``bulk_create`` and
``bulk_history_create``.

The history rows hold what django-simple-history's ``bulk_history_create`` writes: the
record's tracked fields, the time, the user and change reason it would find, and type
"+". A history model with fields this module does not know is left to
``bulk_history_create``.
"""

import time
import uuid
from datetime import date

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object

# Values of these exact types go to PostgreSQL as they are: ``get_db_prep_save`` of a field
# of these exact classes returns them unchanged (an aware datetime, for a datetime), and it
# costs more than the rest of the insert. Other values take the field's own path.
_INTEGER = (int,)
_TEXT = (str,)
AS_THEY_ARE = {
    models.AutoField: _INTEGER,
    models.BigAutoField: _INTEGER,
    models.IntegerField: _INTEGER,
    models.BigIntegerField: _INTEGER,
    models.PositiveIntegerField: _INTEGER,
    models.PositiveSmallIntegerField: _INTEGER,
    models.CharField: _TEXT,
    models.SlugField: _TEXT,
    models.TextField: _TEXT,
    models.URLField: _TEXT,
    models.BooleanField: (bool,),
    models.DateField: (date,),
    models.UUIDField: (uuid.UUID,),
}

# The fields a history model adds to the record's own (besides its primary key).
HISTORY_FIELDS = {"history_date", "history_change_reason", "history_type", "history_user"}


def insert(model, objs):
    """Insert the unsaved ``objs`` of ``model``; they get their primary keys."""
    _insert(model, objs, history=False)
    return objs


def insert_with_history(model, objs):
    """Insert the unsaved ``objs`` and a "created" history row for each."""
    _insert(model, objs, history=True)
    return objs


def insert_history(model, objs):
    """A "created" history row for each of the inserted ``objs``, with their values now:
    for records whose values are completed after the insert (the current status)."""
    if not objs or not history_enabled():
        return
    connection = _copy_connection(model)
    if connection is None:
        model.history.bulk_history_create(objs)
        return
    fields, rows = _rows(connection, model, objs)
    _copy_history(connection, model, objs, fields, rows)


def history_enabled():
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def _copy_connection(model):
    """The connection to COPY ``model``'s rows with, or None where ``bulk_create`` serves:
    on SQLite, and for tables with a database default."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or any(
        f.has_db_default() for f in model._meta.concrete_fields
    ):
        return None
    return connection


def _insert(model, objs, *, history):
    if not objs:
        return
    connection = _copy_connection(model)
    if connection is None:
        model.objects.bulk_create(objs)
        if history and history_enabled():
            model.history.bulk_history_create(objs)
        return
    fields, rows = _rows(connection, model, objs)
    _copy(connection, model, fields, rows)
    if history and history_enabled():
        _copy_history(connection, model, objs, fields, rows)


def _rows(connection, model, objs):
    """The columns of ``model`` and each object's values for them, ready for the
    database, as ``bulk_create`` prepares them."""
    opts = model._meta
    pk = opts.pk
    unsaved = [obj for obj in objs if obj.pk is None]
    if unsaved:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, pk.column, len(unsaved)],
            )
            ids = sorted(row[0] for row in cursor.fetchall())
        for obj, pk_value in zip(unsaved, ids, strict=True):
            obj.pk = pk_value
    fields = [f for f in opts.concrete_fields if not f.generated]
    plain = [(f, f.attname, _as_they_are(f)) for f in fields]
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        row = []
        for f, attname, types in plain:
            value = getattr(obj, attname)
            if type(value) not in types:
                value = f.get_db_prep_save(f.pre_save(obj, True), connection)
            row.append(value)
        rows.append(row)
        obj._state.adding = False
        obj._state.db = connection.alias
    return fields, rows


def _as_they_are(field):
    """The types of value (None included) ``field`` stores unchanged; none for a field
    whose value saving sets, or of another class."""
    if field.is_relation:
        if type(field) not in (models.ForeignKey, models.OneToOneField):
            return ()
        field = field.target_field
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return ()
    types = AS_THEY_ARE.get(type(field))
    return (*types, type(None)) if types else ()


def _copy(connection, model, fields, rows):
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    started = time.monotonic()
    # Django's cursor does not wrap COPY: its errors are made Django's here (IntegrityError).
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)
    if connection.queries_logged:  # seen by the debug toolbar and query-count tests
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - started:.3f}"}
        )


def _copy_history(connection, model, objs, fields, rows):
    history_model = model.history.model
    own = {f.attname: i for i, f in enumerate(fields)}
    history_fields = [
        f for f in history_model._meta.concrete_fields if f is not history_model._meta.pk
    ]
    if any(f.attname not in own and f.name not in HISTORY_FIELDS for f in history_fields):
        model.history.bulk_history_create(objs)
        return
    history_rows = []
    for obj, row in zip(objs, rows, strict=True):
        # The same values, in the same order, as ``bulk_history_create``.
        user = getattr(obj, "_history_user", history_model.get_default_history_user(obj))
        values = {
            "history_date": getattr(obj, "_history_date", timezone.now()),
            "history_user": user.pk if user is not None else None,
            "history_change_reason": get_change_reason_from_object(obj) or "",
            "history_type": "+",
        }
        history_rows.append(
            [row[own[f.attname]] if f.attname in own else values[f.name] for f in history_fields]
        )
    _copy(connection, history_model, history_fields, history_rows)

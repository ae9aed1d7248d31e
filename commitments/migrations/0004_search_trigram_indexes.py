"""Trigram indexes for the free-text search on PostgreSQL.

The lists search with ``icontains``, which PostgreSQL runs as ``UPPER(column) LIKE``; a GIN
trigram index on ``UPPER(column)`` serves it. SQLite has no such index and skips this."""

from django.db import migrations

SEARCHED = {
    "commitments_commitment": ["title", "text", "occasion", "due_phrase"],
    "commitments_motion": ["title", "operative_text"],
    "commitments_letter": ["title"],
}


def statements(create):
    for table, columns in SEARCHED.items():
        for column in columns:
            name = f"{table.removeprefix('commitments_')}_{column}_trgm"
            if create:
                yield (
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                    f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
                )
            else:
                yield f'DROP INDEX IF EXISTS "{name}"'


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for statement in statements(create=True):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements(create=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0003_list_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]

"""Full-text search on PostgreSQL: a stored, generated ``search_document`` (a Dutch
``tsvector``, the title weighted above the other text) on commitments, motions and letters,
with a GIN index. PostgreSQL keeps the column up to date on every write, bulk loads
included, so no write path has to. ``filters.SearchFilter`` matches and ranks on it; SQLite
has no such column and keeps the plain ``icontains`` search."""

from django.db import migrations

# table: (title column, other text columns), as ``filters.SearchFilter`` searches them.
DOCUMENTS = {
    "commitments_commitment": ("title", ["text", "occasion", "due_phrase"]),
    "commitments_motion": ("title", ["operative_text"]),
    "commitments_letter": ("title", []),
}


def document(title, others):
    vector = f"setweight(to_tsvector('dutch'::regconfig, coalesce(\"{title}\", '')), 'A')"
    if others:
        text = " || ' ' || ".join(f"coalesce(\"{column}\", '')" for column in others)
        vector += f" || setweight(to_tsvector('dutch'::regconfig, {text}), 'B')"
    return vector


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (title, others) in DOCUMENTS.items():
        name = table.removeprefix("commitments_")
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD COLUMN "search_document" tsvector '
            f"GENERATED ALWAYS AS ({document(title, others)}) STORED"
        )
        schema_editor.execute(
            f'CREATE INDEX "{name}_search_document" ON "{table}" USING gin ("search_document")'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in DOCUMENTS:
        schema_editor.execute(f'ALTER TABLE "{table}" DROP COLUMN "search_document"')


class Migration(migrations.Migration):
    dependencies = [("commitments", "0012_tallies")]

    operations = [migrations.RunPython(forwards, backwards)]

"""Complete, re-importable backups: every record of the tracker with its full change
history, as Django JSON fixtures. Users and groups are written with natural keys
(username, group name); tracker records keep their ids, so history rows stay attached to
the records they describe. Times are written to the microsecond (see exact_json), so a
restore is exact."""

import json
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from . import tallies

# (file, app labels or models, natural primary keys)
PARTS = [
    ("auth.json", ["auth.group", "auth.user"], True),
    ("commitments.json", ["commitments"], False),
]
# Counted again from the data after a load (``tallies.rebuild``, which also raises the
# data version).
DERIVED = ["commitments.Tally", "commitments.ItemTally", "commitments.DataVersion"]


class BackupError(Exception):
    pass


def export_all(directory, progress=print):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for filename, labels, natural_primary in PARTS:
        progress(f"Writing {filename}")
        call_command(
            "dumpdata",
            *labels,
            exclude=DERIVED,
            format="json-exact",
            output=str(directory / filename),
            indent=1,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=natural_primary,
            verbosity=0,
        )
        records = json.loads((directory / filename).read_text(encoding="utf-8"))
        for record in records:
            counts[record["model"]] = counts.get(record["model"], 0) + 1
    (directory / "manifest.json").write_text(
        json.dumps({"files": [p[0] for p in PARTS], "counts": counts}, indent=1, sort_keys=True)
    )
    return counts


def tracker_rows():
    derived = {apps.get_model(label) for label in DERIVED}
    return sum(
        model.objects.count()
        for model in apps.get_app_config("commitments").get_models()
        if model not in derived
    )


@transaction.atomic
def import_all(directory, progress=print):
    directory = Path(directory)
    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        raise BackupError(f"{directory} has no manifest.json: not a backup made by export_all.")
    if tracker_rows():
        raise BackupError("The database already holds tracker data; import into an empty one.")
    manifest = json.loads(manifest_path.read_text())
    for filename in manifest["files"]:
        progress(f"Loading {filename}")
        call_command("loaddata", str(directory / filename), verbosity=0)
    tallies.rebuild(progress)
    return manifest["counts"]

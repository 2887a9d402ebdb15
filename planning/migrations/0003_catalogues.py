"""Seed the method's catalogues from fixtures/catalogues.json (editable in the admin).

Rows are matched on their natural keys, so re-running never duplicates and
an administrator's edits to the wording are kept."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "catalogues.json"
KEYS = {
    "planning.marketaction": ["number"],
    "pipeline.evidencecriterion": ["code"],
    "planning.indicator": ["family", "name"],
    "customers.intelligencechannel": ["code"],
    "planning.strategyoption": ["position", "name"],
}


def load(apps, schema_editor):
    for entry in json.loads(FIXTURE.read_text(encoding="utf-8")):
        model = apps.get_model(entry["model"])
        fields = entry["fields"]
        lookup = {k: fields[k] for k in KEYS[entry["model"]]}
        model.objects.get_or_create(**lookup, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0002_initial"),
        ("pipeline", "0002_initial"),
        ("customers", "0002_initial"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

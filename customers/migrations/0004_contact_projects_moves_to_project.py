"""The contact ↔ project link moves to the project (floors point down).

State only here: the table stays until pipeline.0003 takes it over as
Project.contacts and renames it, so no link is lost."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_contribution_covering_index"),
        ("pipeline", "0002_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name="contact", name="projects")],
            database_operations=[],
        ),
    ]

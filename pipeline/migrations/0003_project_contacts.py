"""Project.contacts: the contact ↔ project link, now owned by the project.

The field first takes over the existing link table (customers_contact_projects:
its columns contact_id and project_id are the ones this field uses), then the
table is renamed to this field's own name. Every link is kept."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_contact_projects_moves_to_project"),
        ("pipeline", "0002_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="project",
                    name="contacts",
                    field=models.ManyToManyField(blank=True, related_name="projects", to="customers.contact",
                                                 verbose_name="相关联系人", db_table="customers_contact_projects"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name="project",
            name="contacts",
            field=models.ManyToManyField(blank=True, related_name="projects", to="customers.contact",
                                         verbose_name="相关联系人"),
        ),
    ]

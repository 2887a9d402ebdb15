"""A competitor stance names its target customers (DOMAIN §4.5: 攻击或防守谁).

The free text of before is kept, whole, as the stance's note (target_note);
each of its words that is exactly the code or the name of a customer of the
competitor's region names that customer too."""

import re

from django.db import migrations, models

# How people list customers in one line: commas, enumeration commas, semicolons, spaces, new lines.
SEPARATORS = re.compile(r"[,，、;；\s]+")


def name_customers_of_notes(apps, schema_editor):
    Stance = apps.get_model("planning", "CompetitorStance")
    Customer = apps.get_model("customers", "Customer")
    for stance in Stance.objects.exclude(target_note="").select_related("competitor"):
        words = {w for w in SEPARATORS.split(stance.target_note) if w}
        if not words:
            continue
        region = Customer.objects.filter(region_id=stance.competitor.region_id)
        by_code = list(region.filter(code__in=words).values_list("pk", flat=True))
        # a name names a customer only when one customer of the region has it
        names = {}
        for pk, name in region.filter(name__in=words).values_list("pk", "name"):
            names.setdefault(name, []).append(pk)
        by_name = [pks[0] for pks in names.values() if len(pks) == 1]
        stance.target_customers.add(*set(by_code) | set(by_name))


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0006_edit_versions"),
        ("planning", "0004_edit_versions"),
    ]

    operations = [
        migrations.RenameField(model_name="competitorstance", old_name="target_customers", new_name="target_note"),
        migrations.AlterField(
            model_name="competitorstance",
            name="target_note",
            field=models.TextField(blank=True, verbose_name="攻击或防守谁（说明）"),
        ),
        migrations.AddField(
            model_name="competitorstance",
            name="target_customers",
            field=models.ManyToManyField(blank=True, related_name="competitor_stances", to="customers.customer",
                                         verbose_name="目标客户"),
        ),
        migrations.RunPython(name_customers_of_notes, migrations.RunPython.noop),
    ]

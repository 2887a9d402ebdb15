"""Copy every old text, unchanged, into its new field (0007 added them; 0009 drops the old ones).

- Customer.key_needs (关键需求)        → decider_needs (决策人的需求);
- Competitor.goals (在本区域的主要目标) → goal_note (目标说明), the choice `goal` left blank (not yet judged);
- Competitor.posture (对我方的态势)     → reaction_note (反应说明), the choice `reaction` left blank;
- Competitor.trends (可能的动向)        → trend_product (在产品方面可能的发展趋势).

Nothing is lost. Going back copies the texts the other way (a text written
meanwhile in a field that did not exist before is not carried back).

A migration of its own, between the schema changes: on PostgreSQL a table
whose rows were just updated (deferred foreign-key checks pending) cannot be
altered in the same transaction.
"""

from django.db import migrations
from django.db.models import F

NEEDS = [("key_needs", "decider_needs")]
COMPETITOR = [("goals", "goal_note"), ("posture", "reaction_note"), ("trends", "trend_product")]


def _copy(model, pairs, *, back=False):
    # One UPDATE per field pair: a large region moves in place, no row read into Python.
    for old, new in pairs:
        source, target = (new, old) if back else (old, new)
        model.objects.update(**{target: F(source)})


def forward(apps, schema_editor):
    _copy(apps.get_model("customers", "Customer"), NEEDS)
    _copy(apps.get_model("customers", "Competitor"), COMPETITOR)


def backward(apps, schema_editor):
    _copy(apps.get_model("customers", "Customer"), NEEDS, back=True)
    _copy(apps.get_model("customers", "Competitor"), COMPETITOR, back=True)


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0007_four_needs_competitor_profile'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]

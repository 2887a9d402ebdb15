"""Needs as four texts, and a competitor's goal, reaction and trends as the course puts them.

Nothing is lost: every stored text is copied, unchanged, into its new home
before 0008 drops the old fields —

- Customer.key_needs (关键需求)        → decider_needs (决策人的需求);
- Competitor.goals (在本区域的主要目标) → goal_note (目标说明), the choice `goal` left blank (not yet judged);
- Competitor.posture (对我方的态势)     → reaction_note (反应说明), the choice `reaction` left blank;
- Competitor.trends (可能的动向)        → trend_product (在产品方面可能的发展趋势).

company_needs, industry_needs, trend_operation and trend_organisation start
blank. Going back copies the texts the other way (a text written meanwhile
in a field that did not exist before is not carried back).
"""

from django.db import migrations, models
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


def _text(verbose):
    return models.TextField(blank=True, verbose_name=verbose)


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0006_edit_versions'),
    ]

    operations = [
        migrations.AddField(model_name='customer', name='decider_needs', field=_text('决策人的需求')),
        migrations.AddField(model_name='customer', name='company_needs', field=_text('公司的需求')),
        migrations.AddField(model_name='customer', name='industry_needs', field=_text('产业的需求')),
        migrations.AddField(
            model_name='competitor', name='goal',
            field=models.CharField(blank=True, max_length=24, verbose_name='在本区域的主要目标', choices=[
                ('target_customers', '目标客户'), ('similar_products', '同类产品'),
                ('short_term_profit', '短期利润'), ('long_term_market', '长期市场')]),
        ),
        migrations.AddField(model_name='competitor', name='goal_note', field=_text('目标说明')),
        migrations.AddField(
            model_name='competitor', name='reaction',
            field=models.CharField(blank=True, max_length=24, verbose_name='对我方的反应模式', choices=[
                ('laid_back', '从容'), ('fierce', '凶猛'), ('selective', '选择'), ('unpredictable', '随机')]),
        ),
        migrations.AddField(model_name='competitor', name='reaction_note', field=_text('反应说明')),
        migrations.AddField(model_name='competitor', name='trend_product', field=_text('在产品方面可能的发展趋势')),
        migrations.AddField(model_name='competitor', name='trend_operation', field=_text('在运作方面可能的发展趋势')),
        migrations.AddField(model_name='competitor', name='trend_organisation',
                            field=_text('在组织人员方面可能的发展趋势')),
        migrations.RunPython(forward, backward),
    ]

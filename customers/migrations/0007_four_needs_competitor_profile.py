"""Needs as four texts, and a competitor's goal, reaction and trends as the course puts them: the new fields.

0008 copies every old text into them — key_needs into decider_needs; goals,
posture and trends into goal_note, reaction_note and trend_product — and 0009
drops the old fields: nothing is lost. company_needs, industry_needs,
trend_operation and trend_organisation start blank, and so do the choices
goal and reaction (not yet judged).
"""

from django.db import migrations, models


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
    ]

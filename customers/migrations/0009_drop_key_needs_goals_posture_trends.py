"""The old texts go, now that 0008 copied every one of them into its new field."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0008_copy_needs_and_competitor_texts'),
    ]

    operations = [
        migrations.RemoveField(model_name='customer', name='key_needs'),
        migrations.RemoveField(model_name='competitor', name='goals'),
        migrations.RemoveField(model_name='competitor', name='posture'),
        migrations.RemoveField(model_name='competitor', name='trends'),
        migrations.AddConstraint(
            model_name='competitor',
            constraint=models.CheckConstraint(
                condition=models.Q(('goal__in', ['', 'target_customers', 'similar_products', 'short_term_profit',
                                                 'long_term_market'])),
                name='competitor_goal_known'),
        ),
        migrations.AddConstraint(
            model_name='competitor',
            constraint=models.CheckConstraint(
                condition=models.Q(('reaction__in', ['', 'laid_back', 'fierce', 'selective', 'unpredictable'])),
                name='competitor_reaction_known'),
        ),
    ]

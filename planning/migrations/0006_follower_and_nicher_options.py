"""Followers and nichers get the course's options (DOMAIN §4.5) instead of
one generic line: a follower follows the leader's market moves (展会, 活动,
宣传, 促销), a nicher specialises by 客户, 渠道 or 新品 and names its segment.

A series that had chosen the generic line keeps it, written into its 重点
(focus), before the generic option goes; a special action's class becomes a
real choice (the values are those the form already allowed)."""

from django.db import migrations, models

OLD = "扬长避短、均衡推进"
NEW = {
    "follower": ("跟随领导者的市场动作", ("展会", "活动", "宣传", "促销")),
    "nicher": ("专攻方向", ("客户", "渠道", "新品")),
}
FIRST_ORDER = 12  # after the leader's 7 and the challenger's 4


def options_of_the_course(apps, schema_editor):
    Option = apps.get_model("planning", "StrategyOption")
    Position = apps.get_model("planning", "CompetitivePosition")
    note = f"原选策略：{OLD}"
    for old in Option.objects.filter(position__in=list(NEW), name=OLD):
        for record in Position.objects.filter(strategies=old):
            if note not in record.focus:
                record.focus = f"{record.focus}\n{note}" if record.focus else note
                record.save(update_fields=["focus"])
        old.delete()
    order = FIRST_ORDER
    for position, (group, names) in NEW.items():
        for name in names:
            Option.objects.get_or_create(position=position, name=name, defaults={"group": group, "order": order})
            order += 1


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0005_stance_target_customers"),
    ]

    operations = [
        migrations.AddField(
            model_name="competitiveposition",
            name="niche_segment",
            field=models.CharField(blank=True, max_length=200, verbose_name="专攻的细分市场"),
        ),
        migrations.AlterField(
            model_name="specialaction",
            name="target_class",
            field=models.CharField(blank=True, choices=[
                ("consolidate", "一级 巩固类"), ("invest", "二级 投入类"), ("harvest", "三级 收获类"),
                ("maintain", "四级 兼顾类"), ("fat_sheep", "肥羊"), ("reindeer", "驯鹿"), ("hound", "猎狗"),
                ("hare", "野兔"), ("rat", "硕鼠")], max_length=32, verbose_name="目标客户类"),
        ),
        migrations.AlterField(
            model_name="specialaction",
            name="target_customers",
            field=models.ManyToManyField(blank=True, related_name="special_actions", to="customers.customer",
                                         verbose_name="目标客户"),
        ),
        migrations.RunPython(options_of_the_course, migrations.RunPython.noop),
    ]

"""Data migrations keep every value: run them forward on real data."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("planning", "0004_edit_versions")]
AFTER = [("planning", "0006_follower_and_nicher_options")]
GENERIC = "扬长避短、均衡推进"


def _state(executor, planning_at):
    """The models with planning at `planning_at` and every other app at its latest."""
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "planning"]
    return executor.loader.project_state(planning_at + others).apps


@pytest.mark.django_db(transaction=True)
def test_stance_texts_and_generic_strategies_survive_the_move_to_named_customers_and_the_courses_options():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = _state(executor, BEFORE)
    Region = old.get_model("teams", "Region")
    a, b = Region.objects.create(code="MA", name="迁移甲"), Region.objects.create(code="MB", name="迁移乙")
    Customer = old.get_model("customers", "Customer")
    for region, code, name in [(a, "C1", "银行甲"), (a, "C2", "医院乙"), (a, "C3", "同名"), (a, "C4", "同名"),
                               (b, "C9", "外区丙")]:
        Customer.objects.create(region=region, code=code, name=name)
    Competitor = old.get_model("customers", "Competitor")
    Stance = old.get_model("planning", "CompetitorStance")
    note = "C1、医院乙，同名；外区丙 以及金融行业的其他客户"
    Stance.objects.create(competitor=Competitor.objects.create(region=a, name="对手甲", product_series="数据"),
                          stance="hold", target_customers=note, expected_result="守住", version=3)
    Stance.objects.create(competitor=Competitor.objects.create(region=b, name="对手乙", product_series="数据"),
                          stance="hold", target_customers="")
    # an older catalogue: followers and nichers had one generic line, one series chose it
    Option = old.get_model("planning", "StrategyOption")
    Option.objects.filter(position__in=["follower", "nicher"]).delete()
    generic = Option.objects.create(position="follower", group=GENERIC, name=GENERIC, order=12)
    Option.objects.create(position="nicher", group=GENERIC, name=GENERIC, order=13)
    # (another transactional test may have flushed the seeded catalogue)
    kept, _ = Option.objects.get_or_create(position="leader", name="新用户", defaults={"group": "扩大需求", "order": 1})
    Position = old.get_model("planning", "CompetitivePosition")
    chose = Position.objects.create(region=a, product_series="数据", focus="守住金融", position_version=2)
    chose.strategies.set([generic])
    other = Position.objects.create(region=a, product_series="语音")
    other.strategies.set([kept])

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = _state(executor, AFTER)
    stance = new.get_model("planning", "CompetitorStance").objects.get(competitor__name="对手甲")
    # the text whole, the customers it names exactly (never another region's, never an ambiguous name)
    assert (stance.target_note, stance.expected_result, stance.version) == (note, "守住", 3)
    assert sorted(c.code for c in stance.target_customers.all()) == ["C1", "C2"]
    assert not new.get_model("planning", "CompetitorStance").objects.get(
        competitor__name="对手乙").target_customers.exists()
    options = new.get_model("planning", "StrategyOption").objects
    assert list(options.filter(position="follower").order_by("order").values_list("name", flat=True)) == [
        "展会", "活动", "宣传", "促销"]
    assert list(options.filter(position="nicher").order_by("order").values_list("name", flat=True)) == [
        "客户", "渠道", "新品"]
    assert not options.filter(name=GENERIC).exists()
    positions = new.get_model("planning", "CompetitivePosition").objects
    chose = positions.get(product_series="数据")
    assert (chose.focus, chose.niche_segment, chose.position_version) == (f"守住金融\n原选策略：{GENERIC}", "", 2)
    assert not chose.strategies.exists()
    assert [o.name for o in positions.get(product_series="语音").strategies.all()] == ["新用户"]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the database as the other tests expect

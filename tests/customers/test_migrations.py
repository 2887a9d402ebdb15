"""The needs and competitor migrations keep every text: run them forward (and back) on real rows."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("customers", "0006_edit_versions")]
AFTER = [("customers", "0009_drop_key_needs_goals_posture_trends")]
LONG = "千兆专线，双路由，同城灾备；\n" * 400  # a long text with line breaks, kept to the character


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_key_needs_goals_posture_and_trends_move_into_their_new_fields_unchanged():
    old = _migrate(BEFORE)
    region = old.get_model("teams", "Region").objects.create(code="M", name="迁移")
    Customer = old.get_model("customers", "Customer")
    Customer.objects.create(region=region, code="C1", name="甲", key_needs=LONG, procurement_procedure="招标",
                            needs_version=3)
    Customer.objects.create(region=region, code="C2", name="乙")
    Competitor = old.get_model("customers", "Competitor")
    Competitor.objects.create(region=region, name="联通", product_series="数据", rank=1, goals="抢占金融行业",
                              posture="价格战，\n重点冲击大客户", trends="降价", service_features="7×24", version=2)
    Competitor.objects.create(region=region, name="广电", product_series="数据", rank=2)

    try:
        new = _migrate(AFTER)
        customers = {c.code: c for c in new.get_model("customers", "Customer").objects.all()}
        c1, c2 = customers["C1"], customers["C2"]
        assert (c1.decider_needs, c1.company_needs, c1.industry_needs, c1.procurement_procedure,
                c1.needs_version) == (LONG, "", "", "招标", 3)
        assert (c2.decider_needs, c2.company_needs, c2.industry_needs) == ("", "", "")
        assert not hasattr(c1, "key_needs")
        rivals = {c.name: c for c in new.get_model("customers", "Competitor").objects.all()}
        alpha, beta = rivals["联通"], rivals["广电"]
        assert (alpha.goal, alpha.goal_note, alpha.reaction, alpha.reaction_note) == (
            "", "抢占金融行业", "", "价格战，\n重点冲击大客户")
        assert (alpha.trend_product, alpha.trend_operation, alpha.trend_organisation) == ("降价", "", "")
        assert (alpha.service_features, alpha.version) == ("7×24", 2)
        assert (beta.goal_note, beta.reaction_note, beta.trend_product) == ("", "", "")

        # and back: the old fields get their texts again
        back = _migrate(BEFORE)
        c1 = back.get_model("customers", "Customer").objects.get(code="C1")
        alpha = back.get_model("customers", "Competitor").objects.get(name="联通")
        assert c1.key_needs == LONG
        assert (alpha.goals, alpha.posture, alpha.trends) == ("抢占金融行业", "价格战，\n重点冲击大客户", "降价")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())  # leave the database as the other tests expect

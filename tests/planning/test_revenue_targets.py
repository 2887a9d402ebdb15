"""收入目标分解 end to end (DOMAIN §6.1): the total, row saves, the suggestion, sign-off, the hand-down."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import Contribution, Customer, Product
from pipeline.models import Project, ProjectStanding, RevenueTarget
from pipeline.selectors import manager_revenue_targets
from planning import revenue
from planning.models import Plan, TargetPart, TargetSignoff
from planning.services import revenue_targets_hand_down

AS_OF = dt.date(2026, 11, 27)  # base period 2025-11 .. 2026-10


@pytest.fixture
def plan(region_a):
    return Plan.objects.create(region=region_a, period="2027", as_of=AS_OF)


@pytest.fixture
def products(db):
    return [Product.objects.create(code=f"P{i}", name=f"产品{i}", series="数据") for i in (1, 2)]


@pytest.fixture
def base(region_a, manager_a1, manager_a2, products):
    """manager_a1 sold 300 of P1 in 2026-01, manager_a2 100 of P2 in 2025-12."""
    c1 = Customer.objects.create(region=region_a, code="C1", name="客户一", owner=manager_a1)
    c2 = Customer.objects.create(region=region_a, code="C2", name="客户二", owner=manager_a2)
    Contribution.objects.create(region=region_a, customer=c1, product=products[0], month=dt.date(2026, 1, 1),
                                revenue=Decimal("300"))
    Contribution.objects.create(region=region_a, customer=c2, product=products[1], month=dt.date(2025, 12, 1),
                                revenue=Decimal("100"))


def _url(name, plan, **kw):
    return reverse(name, kwargs={"region": plan.region.code, "period": plan.period, **kw})


def test_total_negative_refused_and_nothing_written(plan):
    with pytest.raises(ValidationError, match="不能为负数"):
        revenue.total_set(plan=plan, value="-1")
    assert revenue.revenue_target(plan) is None
    with pytest.raises(ValidationError, match="不是数字"):
        revenue.total_set(plan=plan, value="abc")


def test_director_proposes_executive_adopts(plan, client_for, director, executive):
    client = client_for(director)
    assert client.post(_url("revenue_propose", plan), {"value": "1,000.50"}).status_code == 302
    plan.refresh_from_db()
    assert plan.revenue_proposal == Decimal("1000.50")
    page = client_for(executive).get(_url("revenue_split", plan)).content.decode()
    assert "建议" in page and 'value="1000.50"' in page
    assert client_for(executive).post(_url("revenue_total", plan), {"value": "1000.50"}).status_code == 302
    plan.refresh_from_db()
    assert plan.revenue_target == Decimal("1000.50") and revenue.revenue_target(plan).value == Decimal("1000.50")
    # set: the director proposes no more
    response = client_for(director).post(_url("revenue_propose", plan), {"value": "9"})
    assert response.status_code == 400 and "已设定总目标" in response.content.decode()


def test_adopt_suggestion_writes_the_split_and_hands_down(plan, base, manager_a1, manager_a2, products):
    revenue.total_set(plan=plan, value="1000.01")
    assert revenue.suggestion_adopt(plan=plan, mode="product") == 2
    parts = {(p.manager_id, p.product_id, p.month): p.amount for p in TargetPart.objects.all()}
    # 300:100 of 1000.01 -> 750.0075 / 250.0025: the larger part takes the fen
    assert parts == {(manager_a1.pk, products[0].pk, dt.date(2027, 1, 1)): Decimal("750.01"),
                     (manager_a2.pk, products[1].pk, dt.date(2027, 12, 1)): Decimal("250.00")}
    assert {r.manager_id: (r.amount, r.draft) for r in RevenueTarget.objects.filter(period="2027")} == {
        manager_a1.pk: (Decimal("750.01"), True), manager_a2.pk: (Decimal("250.00"), True)}
    assert manager_revenue_targets(plan.region, dt.date(2027, 3, 1)) == {
        manager_a1.pk: Decimal("750.01"), manager_a2.pk: Decimal("250.00")}
    d = revenue.decomposition(plan)
    assert [(m.pk, a, (h.amount, h.draft)) for m, a, h in d.by_manager()] == [
        (manager_a1.pk, Decimal("750.01"), (Decimal("750.01"), True)),
        (manager_a2.pk, Decimal("250.00"), (Decimal("250.00"), True))]
    assert d.off == 0 and [c for c, _ in d.blockers()] == ["signature_missing", "signature_missing"]


def test_half_year_plan_uses_its_six_months(region_a, base):
    plan = Plan.objects.create(region=region_a, period="2027H1", as_of=AS_OF)
    revenue.total_set(plan=plan, value="100")
    revenue.suggestion_adopt(plan=plan, mode="product")
    # only January has base revenue among Jan–Jun: it takes it all
    assert list(TargetPart.objects.values_list("month", "amount")) == [(dt.date(2027, 1, 1), Decimal("100.00"))]


def test_no_base_data_says_so(plan):
    revenue.total_set(plan=plan, value="100")
    with pytest.raises(ValidationError, match="基期内本计划各月份没有任何资费收入"):
        revenue.suggestion_adopt(plan=plan, mode="product")
    assert "没有任何资费收入" in revenue.decomposition(plan).suggestion_error


def test_by_project_in_owner_row_and_close_month(plan, base, manager_a1, products):
    c1 = Customer.objects.get(code="C1")
    project = Project.objects.create(region=plan.region, code="X1", name="项目一", customer=c1, product=products[0],
                                     owner=manager_a1, expected_close=dt.date(2027, 4, 20), amount=Decimal("500"))
    ProjectStanding.objects.create(project=project, region=plan.region, as_of=AS_OF, version=0, code="X1",
                                   customer=c1, owner=manager_a1, amount=Decimal("500"),
                                   expected_close=project.expected_close, win_rate=40, layer="L2", overdue=False,
                                   amount_class="A", category="x", tactic="x", conclusion="x", coverage=0,
                                   stagnant=False, weighted=Decimal("200"))
    revenue.total_set(plan=plan, value="80")
    revenue.suggestion_adopt(plan=plan, mode="project")
    assert list(TargetPart.objects.values_list("manager_id", "project_id", "month", "amount")) == [
        (manager_a1.pk, project.pk, dt.date(2027, 4, 1), Decimal("80.00"))]


def test_row_save_bad_input_writes_nothing(plan, manager_a1, products):
    revenue.total_set(plan=plan, value="100")
    for bad, message in (("abc", "不是数字"), ("-5", "不能为负数"), ("1.234", "两位小数")):
        with pytest.raises(ValidationError, match=message) as error:
            revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=products[0].pk,
                             values={"2027-01": "10", "2027-03": bad})
        assert "2027-03" in str(error.value) and "manager_a1" in str(error.value)
    assert not TargetPart.objects.exists() and not RevenueTarget.objects.exists()


def test_row_save_replaces_the_row_and_hands_down(plan, manager_a1, products):
    revenue.total_set(plan=plan, value="100")
    revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=products[0].pk,
                     values={"2027-01": "60", "2027-02": "40"})
    revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=products[0].pk,
                     values={"2027-01": "70", "2027-02": ""})
    assert list(TargetPart.objects.values_list("month", "amount")) == [(dt.date(2027, 1, 1), Decimal("70.00"))]
    assert RevenueTarget.objects.get(manager=manager_a1).amount == Decimal("70.00")
    d = revenue.decomposition(plan, with_suggestion=False)
    assert d.off == Decimal("-30.00")
    assert ("parts_off", "分解合计 70.00 元，比总目标 100.00 元少 30.00 元") in d.blockers()
    assert d.by_month()[0] == (dt.date(2027, 1, 1), Decimal("70.00"))


def test_row_save_needs_a_total(plan, manager_a1, products):
    with pytest.raises(ValidationError, match="尚未设定总目标"):
        revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=products[0].pk,
                         values={"2027-01": "1"})


def test_htmx_row_save_answers_the_row(plan, client_for, director, manager_a1, products):
    revenue.total_set(plan=plan, value="100")
    client = client_for(director)
    data = {"by": "product", "manager": manager_a1.pk, "item": products[0].pk, "m-2027-01": "100"}
    response = client.post(_url("revenue_row", plan), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Trigger"] == "revenue-changed"
    assert f'id="row-{manager_a1.pk}-{products[0].pk}"' in response.content.decode()
    bad = client.post(_url("revenue_row", plan), {**data, "m-2027-01": "-1"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and "不能为负数" in bad.content.decode()
    assert TargetPart.objects.get().amount == Decimal("100.00")
    page = client.get(_url("revenue_split", plan)).content.decode()
    assert "与总目标一致" in page
    summary = client.get(_url("revenue_split", plan) + "?part=summary")
    assert 'id="revenue-summary"' in summary.content.decode()


def test_sign_off_and_voiding(plan, client_for, director, manager_a1, manager_a2, products):
    revenue.total_set(plan=plan, value="100")
    revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=products[0].pk, values={"2027-01": "50"})
    revenue.row_save(plan=plan, mode="product", manager=manager_a2, item_id=products[1].pk, values={"2027-01": "50"})
    a1 = client_for(manager_a1)
    # a manager cannot sign another's
    assert a1.post(_url("revenue_sign", plan, manager=manager_a2.pk)).status_code == 404
    assert a1.post(_url("revenue_sign", plan, manager=manager_a1.pk)).status_code == 302
    signoff = TargetSignoff.objects.get(manager=manager_a1)
    assert signoff.digest == revenue.digest(revenue.revenue_target(plan), manager_a1.pk)
    states = {u.username: s for u, (s, _) in revenue.decomposition(plan, with_suggestion=False).signatures.items()}
    assert states == {"manager_a1": "valid", "manager_a2": "missing"}
    # a manager sees only their own rows
    page = a1.get(_url("revenue_split", plan)).content.decode()
    assert "您已签字确认" in page and "manager_a2" not in page
    # another manager's row changing leaves the signature; their own voids it
    revenue.row_save(plan=plan, mode="product", manager=manager_a2, item_id=products[1].pk, values={"2027-02": "50"})
    assert revenue.decomposition(plan).signatures[manager_a1][0] == "valid"
    revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=products[0].pk, values={"2027-01": "49"})
    assert revenue.decomposition(plan).signatures[manager_a1][0] == "void"
    assert "已失效" in a1.get(_url("revenue_split", plan)).content.decode()
    assert "已失效" in client_for(director).get(_url("revenue_split", plan)).content.decode()
    assert client_for(manager_a1).post(_url("revenue_sign", plan, manager=manager_a1.pk)).status_code == 302
    assert revenue.decomposition(plan).signatures[manager_a1][0] == "valid"


def test_manager_without_parts_cannot_sign(plan, manager_a1):
    with pytest.raises(ValidationError, match="无需签字"):
        revenue.sign(plan=plan, manager=manager_a1)


def test_xlsx_export(plan, client_for, director, manager_a1, products):
    revenue.total_set(plan=plan, value="100")
    revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=products[0].pk, values={"2027-01": "100"})
    response = client_for(director).get(_url("revenue_xlsx", plan))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")


def test_hand_down_of_an_approved_plan_is_no_draft(plan, manager_a1, products):
    revenue.total_set(plan=plan, value="100")
    revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=products[0].pk, values={"2027-05": "100"})
    Plan.objects.filter(pk=plan.pk).update(status="approved")  # an approved plan's decomposition is not edited
    plan.refresh_from_db()
    revenue_targets_hand_down(plan=plan)  # planning.workflow.plan_approve hands it down
    assert list(RevenueTarget.objects.values_list("manager_id", "amount", "draft")) == [
        (manager_a1.pk, Decimal("100.00"), False)]


def test_rows_stay_in_one_table(plan, manager_a1, products):
    revenue.total_set(plan=plan, value="100")
    revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=products[0].pk, values={"2027-05": "1"})
    customer = Customer.objects.create(region=plan.region, code="C9", name="客户九", owner=manager_a1)
    project = Project.objects.create(region=plan.region, code="X9", name="项目九", customer=customer,
                                     product=products[0], owner=manager_a1, expected_close=dt.date(2027, 5, 1))
    with pytest.raises(ValidationError, match="按产品"):
        revenue.row_save(plan=plan, mode="project", manager=manager_a1, item_id=project.pk, values={"2027-05": "1"})
    assert TargetPart.objects.count() == 1


# --- an approved plan's targets stand while a revision is drafted (DOMAIN §4.2) ------------------------


def test_a_revision_drafted_over_an_approved_plan_leaves_the_approved_targets_standing(plan, manager_a1):
    from planning.models import PlanStatus, Target
    from planning.services import REVENUE_TARGET_NAME, revenue_targets_hand_down

    target = Target.objects.create(plan=plan, family="finance", name=REVENUE_TARGET_NAME, value=Decimal("100"))
    part = TargetPart.objects.create(target=target, manager=manager_a1, amount=Decimal("100.00"))

    def handed():
        return {r.manager_id: (r.amount, r.draft) for r in RevenueTarget.objects.filter(period="2027")}

    revenue_targets_hand_down(plan=plan)
    assert handed() == {manager_a1.pk: (Decimal("100.00"), True)}  # a draft's: marked so
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    plan.refresh_from_db()
    revenue_targets_hand_down(plan=plan)  # the workflow hands down on approval
    assert handed() == {manager_a1.pk: (Decimal("100.00"), False)}
    # revised: the plan is a draft again and its part changes — the approved value stands
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    plan.refresh_from_db()
    TargetPart.objects.filter(pk=part.pk).update(amount=Decimal("900.00"))
    assert revenue_targets_hand_down(plan=plan) == {manager_a1.pk: Decimal("900.00")}
    assert handed() == {manager_a1.pk: (Decimal("100.00"), False)}
    assert manager_revenue_targets(plan.region, dt.date(2027, 3, 1)) == {manager_a1.pk: Decimal("100.00")}
    # the revision approved: its values replace the old ones
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    plan.refresh_from_db()
    revenue_targets_hand_down(plan=plan)
    assert handed() == {manager_a1.pk: (Decimal("900.00"), False)}


def test_a_half_year_target_counts_double_in_the_amount_class(region_a, manager_a1):
    RevenueTarget.objects.create(region=region_a, manager=manager_a1, period="2027", amount=Decimal("1000"))
    RevenueTarget.objects.create(region=region_a, manager=manager_a1, period="2027H2", amount=Decimal("300"))
    assert manager_revenue_targets(region_a, dt.date(2027, 7, 1)) == {manager_a1.pk: Decimal("600")}
    assert manager_revenue_targets(region_a, dt.date(2027, 6, 30)) == {manager_a1.pk: Decimal("1000")}
    # none covers 2028-02: no plan to come either
    assert manager_revenue_targets(region_a, dt.date(2028, 2, 1)) == {}

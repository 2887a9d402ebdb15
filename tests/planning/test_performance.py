"""绩效分析 (DOMAIN §3.1): the rule at its boundaries, the figures of a plan to
date by product and by manager, and planning's panel on the contribution page."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Contribution, Customer, Product
from pipeline.models import Project
from planning.models import Plan, PlanStatus, Target, TargetPart
from planning.performance import current_plan, months_to_date, performance
from planning.rules import performance as performance_rule
from planning.services import REVENUE_TARGET_NAME, revenue_targets_hand_down

TODAY = dt.date(2027, 5, 15)  # the full months of 2027 to date: January to April


# --- the rule -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("actual, target, value, label, said", [
    (D("9999"), D("10000"), "short", "欠缺", "99.99% < 100%"),
    (D("10000"), D("10000"), "met", "完成", "100.00% ≥ 100%"),
    (D("10999"), D("10000"), "met", "完成", "109.99% ≥ 100%"),
    (D("11000"), D("10000"), "exceeded", "超越", "110.00% ≥ 110%"),
    (D("0"), D("10000"), "short", "欠缺", "0.00% < 100%"),
])
def test_performance_is_short_below_100_met_from_100_exceeded_from_110(actual, target, value, label, said):
    verdict = performance_rule(actual, target)
    assert (verdict.value, str(verdict.label)) == (value, label)
    assert verdict.reason.startswith(label) and said in verdict.reason


@pytest.mark.parametrize("target", [D("0"), None])
def test_performance_without_a_target_is_not_judged(target):
    verdict = performance_rule(D("5"), target)
    assert verdict.value is None and "未设定目标" in verdict.reason


# --- the figures of a plan -----------------------------------------------------------------------------


@pytest.fixture
def products(db):
    return [Product.objects.create(code=f"P{i}", name=f"产品{i}", series="数据") for i in (1, 2, 3)]


@pytest.fixture
def book(region_a, manager_a1, manager_a2, products):
    """Plan 2027, approved. Targets a month: manager_a1 1,000 on P1 and 300 on P3, manager_a2 500 on P2.
    Revenue January–April: manager_a1's customer 1,000 a month on P1; manager_a2's 550 a month on P2
    and 100 on P1 in February. Outside the months to date: May and December 2026."""
    p1, p2, p3 = products
    c1 = Customer.objects.create(region=region_a, code="C1", name="客户一", owner=manager_a1)
    c2 = Customer.objects.create(region=region_a, code="C2", name="客户二", owner=manager_a2)
    plan = Plan.objects.create(region=region_a, period="2027", as_of=dt.date(2026, 11, 27),
                               status=PlanStatus.APPROVED)
    target = Target.objects.create(plan=plan, family="finance", name=REVENUE_TARGET_NAME, value=D("21600"))
    months = [dt.date(2027, m, 1) for m in range(1, 13)]
    TargetPart.objects.bulk_create(
        TargetPart(target=target, manager=manager, product=product, month=month, amount=amount)
        for manager, product, amount in ((manager_a1, p1, D("1000")), (manager_a1, p3, D("300")),
                                         (manager_a2, p2, D("500")))
        for month in months)
    revenue = [(c1, p1, m, "1000") for m in months[:4]] + [(c2, p2, m, "550") for m in months[:4]]
    revenue += [(c2, p1, months[1], "100"), (c1, p1, months[4], "99999"), (c1, p1, dt.date(2026, 12, 1), "77777")]
    Contribution.objects.bulk_create(Contribution(region=region_a, customer=c, product=p, month=m, revenue=D(r))
                                     for c, p, m, r in revenue)
    revenue_targets_hand_down(plan=plan)
    return plan


def _row(rows, code):
    return next(r for r in rows if r["code"] == code)


def test_performance_by_product_and_manager_counts_the_full_months_to_date(book, manager_a1, manager_a2):
    perf = performance(book, TODAY)
    assert (perf["from"], perf["to"], perf["draft"]) == ("2027-01", "2027-04", False)
    assert [(r["code"], r["target"], r["actual"], r["ratio"], r["verdict"]) for r in perf["by_product"]] == [
        ("P1", "4000.00", "4100.00", "1.0250", "met"),  # both managers' customers sold P1
        ("P2", "2000.00", "2200.00", "1.1000", "exceeded"),  # exactly 110 %
        ("P3", "1200.00", "0.00", "0.0000", "short"),
    ]
    assert [(r["code"], r["target"], r["actual"], r["ratio"], r["verdict"]) for r in perf["by_manager"]] == [
        ("manager_a1", "5200.00", "4000.00", "0.7692", "short"),
        ("manager_a2", "2000.00", "2300.00", "1.1500", "exceeded"),
    ]
    p2 = _row(perf["by_product"], "P2")
    assert (p2["name"], p2["label"]) == ("产品2", "超越") and "110.00% ≥ 110%" in p2["reason"]


def test_a_manager_sees_their_own_part(book, manager_a1):
    perf = performance(book, TODAY, owner=manager_a1.pk)
    assert [(r["code"], r["target"], r["actual"]) for r in perf["by_product"]] == [
        ("P1", "4000.00", "4000.00"), ("P3", "1200.00", "0.00")]
    assert [r["code"] for r in perf["by_manager"]] == ["manager_a1"]


def test_a_product_with_revenue_but_no_target_is_listed_unjudged(book, region_a, products, manager_a1):
    extra = Product.objects.create(code="P9", name="产品9", series="数据")
    Contribution.objects.create(region=region_a, customer=Customer.objects.get(code="C1"), product=extra,
                                month=dt.date(2027, 3, 1), revenue=D("10"))
    row = _row(performance(book, TODAY)["by_product"], "P9")
    assert (row["target"], row["actual"], row["ratio"], row["verdict"], row["label"]) == (None, "10.00", None, None, "")


def test_a_part_of_the_by_project_table_counts_for_its_projects_product(region_a, manager_a1, products):
    customer = Customer.objects.create(region=region_a, code="C1", name="客户一", owner=manager_a1)
    project = Project.objects.create(region=region_a, code="X1", name="项目", customer=customer, product=products[1],
                                     owner=manager_a1, amount=D("900"), expected_close=dt.date(2027, 2, 10))
    plan = Plan.objects.create(region=region_a, period="2027H1", as_of=dt.date(2026, 11, 27))
    target = Target.objects.create(plan=plan, family="finance", name=REVENUE_TARGET_NAME, value=D("900"))
    TargetPart.objects.create(target=target, manager=manager_a1, project=project, month=dt.date(2027, 2, 1),
                              amount=D("900"))
    perf = performance(plan, TODAY)
    assert [(r["code"], r["target"], r["verdict"]) for r in perf["by_product"]] == [("P2", "900.00", "short")]
    assert perf["draft"] is True


def test_the_months_to_date(region_a):
    plan = Plan(region=region_a, period="2027H2", as_of=TODAY)
    assert months_to_date(plan, dt.date(2027, 7, 20)) == (dt.date(2027, 7, 1), dt.date(2027, 7, 1))  # none yet
    assert months_to_date(plan, dt.date(2027, 9, 1)) == (dt.date(2027, 7, 1), dt.date(2027, 9, 1))
    assert months_to_date(plan, dt.date(2028, 3, 1)) == (dt.date(2027, 7, 1), dt.date(2028, 1, 1))  # over: all
    assert months_to_date(plan, dt.date(2027, 3, 1)) == (dt.date(2027, 7, 1), dt.date(2027, 7, 1))  # to come


def test_a_plan_not_begun_has_nothing_to_judge(book):
    perf = performance(book, dt.date(2026, 12, 20))
    assert perf == {"by_product": [], "by_manager": [], "from": None, "to": None, "draft": False}


def test_the_plan_shown_is_the_one_the_amount_class_reads(book, region_a, manager_a1):
    assert current_plan(region_a, TODAY) == book
    half = Plan.objects.create(region=region_a, period="2027H1", as_of=dt.date(2026, 11, 27))
    target = Target.objects.create(plan=half, family="finance", name=REVENUE_TARGET_NAME, value=D("1"))
    TargetPart.objects.create(target=target, manager=manager_a1, month=dt.date(2027, 1, 1), amount=D("1"))
    revenue_targets_hand_down(plan=half)
    assert current_plan(region_a, TODAY) == half  # the shorter covering plan
    assert current_plan(region_a, dt.date(2027, 8, 1)) == book
    assert current_plan(region_a, dt.date(2028, 8, 1)) is None


# --- the panel on the contribution page ------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _fragment(client):
    response = client.get(reverse("planning:performance", kwargs={"region": "A"}), headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def _cells(body, kind, code):
    row = re.search(rf'<tr id="perf-{kind}-{code}">(.*?)</tr>', body, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_contribution_page_loads_planning_performance_panel(client_for, director, book, today):
    client = client_for(director)
    page = client.get(reverse("contribution", kwargs={"region": "A"})).content.decode()
    url = reverse("planning:performance", kwargs={"region": "A"})
    assert f'hx-get="{url}"' in page and f'<a href="{url}">' in page  # htmx, and a real link without it
    body = _fragment(client)
    assert body.lstrip().startswith('<section class="card" id="performance">')
    assert "2027 营销计划" in body and "2027-01 至 2027-04" in body and "草稿" not in body
    assert _cells(body, "product", "P2")[:5] == ["产品2", "2,000.00", "2,200.00", "110.00 %", "超越"]
    assert _cells(body, "product", "P3")[:5] == ["产品3", "1,200.00", "0.00", "0.00 %", "欠缺"]
    assert _cells(body, "manager", "manager_a1")[1:5] == ["5,200.00", "4,000.00", "76.92 %", "欠缺"]
    assert _cells(body, "manager", "manager_a2")[1:5] == ["2,000.00", "2,300.00", "115.00 %", "超越"]
    # without htmx: a page of its own, with the way back
    full = client.get(url).content.decode()
    assert "<html" in full and 'id="perf-product-P1"' in full


def test_a_manager_sees_their_own_row(client_for, manager_a1, book, today):
    body = _fragment(client_for(manager_a1))
    assert 'id="perf-manager-manager_a1"' in body and "manager_a2" not in body
    assert _cells(body, "product", "P1")[1:3] == ["4,000.00", "4,000.00"]


def test_a_draft_is_marked_and_hidden_from_executives(client_for, director, executive, book, today):
    Plan.objects.filter(pk=book.pk).update(status=PlanStatus.DRAFT)
    assert '<span class="tag">草稿</span>' in _fragment(client_for(director))
    body = _fragment(client_for(executive))
    assert "尚未提交" in body and "perf-product" not in body


def test_without_a_plan_the_panel_says_so(client_for, director, region_a, today):
    assert "没有包含今天或其后的营销计划" in _fragment(client_for(director))


def test_the_panel_takes_a_constant_number_of_queries(client_for, director, book, today, products,
                                                      django_assert_num_queries, region_a, manager_a1):
    client = client_for(director)
    _fragment(client)
    # session, user, region (with its settings: the thresholds); the handed-down targets (the plan's
    # choice), the plan; the target parts by (manager, product); revenue by product, the customers'
    # owners (their revenue: one GROUP BY, then from the cache until an import); product and manager
    # names — however many customers and products (a fragment: the navigation is not read)
    more = Customer.objects.create(region=region_a, code="C3", name="客户三", owner=manager_a1)
    Contribution.objects.bulk_create(Contribution(region=region_a, customer=more, product=p, month=dt.date(2027, 2, 1),
                                                  revenue=D("1")) for p in products)
    with django_assert_num_queries(10):
        _fragment(client)

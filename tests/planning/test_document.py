"""The plan document (§6.2): its content on a real region (numbers asserted),
the 预计损益 rules at their boundaries, the sections' texts at their own
versions, the answers of 问题分析, and the document and summary pages."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Contribution
from pipeline import rules as prules
from pipeline.models import Project
from pipeline.standings import region_results_refresh
from planning import document, document_services, plan_services, revenue, rules
from planning.versions_compare import compare
from planning.models import PlanAnswer, PlanStatus, SpecialAction, SwotAction, SwotItem, TargetPart
from tests import factories
from tests.html_forms import form_posting_to
from tsm.lib.periods import base_period
from tsm.lib.versions import StaleEdit

D = Decimal
HTMX = {"HX-Request": "true"}


# --- 预计损益 and growth: the pure rules at their boundaries ------------------------------------------------


@pytest.mark.parametrize("period, months, bounds", [
    ("2027", 12, (dt.date(2027, 1, 1), dt.date(2027, 12, 31))),
    ("2027H1", 6, (dt.date(2027, 1, 1), dt.date(2027, 6, 30))),
    ("2027H2", 6, (dt.date(2027, 7, 1), dt.date(2027, 12, 31))),
])
def test_plan_length_and_bounds(period, months, bounds):
    assert rules.plan_months(period) == months
    assert prules.plan_period_bounds(period) == bounds


@pytest.mark.parametrize("target, base, months, growth", [
    (D("120"), D("100"), 12, D("0.2")),      # a year: the whole base
    (D("60"), D("100"), 6, D("0.2")),        # a half-year: half the base
    (D("50"), D("100"), 6, D("0")),          # exactly the scaled base: no growth
    (D("40"), D("100"), 6, D("-0.2")),       # less than the base: negative
    (D("0"), D("100"), 12, D("-1")),
    (None, D("100"), 12, None),              # no target
    (D("100"), D("0"), 12, None),            # no base revenue
])
def test_plan_growth(target, base, months, growth):
    verdict = rules.plan_growth(target, base, months)
    assert verdict.value == growth
    assert verdict.reason


@pytest.mark.parametrize("revenue, base_revenue, base_cost, cost", [
    (D("1000"), D("2000"), D("800"), D("400.00")),
    (D("1000"), D("2000"), D("0"), D("0.00")),          # no base cost
    (D("1000"), D("2000"), D("2000"), D("1000.00")),    # cost equal to revenue
    (D("1"), D("3"), D("1"), D("0.33")),                # 0.333… to the fen
    (D("1"), D("3"), D("2"), D("0.67")),                # 0.666… half-up
    (D("0.01"), D("2"), D("1"), D("0.01")),             # 0.005 half-up
    (D("1000"), D("0"), D("0"), D("0.00")),             # no base revenue: no ratio
])
def test_projected_cost(revenue, base_revenue, base_cost, cost):
    assert rules.projected_cost(revenue, base_revenue, base_cost).value == cost


@pytest.mark.parametrize("revenue, months, base_revenue, base_end_arrears, arrears", [
    (D("1200"), 12, D("1200"), D("100"), D("100.00")),  # same revenue: same arrears
    (D("600"), 6, D("1200"), D("100"), D("100.00")),    # a half-year at the same monthly rate
    (D("2400"), 12, D("1200"), D("100"), D("200.00")),
    (D("1200"), 12, D("1200"), D("0"), D("0.00")),      # no arrears at the base end
    (D("1200"), 12, D("0"), D("100"), D("0.00")),       # no base revenue: no ratio
    (D("20000"), 6, D("24000"), D("500"), D("833.33")),
])
def test_projected_arrears(revenue, months, base_revenue, base_end_arrears, arrears):
    verdict = rules.projected_arrears(revenue, months, base_revenue=base_revenue, base_end_arrears=base_end_arrears)
    assert verdict.value == arrears


@pytest.mark.parametrize("revenue, end, base_end, collected", [
    (D("1000"), D("100"), D("100"), D("1000.00")),  # arrears unchanged: all revenue collected
    (D("1000"), D("150"), D("100"), D("950.00")),   # arrears grow: less collected
    (D("1000"), D("0"), D("100"), D("1100.00")),    # arrears paid off: more collected
])
def test_collections(revenue, end, base_end, collected):
    assert rules.collections(revenue, end, base_end) == collected


def test_projected_pnl_subtracts_the_budgets_and_sums_the_lines():
    pnl = rules.projected_pnl([rules.PnlLine("a", D("600"), D("1200"), D("480"), D("300")),
                               rules.PnlLine("b", D("100"), D("0"), D("0"), D("0"))], budgets=D("10"), months=6)
    assert [(r["key"], r["cost"], r["arrears"], r["collections"]) for r in pnl["rows"]] == [
        ("a", D("240.00"), D("300.00"), D("600.00")), ("b", D("0.00"), D("0.00"), D("100.00"))]
    assert (pnl["revenue"], pnl["cost"], pnl["gross"], pnl["budgets"], pnl["profit"]) == (
        D("700.00"), D("240.00"), D("460.00"), D("10.00"), D("450.00"))
    assert (pnl["arrears"], pnl["base_end_arrears"], pnl["collections"]) == (D("300.00"), D("300.00"), D("700.00"))


# --- the content of a real region -----------------------------------------------------------------------


@pytest.fixture
def world(region_a, director, manager_a1):
    """Two customers of manager_a1 buying P0 and P1 (1,000.00 a month each,
    cost 400.00) over the base period, 500.00 of P0 arrears at its end; five
    open projects (one overdue); a 2027H1 plan of 30,000.00 split 20,000 on P0
    and 10,000 on P1; a push action of 1,500.00 in March; an advanced SWOT."""
    today = timezone.localdate()
    p0, p1 = factories.products(2)
    customers = factories.seed(region_a, manager_a1, 2, [p0, p1], today=today)
    period = base_period(today)
    Contribution.objects.filter(customer=customers[0], product=p0, month=period.end).update(arrears=D("500.00"))
    Project.objects.create(region=region_a, code="LATE-1", name="逾期项目", customer=customers[1], product=p0,
                           owner=manager_a1, amount=D("50000.00"), expected_close=today - dt.timedelta(days=3),
                           evidence=["E1"])
    plan = plan_services.plan_create(region=region_a, period="2027H1", today=today)
    target = revenue.total_set(plan=plan, value="30000")
    TargetPart.objects.create(target=target, manager=manager_a1, product=p0, month=dt.date(2027, 1, 1),
                              amount=D("20000.00"))
    TargetPart.objects.create(target=target, manager=manager_a1, product=p1, month=dt.date(2027, 2, 1),
                              amount=D("10000.00"))
    SpecialAction.objects.create(region=region_a, family="push", kind="促销", title="春季促销",
                                 month=dt.date(2027, 3, 1), week=2, owner=director, budget=D("1500.00"))
    SpecialAction.objects.create(region=region_a, family="pull", kind="广告", title="去年的广告",
                                 month=dt.date(2026, 3, 1), budget=D("999.00"))  # outside the period
    for kind in "SWOT":
        for i in range(2):
            SwotItem.objects.create(region=region_a, kind=kind, text=f"{kind}{i}", advanced=True, order=i)
    SwotItem.objects.create(region=region_a, kind="S", text="初阶而已", advanced=False)
    SwotAction.objects.create(region=region_a, pairing="SO", action="以优势抓机会")
    region_results_refresh(region_a, today)
    plan.refresh_from_db()
    region_a.refresh_from_db()
    plan.region = region_a
    return plan


def _section(content, key):
    return next(s for s in content["sections"] if s["key"] == key)["data"]


def test_content_is_json_and_has_the_nine_sections_in_order(world):
    content = document.plan_content(world)
    assert json.loads(json.dumps(content)) == content
    assert [s["key"] for s in content["sections"]] == [k for k, _t in document.SECTIONS]
    assert set(content) == {"region", "period", "as_of", "base_period", "results_as_of", "sections", "data",
                            "summary"}


def test_summary_growth_against_the_half_year_base(world):
    data = _section(document.plan_content(world), "summary")
    # base 2 customers × 2 products × 12 months × 1,000.00 = 48,000.00, half of it for 2027H1
    assert (data["target"], data["base_revenue"], data["base_scaled"], data["months"]) == (
        "30000.00", "48000.00", "24000.00", 6)
    assert data["growth"] == "0.2500"  # 30,000 ÷ 24,000 − 1


def test_contribution_classes(world):
    data = _section(document.plan_content(world), "contribution")
    fat = next(c for c in data["classes"] if c["class"] == "fat_sheep")
    assert (fat["count"], fat["revenue"], fat["profit"], fat["share"]) == (2, "48000.00", "28800.00", "1.0000")
    assert sum(c["count"] for c in data["classes"]) == 2
    assert [p["product"] for p in data["by_product"]] == ["P0", "P1"]
    p0_fat = next(c for c in data["by_product"][0]["classes"] if c["class"] == "fat_sheep")
    assert (p0_fat["count"], p0_fat["revenue"]) == (2, "24000.00")
    # 绩效 is the plan in force's at the plan's date: no plan hands a target down here
    assert (data["performance"]["plan"], data["performance"]["tables"], data["performance"]["from"]) == (
        None, [], None)


def test_swot_and_problems(world):
    PlanAnswer.objects.create(plan=world, key="overdue:LATE-1", text="下周关闭")
    data = _section(document.plan_content(world), "swot")
    assert data["items"] == {"S": ["S0", "S1"], "W": ["W0", "W1"], "O": ["O0", "O1"], "T": ["T0", "T1"]}
    assert [(a["pairing"], a["action"]) for a in data["actions"]] == [
        ("SO", "以优势抓机会"), ("ST", ""), ("WO", ""), ("WT", "")]
    keys = [p["key"] for p in data["problems"]]
    assert keys[:4] == ["check:focus", "check:coverage", "check:needs", "check:scores"]
    needs = data["problems"][2]
    assert needs["warning"] is True and "2 个有进行中项目的客户中 2 个" in needs["reason"]
    overdue = next(p for p in data["problems"] if p["key"] == "overdue:LATE-1")
    assert overdue["answer"] == "下周关闭" and "50000.00" in overdue["reason"]


def test_targets_decomposition(world):
    data = _section(document.plan_content(world), "targets")
    assert data["revenue_target"] == "30000.00"
    assert data["by_manager"] == {"months": ["2027-01", "2027-02"],
                                  "rows": [{"manager": "manager_a1", "amounts": ["20000.00", "10000.00"],
                                            "total": "30000.00"}],
                                  "totals": ["20000.00", "10000.00"], "total": "30000.00"}
    assert data["by_product"] == [{"product": "P0", "name": "产品0", "amount": "20000.00"},
                                  {"product": "P1", "name": "产品1", "amount": "10000.00"}]
    finance = next(f for f in data["by_family"] if f["family"] == "finance")
    assert [t["value"] for t in finance["targets"]] == ["30000.00"]


def test_strategy_and_actions(world):
    content = document.plan_content(world)
    strategy = _section(content, "strategy")
    assert sum(layer["count"] for layer in strategy["funnel"]) == 5
    assert [a["title"] for a in strategy["special_actions"]] == ["去年的广告", "春季促销"]
    actions = _section(content, "actions")
    assert len(actions["sales"]) == actions["sales_total"] == 5 and actions["sales"][0]["project"] == "LATE-1"
    assert [a["title"] for a in actions["market"]] == ["春季促销"]  # only the period's
    march = next(m for m in actions["calendar"] if m["month"] == "2027-03")
    assert [(e["kind"], e["week"], e["owner"], e["budget"]) for e in march["entries"]] == [
        ("push", 2, "director_a", "1500.00")]
    soon = [e for m in actions["calendar"] for e in m["entries"] if e["day"]]
    assert len(soon) == 3  # LATE-1 and the two projects at 7 days fall in the coming four weeks


def test_projected_pnl(world):
    data = _section(document.plan_content(world), "pnl")
    assert [(r["product"], r["revenue"], r["cost"], r["arrears"], r["collections"]) for r in data["rows"]] == [
        ("P0", "20000.00", "8000.00", "833.33", "19666.67"),  # cost 40 %; arrears 500 ÷ 2,000 a month = 0.25
        ("P1", "10000.00", "4000.00", "0.00", "10000.00"),
    ]
    assert (data["revenue"], data["cost"], data["budgets"], data["profit"]) == (
        "30000.00", "12000.00", "1500.00", "16500.00")
    assert (data["arrears"], data["base_end_arrears"], data["collections"], data["capital"]) == (
        "833.33", "500.00", "29666.67", None)


def test_milestones_and_organisation(world, director):
    document_services.section_text_save(plan=world, key="milestones", text="一月：启动\n\n三月：复盘", version=0)
    content = document.plan_content(world)
    data = _section(content, "milestones")
    assert data["milestones"] == ["一月：启动", "三月：复盘"]
    assert (data["start"], data["end"]) == ("2027-01-01", "2027-06-30")
    assert data["counts"] == {"weekly": 26, "biweekly": 13, "monthly": 6, "quarterly": 2, "half_year": 1}
    assert _section(content, "organisation")["chain"][0] == "部门价值"
    summary = content["summary"]
    assert summary["growth"] == "0.2500" and summary["risks"] and all(r["warning"] for r in summary["risks"])


def test_compare_names_what_changed(world):
    old = document.plan_content(world)
    document_services.section_text_save(plan=world, key="summary", text="新策略", version=0)
    new = json.loads(json.dumps(document.plan_content(world)))
    new_target = json.loads(json.dumps(new))
    _section(new_target, "targets")["revenue_target"] = "1.00"
    changes = {c["key"]: c for c in compare(old, new_target)}
    assert [key for key, c in changes.items() if c["changed"]] == ["summary", "targets"]
    assert changes["summary"]["text"] and not changes["targets"]["text"]
    assert "revenue_target" in changes["targets"]["data"]
    assert not any(c["changed"] for c in compare(new, new))


# --- the sections' texts at their own versions; the answers ----------------------------------------------


def test_two_sections_saved_at_once_both_land(world):
    document_services.section_text_save(plan=world, key="summary", text="摘要", version=0)
    stale_copy = type(world).objects.get(pk=world.pk)
    document_services.section_text_save(plan=stale_copy, key="pnl", text="损益说明", version=0)
    world.refresh_from_db()
    assert world.sections == {"summary": "摘要", "pnl": "损益说明"}
    assert world.section_versions == {"summary": 1, "pnl": 1}


def test_the_same_section_read_at_an_older_version_is_refused_naming_it(world):
    document_services.section_text_save(plan=world, key="summary", text="甲写的", version=0)
    with pytest.raises(StaleEdit) as refused:
        document_services.section_text_save(plan=world, key="summary", text="乙写的", version=0, seen="")
    assert "计划摘要 现为“甲写的”" in refused.value.messages[0]
    world.refresh_from_db()
    assert world.sections["summary"] == "甲写的" and world.section_versions["summary"] == 1


def test_capital_is_money_and_bad_money_is_refused(world):
    document_services.section_text_save(plan=world, key="capital", text="1,234.5", version=0)
    assert _section(document.plan_content(world), "pnl")["capital"] == "1234.50"
    with pytest.raises(Exception) as refused:
        document_services.section_text_save(plan=world, key="capital", text="abc", version=1)
    assert "资金占用" in refused.value.messages[0]


def test_a_submitted_plan_keeps_its_texts(world):
    type(world).objects.filter(pk=world.pk).update(status=PlanStatus.SUBMITTED)
    with pytest.raises(Exception) as refused:
        document_services.section_text_save(plan=world, key="summary", text="x", version=0)
    assert "已提交" in refused.value.messages[0]


def test_an_answer_is_one_value_replaced(world, director):
    document_services.answer_save(plan=world, key="check:needs", text="本月补齐", user=director)
    document_services.answer_save(plan=world, key="check:needs", text="下月补齐", user=director)
    assert list(PlanAnswer.objects.filter(plan=world).values_list("key", "text")) == [("check:needs", "下月补齐")]


# --- the pages ------------------------------------------------------------------------------------------------


def _doc_url(plan, name="plan_document", **kwargs):
    return reverse(name, kwargs={"region": plan.region.code, "period": plan.period, **kwargs})


def test_the_director_reads_the_document_with_its_numbers_and_charts(client_for, world, director):
    page = client_for(director).get(_doc_url(world)).content.decode()
    assert "30,000.00" in page and "25.00 %" in page  # target and growth
    assert 'data-chart="doc-funnel-data"' in page and 'id="doc-classes-data"' in page
    assert "section-edit-summary" in page and "section-edit-capital" in page
    assert 'name="key" value="overdue:LATE-1"' in page


def test_user_text_is_shown_as_text(client_for, world, director):
    document_services.section_text_save(plan=world, key="pnl", text="<script>alert(1)</script>", version=0)
    PlanAnswer.objects.create(plan=world, key="overdue:LATE-1", text="<b>粗</b>")
    type(world).objects.filter(pk=world.pk).update(status=PlanStatus.SUBMITTED)
    page = client_for(director).get(_doc_url(world)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "&lt;b&gt;粗&lt;/b&gt;" in page
    assert "section-edit-" not in page  # a submitted plan is read, not edited


def test_the_summary_page(client_for, world, director):
    page = client_for(director).get(_doc_url(world, "plan_summary")).content.decode()
    assert "执行摘要" in page and "30,000.00" in page and "以优势抓机会" in page and "肥羊" in page


def test_saving_a_section_on_the_page(client_for, world, director):
    client = client_for(director)
    page = client.get(_doc_url(world)).content.decode()
    url = _doc_url(world, "plan_section_save", key="summary")
    form = form_posting_to(page, url)
    response = client.post(url, form.post(text="重点转向金融行业"))
    assert response.status_code == 302 and response["Location"].endswith("#section-summary")
    world.refresh_from_db()
    assert world.sections["summary"] == "重点转向金融行业"
    # the same form again, read at version 0: refused naming what the section holds now
    stale = client.post(url, form.post(text="别的"), headers=HTMX)
    assert stale.status_code == 409
    assert "计划摘要 现为“重点转向金融行业”" in stale.content.decode()
    world.refresh_from_db()
    assert world.sections["summary"] == "重点转向金融行业"
    # another section from the same old page lands
    url_pnl = _doc_url(world, "plan_section_save", key="pnl")
    assert client.post(url_pnl, form_posting_to(page, url_pnl).post(text="说明")).status_code == 302


def test_a_stale_plain_post_shows_the_page_with_the_message(client_for, world, director):
    client = client_for(director)
    page = client.get(_doc_url(world)).content.decode()
    url = _doc_url(world, "plan_section_save", key="milestones")
    form = form_posting_to(page, url)
    document_services.section_text_save(plan=world, key="milestones", text="他人写的", version=0)
    response = client.post(url, form.post(text="我写的"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "里程碑与控制手段 现为“他人写的”" in body and "我写的" in body  # what was posted is kept to copy


def test_bad_capital_is_refused_with_its_name(client_for, world, director):
    url = _doc_url(world, "plan_section_save", key="capital")
    response = client_for(director).post(url, {"text": "十万", "version": "0"}, headers=HTMX)
    assert response.status_code == 400 and "资金占用" in response.content.decode()
    world.refresh_from_db()
    assert "capital" not in world.sections


def test_answering_a_flagged_item(client_for, world, director):
    client = client_for(director)
    url = _doc_url(world, "plan_answer_save")
    response = client.post(url, {"key": "check:needs", "text": "月底前补齐"})
    assert response.status_code == 302
    assert PlanAnswer.objects.get(plan=world, key="check:needs").text == "月底前补齐"
    fragment = client.post(url, {"key": "check:needs", "text": "改为下月"}, headers=HTMX)
    assert fragment.status_code == 200 and "改为下月" in fragment.content.decode()
    assert PlanAnswer.objects.get(plan=world, key="check:needs").text == "改为下月"


def test_executives_never_see_a_draft_and_managers_read_it_once_submitted(client_for, world, executive, manager_a1,
                                                                          director):
    assert client_for(executive).get(_doc_url(world)).status_code == 404
    assert client_for(executive).get(_doc_url(world, "plan_summary")).status_code == 404
    assert client_for(manager_a1).get(_doc_url(world)).status_code == 404
    type(world).objects.filter(pk=world.pk).update(status=PlanStatus.SUBMITTED)
    assert client_for(executive).get(_doc_url(world, "plan_summary")).status_code == 200
    assert client_for(manager_a1).get(_doc_url(world)).status_code == 200
    # submitted: the director's texts are frozen
    response = client_for(director).post(
        _doc_url(world, "plan_section_save", key="summary"), {"text": "x", "version": "0"})
    assert response.status_code == 404


def test_the_document_page_costs_the_same_queries_whatever_the_region_holds(client_for, world, director,
                                                                             manager_a2):
    """The plan document page: session, user, region, plan, results freshness, then the content's reads
    (a few GROUP BYs over the stored results, the plan's rows, the answers) — fixed, not per customer or project."""
    client = client_for(director)
    client.get(_doc_url(world))  # the region judged, the session read

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_doc_url(world)).status_code == 200
        return len(queries.captured_queries)

    small = count()
    p0, p1 = factories.products(2)
    factories.seed(world.region, manager_a2, 6, [p0, p1])
    SpecialAction.objects.create(region=world.region, family="pull", kind="广告", title="再一个",
                                 month=dt.date(2027, 4, 1), budget=D("1.00"))
    region_results_refresh(world.region, timezone.localdate())
    client.get(_doc_url(world))
    assert 30 <= small <= 70, small
    assert count() <= small  # (one region-membership read may be answered from the request's memo)


def test_the_document_figures_are_drawn_from_the_content(world):
    from planning import charts

    figures = charts.document_figures(document.plan_content(world))
    assert set(figures) == {"funnel", "classes", "value_classes"}
    assert sum(figures["funnel"]["data"][0]["x"]) == 5  # projects by layer
    classes = dict(zip(figures["classes"]["data"][0]["x"], figures["classes"]["data"][0]["y"]))
    assert classes["肥羊"] == 2 and "未分类" not in classes  # an empty 未分类 is left out


def test_once_submitted_readers_read_the_frozen_version_not_the_moving_data(client_for, world, executive, director):
    """The document and its summary show what was submitted: live texts
    changed afterwards (by a later revision, say) do not reach the page."""
    from planning.models import Plan, PlanStatus, PlanVersion

    PlanVersion.objects.create(plan=world, number=1, as_of=world.as_of, content=document.plan_content(world),
                               status=PlanStatus.SUBMITTED)
    Plan.objects.filter(pk=world.pk).update(status=PlanStatus.SUBMITTED, sections={"summary": "提交之后才写的字"})
    for who in (executive, director):
        for name in ("plan_document", "plan_summary"):
            page = client_for(who).get(reverse(name, args=["A", world.period])).content.decode()
            assert "第 1 版" in page and "提交之后才写的字" not in page, (who, name)


def test_the_appendix_lists_every_open_project_and_is_frozen_at_submission(client_for, world, director, executive):
    """附录: the long lists in full (the document names at most SALES_MAX
    projects); a submission freezes the workbook with the version."""
    import io

    from openpyxl import load_workbook

    from pipeline.models import ProjectStanding
    from planning.models import PlanVersion

    def sheets(response) -> dict:
        wb = load_workbook(io.BytesIO(response.content))
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}

    url = reverse("plan_appendix", args=["A", world.period])
    live = sheets(client_for(director).get(url))
    assert list(live) == ["销售活动", "价值与贡献不符", "目标分解"]
    codes = sorted(r[0] for r in live["销售活动"][1:])
    assert codes == sorted(ProjectStanding.objects.filter(project__region=world.region).values_list("code", flat=True))
    assert live["销售活动"][0][:3] == ["项目编码", "项目", "客户编码"]
    assert client_for(executive).get(url).status_code == 404  # a draft's

    version = PlanVersion.objects.create(plan=world, number=1, as_of=world.as_of, content=document.plan_content(world),
                                         appendix=document.appendix_xlsx(world), status="submitted")
    world.__class__.objects.filter(pk=world.pk).update(status="submitted")
    frozen = client_for(executive).get(url)
    assert frozen.status_code == 200 and frozen.content == bytes(version.appendix)
    assert "v1" in frozen["Content-Disposition"]

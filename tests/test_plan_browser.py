"""Issue 10's "Done when", end to end in a real browser on the demo region, as
its people: the director confirms responsibilities, sets targets and proposes
the revenue total; the executive sets it; the director adopts the suggested
split; every manager with a part signs; the director submits; the executive
returns it with a comment, the director resubmits, the executive approves and
downloads the PDF, whose text names the region, the nine sections, the
base-period revenue and every account manager with a part."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from planning import revenue
from planning.choices import SECTIONS, IndicatorFamily, TargetFamily
from planning.document import plan_content
from planning.models import Plan, PlanDownload, PlanIndicator, PlanStatus, PlanVersion, Target, TargetPart
from teams.models import Role, User
from tests.test_browser import OUT, browser, demo_site, login, page  # noqa: F401 (fixtures)
from tsm.lib.money import format_money

pytestmark = pytest.mark.browser

MANAGERS = ("manager1", "manager2", "manager3", "manager4")
# one target of each family on the plan page (the revenue one is the revenue page's)
TARGETS = {
    TargetFamily.FINANCE: ("回款率", "95", "%"),
    TargetFamily.GROWTH: ("新增重点客户", "6", "家"),
    TargetFamily.SATISFACTION: ("重点客户满意度", "90", "分"),
    TargetFamily.MANAGEMENT: ("季度客户拜访覆盖率", "100", "%"),
}


def _as(page, base, username):
    """Log out whoever is in (the header's 退出) and log in as username."""
    if page.locator("form[action$='/logout/'] button").count():
        _post(page, page.locator("form[action$='/logout/'] button").first)
    login(page, base, username=username)
    page.wait_for_url(lambda url: "/login/" not in url)


def _post(page, button):
    """Click a form's button and wait for the page its POST leads to (often the same address)."""
    with page.expect_navigation(timeout=30_000):
        button.click()


def _htmx(page, click, path_part):
    """Do click and wait for the htmx answer to the POST whose URL holds path_part, and its swap."""
    with page.expect_response(lambda r: r.request.method == "POST" and path_part in r.url, timeout=10_000) as answer:
        click()
    assert answer.value.status == 200, answer.value.url
    # htmx marks the elements of a request, a swap and a settle by class until it is done
    page.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")
    return answer.value


def _section(content: dict, key: str) -> dict:
    return next(s["data"] for s in content["sections"] if s["key"] == key)


def _pdf_bytes(page, base, href) -> bytes:
    """The PDF by the page's own request context (its cookies): the link leads
    to the file, or to the rendering's progress page, polled until it offers the file."""
    url = base + href if href.startswith("/") else href
    for _ in range(120):
        response = page.request.get(url)
        assert response.status == 200, url
        if response.headers["content-type"].startswith("application/pdf"):
            return response.body()
        page.goto(response.url)  # the progress page (htmx polls it): its file link when done
        link = page.locator("#pdf-status a.button")
        if link.count():
            url = base + link.get_attribute("href")
        else:
            page.wait_for_timeout(500)
    raise AssertionError("the PDF was not ready in a minute")


def test_the_director_plans_the_executive_returns_and_approves_and_reads_the_pdf(demo_site, page):  # noqa: F811
    from playwright.sync_api import expect

    base, today = demo_site, timezone.localdate()
    period = str(today.year + 1)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    plan_url = f"{base}/r/DEMO/plans/{period}/"
    revenue_url = f"{plan_url}revenue/"
    people = {u.username: u for u in User.objects.filter(username__in=["director", "executive", *MANAGERS])}

    # 1. the director creates next year's plan …
    _as(page, base, "director")
    page.goto(f"{base}/r/DEMO/plans/")
    page.fill("#id_period", period)
    page.click("#plan-create-submit")
    page.wait_for_url(plan_url)
    plan = Plan.objects.get(region__code="DEMO", period=period)
    assert plan.status == PlanStatus.DRAFT and plan.as_of == today
    # the base period's revenue, as the document computes it (the data does not move during the test)
    base_revenue = Decimal(_section(plan_content(plan), "summary")["base_revenue"])
    assert base_revenue > 0

    # … confirms an indicator of each of the four categories (职责确认), one with a responsible person …
    for family in IndicatorFamily.values:
        first = page.locator(f"#category-{family} li").first
        _htmx(page, lambda: first.locator("button").click(), "/confirm/")
        expect(page.locator(f"#category-{family} li.confirmed")).to_have_count(1)
    select = page.locator(f"#category-{IndicatorFamily.FINANCE} li.confirmed select")
    _htmx(page, lambda: select.select_option(str(people["manager1"].pk)), "/responsible/")
    confirmed = list(PlanIndicator.objects.filter(plan=plan).select_related("indicator"))
    assert sorted(i.indicator.family for i in confirmed) == sorted(IndicatorFamily.values)
    assert [i.responsible for i in confirmed if i.indicator.family == IndicatorFamily.FINANCE] == [people["manager1"]]

    # … adds a target of each family …
    for family, (name, value, unit) in TARGETS.items():
        page.select_option("#new-target-family", family)
        page.fill("#new-target-name", name)
        page.fill("#new-target-value", value)
        page.fill("#new-target-unit", unit)
        _htmx(page, lambda: page.locator("#target-add button").click(), "/targets/")
        expect(page.locator(f"#family-{family}")).to_contain_text(name)
    assert {(t.family, t.name, t.value, t.unit) for t in Target.objects.filter(plan=plan)} == {
        (f, n, Decimal(v), u) for f, (n, v, u) in TARGETS.items()}

    # … and proposes the revenue total, which the executive has not set yet.
    page.goto(revenue_url)
    proposal = (base_revenue * Decimal("1.12")).quantize(Decimal("1E4"))  # +12 %, in round ten thousands
    page.fill("#propose-value", str(proposal))
    _post(page, page.locator("#propose-value ~ button"))
    plan.refresh_from_db()
    assert plan.revenue_proposal == proposal and revenue.revenue_target(plan) is None

    # 2. the executive sets the total: the proposal, changed
    total = (base_revenue * Decimal("1.1")).quantize(Decimal("1")) + Decimal("0.37")  # to the fen
    _as(page, base, "executive")
    page.goto(revenue_url)
    assert Decimal(page.locator("#total-value").input_value()) == proposal
    page.fill("#total-value", str(total))
    _post(page, page.locator("#total-value ~ button"))
    assert revenue.revenue_target(plan).value == total

    # 3. the director adopts the suggested split: the parts add up to the total to the fen
    _as(page, base, "director")
    page.goto(revenue_url)
    _post(page, page.get_by_role("button", name="采用建议分解"))
    parts = TargetPart.objects.filter(target=revenue.revenue_target(plan))
    assert parts.exists() and sum(p.amount for p in parts) == total
    assert "与总目标一致（到分）" in page.locator("#revenue-summary").inner_text()
    with_parts = sorted({p.manager.username for p in parts.select_related("manager")})
    # the base period's shares give every account manager of the demo a part
    assert with_parts == sorted(User.objects.filter(regions__code="DEMO", role=Role.MANAGER)
                                .values_list("username", flat=True)) == list(MANAGERS)

    # 4. every manager with a part signs their own targets
    for username in with_parts:
        _as(page, base, username)
        page.goto(revenue_url)
        _post(page, page.get_by_role("button", name="签字确认我的目标"))
        assert "您已签字确认" in page.content()
    states = revenue.signatures(plan, revenue.revenue_target(plan))
    assert {u.username: state for u, (state, _) in states.items()} == {u: "valid" for u in with_parts}

    # 5. the director submits: version 1
    _as(page, base, "director")
    page.goto(plan_url)
    assert page.locator("#plan-blockers").count() == 0
    _post(page, page.locator("#plan-workflow").get_by_role("button", name="提交审批"))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert list(plan.versions.values_list("number", "status")) == [(1, PlanStatus.SUBMITTED)]

    # the executive returns it, with an overall comment and one on a section
    _as(page, base, "executive")
    page.goto(plan_url)
    page.fill("#plan-decision textarea[name=comment]", "请补充重点客户的回款安排。")
    page.locator("#plan-decision summary").click()
    page.fill("#plan-decision textarea[name=section_pnl]", "回款与应收请按季度列出。")
    page.locator("#plan-decision").get_by_role("button", name="退回").click()
    # a returned plan is a draft again, which executives never see: they land on the version they returned
    page.wait_for_url(f"{plan_url}versions/1/")
    assert "回款与应收请按季度列出。" in page.locator("#comment-pnl").inner_text()
    plan.refresh_from_db()
    returned = PlanVersion.objects.get(plan=plan, number=1)
    assert plan.status == PlanStatus.RETURNED and returned.status == PlanStatus.RETURNED
    assert returned.comment == "请补充重点客户的回款安排。"
    assert returned.section_comments["pnl"] == "回款与应收请按季度列出。"
    assert returned.decided_by == people["executive"]

    # the director reads the comments (overall on the plan, per section on the version) and resubmits: version 2
    _as(page, base, "director")
    page.goto(plan_url)
    assert "请补充重点客户的回款安排。" in page.locator("#plan-returned").inner_text()
    page.locator("#plan-returned a").click()
    page.wait_for_url(f"{plan_url}versions/1/")
    assert "回款与应收请按季度列出。" in page.content()
    page.goto(plan_url)
    _post(page, page.locator("#plan-workflow").get_by_role("button", name="提交审批"))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert list(plan.versions.order_by("number").values_list("number", "status")) == [
        (1, PlanStatus.RETURNED), (2, PlanStatus.SUBMITTED)]

    # the executive approves version 2
    _as(page, base, "executive")
    page.goto(plan_url)
    page.locator("#plan-decision").get_by_role("button", name="批准").click()
    page.wait_for_url(f"{plan_url}versions/2/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_version.number == 2
    assert plan.approved_version.status == PlanStatus.APPROVED

    # 6. … and downloads its PDF from the version's page
    href = page.get_by_role("link", name="PDF 全文").get_attribute("href")
    assert href == f"/r/DEMO/plans/{period}/versions/2/pdf/"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(_pdf_bytes(page, base, href))).pages)
    assert "演示区域" in text and "第 2 版" in text
    assert PlanDownload.objects.filter(version=plan.approved_version, user=people["executive"]).count() == 1
    assert plan.approved_version.pdf is not None  # rendered once and stored
    for _, title in SECTIONS:
        assert str(title) in text, title
    frozen = _section(plan.approved_version.content, "summary")
    assert (Decimal(frozen["base_revenue"]), frozen["months"]) == (base_revenue, 12)
    # the document prints the base period's revenue scaled to the plan's months (|yuan): the same, for a year
    assert Decimal(frozen["base_scaled"]) == base_revenue
    assert format_money(base_revenue, "yuan") in text
    assert format_money(total, "yuan") in text
    for username in with_parts:
        assert people[username].display_name in text, username

    # the plan document's page, as the director reads it, for the README
    _as(page, base, "director")
    page.goto(f"{plan_url}document/")
    for chart in page.locator("[data-chart]").all():
        chart.locator(".main-svg").first.wait_for(timeout=5000)
    # test-output/, not docs/: a run must not change the repository (docs/plan-document.png is a copy)
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "plan-document.png"))
    assert 10_000 < (OUT / "plan-document.png").stat().st_size < 600_000
    assert errors == []

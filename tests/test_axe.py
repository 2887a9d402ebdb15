"""Everyone can use it: axe-core on every page, as a director and as an
account manager, and the funnel's evidence ticks with the keyboard alone.

axe-core comes bundled in axe-playwright-python (no network at run time) and
runs with all its rules, WCAG and best practice; a serious or critical
violation anywhere fails, listed per page with the rule, its impact, the
elements and axe's help text; every violation, whatever its impact, is
written to test-output/axe-<persona>.json. One test per persona walks every page and
collects before it asserts: the live server flushes the database between
tests, so the demo is loaded once per persona, not once per page.
"""

import datetime as dt
import importlib
import json
import os
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.test_access_walk import named_patterns
from tests.test_browser import OUT, browser, login, page  # noqa: F401 (browser and page are fixtures)

pytestmark = pytest.mark.browser

FAILING = ("serious", "critical")

# Named URLs that are not pages: POST-only actions, downloads, JSON, logout.
NOT_PAGES = {
    "logout", "set_language", "set_money_unit", "api_analysis", "api_schema", "import_confirm", "import_template",
    "customer_needs", "contact_add", "competitor_add", "comparison_scores", "intelligence_add",
    "swot_item_add", "swot_item_delete", "swot_advanced", "swot_action", "value_grid_accept",
    "value_fit_accept", "value_fit_undo",
    "strategy_positioning", "strategy_position", "strategy_stance", "special_action_add", "special_action_delete",
    "strategy_summary_xlsx",
    "revenue_total", "revenue_propose", "revenue_adopt", "revenue_row", "revenue_sign", "revenue_xlsx",
    "plan_indicator_confirm", "plan_indicator_responsible", "plan_target_add",
    "plan_target_edit", "plan_target_delete", "plan_section_save", "plan_answer_save",
    "plan_submit", "plan_approve", "plan_return", "plan_revise", "plan_appendix",
    "api_plan", "api_token_revoke",
    # the PDF: posts, the file itself, and a version's PDF (a redirect to the file or its progress page)
    "plan_pdf_preview", "plan_pdf_retry", "plan_pdf_file", "version_pdf", "version_summary_pdf",
}
# Named URLs that pages_for() (and the login) scan; managers get 404 on the director's.
SCANNED = {"home", "login", "region_home", "region_settings", "import_upload", "contribution", "customer_detail",
           "decision", "decision_customer", "contact_edit", "competitors", "competitor_edit", "funnel",
           "project_evidence", "swot", "value_grid", "value_grid_customer", "strategy", "director_checks",
           "customer_projects", "planning:customer_actions", "planning:customer_publicity", "planning:performance",
           "password_change",
           "password_change_done", "strategy_summary", "customer_list", "customer_edit", "customer_transfer",
           "project_add", "project_edit", "project_close", "revenue_split", "plans", "plan", "plan_document",
           "plan_summary", "plan_versions", "plan_version", "plan_version_compare", "todo",
           "plans_overview", "api_tokens", "plan_pdf_status"}  # the executive's test scans the overview
DIRECTOR_ONLY = {"region_settings", "import_upload", "competitor_edit", "customer_list", "customer_list (refused)",
                 "customer_edit", "customer_transfer", "plan_version (returned)",
                 "plan_document", "plan_summary", "plan_pdf_status"}  # the plan is a draft: only its director reads it whole


def _revenue_plan_path() -> str:
    """The demo region's 2027 plan, its total set and the suggested split adopted
    (so the director's grid has rows and manager1 has parts to sign)."""
    from django.utils import timezone

    from planning import revenue
    from planning.models import Plan
    from teams.models import Region

    plan, created = Plan.objects.get_or_create(region=Region.objects.get(code="DEMO"), period="2027",
                                               defaults={"as_of": timezone.localdate()})
    if created:
        revenue.total_set(plan=plan, value="12000000")
        revenue.suggestion_adopt(plan=plan, mode="product")
    return reverse("revenue_split", kwargs={"region": "DEMO", "period": "2027"})


def pages_for(username: str) -> list[tuple]:
    """(name, path[, HTTP status]) of every page the user can reach, built from the demo data."""
    from customers.models import Competitor, Contact, Customer
    from pipeline.models import Project
    from teams.models import User

    r = {"region": "DEMO"}
    customers = Customer.objects.filter(region__code="DEMO").order_by("code")
    if username != "director":
        customers = customers.filter(owner__username=username)
    customer = customers.filter(contacts__isnull=False).first()
    project = Project.objects.filter(region__code="DEMO", status="open", customer__in=customers).order_by("code").first()
    contact = Contact.objects.filter(customer=customer).order_by("pk").first()
    competitor = Competitor.objects.filter(region__code="DEMO").order_by("pk").first()
    c = {**r, "code": customer.code}
    plan = _demo_plan()
    submitted = _demo_submitted_plan()
    pages = [
        ("home", reverse("home")),
        ("region_home", reverse("region_home", kwargs=r)),
        ("region_settings", reverse("region_settings", kwargs=r)),
        ("import_upload", reverse("import_upload", kwargs=r)),
        ("contribution", reverse("contribution", kwargs=r)),
        ("contribution_bad_filter", reverse("contribution", kwargs=r) + "?manager=nobody", 400),
        ("customer_detail", reverse("customer_detail", kwargs=c)),
        ("decision", reverse("decision", kwargs=r)),
        ("decision_customer", reverse("decision_customer", kwargs=c)),
        ("contact_edit", reverse("contact_edit", kwargs={**c, "pk": contact.pk})),
        ("competitors", reverse("competitors", kwargs=r)),
        ("competitor_edit", reverse("competitor_edit", kwargs={**r, "pk": competitor.pk})),
        ("funnel", reverse("funnel", kwargs=r) + "?per_page=10"),
        ("funnel_bad_filter", reverse("funnel", kwargs=r) + "?layer=nowhere", 400),
        ("strategy_summary", reverse("strategy_summary", kwargs=r) + "?per_page=20"),
        ("project_evidence", reverse("project_evidence", kwargs={**r, "code": project.code})),
        ("swot", reverse("swot", kwargs=r)),
        ("value_grid", reverse("value_grid", kwargs=r)),
        ("value_grid_customer", reverse("value_grid_customer", kwargs=c)),
        ("strategy", reverse("strategy", kwargs=r)),
        ("director_checks", reverse("director_checks", kwargs=r)),
        ("customer_projects", reverse("customer_projects", kwargs=c)),
        ("planning:customer_actions", reverse("planning:customer_actions", kwargs=c)),
        ("planning:customer_publicity", reverse("planning:customer_publicity", kwargs=c)),
        ("planning:performance", reverse("planning:performance", kwargs=r)),
        ("customer_list", reverse("customer_list", kwargs=r)),
        ("customer_list (refused)", reverse("customer_list", kwargs=r) + "?manager=nobody", 400),
        ("customer_edit", reverse("customer_edit", kwargs=c)),
        ("customer_transfer", reverse("customer_transfer", kwargs=r)
         + f"?manager={User.objects.get(username='manager1').pk}"),
        ("project_add", reverse("project_add", kwargs=r) + f"?customer={customer.code}"),
        ("project_edit", reverse("project_edit", kwargs={**r, "code": project.code})),
        ("project_close", reverse("project_close", kwargs={**r, "code": project.code})),
        ("revenue_split", _revenue_plan_path()),
        ("plans", reverse("plans", kwargs=r)),
        ("plan", reverse("plan", kwargs={**r, "period": plan.period})),
        ("plan_document", reverse("plan_document", kwargs={**r, "period": plan.period})),
        ("plan_summary", reverse("plan_summary", kwargs={**r, "period": plan.period})),
        ("plan (submitted)", reverse("plan", kwargs={**r, "period": submitted.period})),
        ("plan_versions", reverse("plan_versions", kwargs={**r, "period": submitted.period})),
        ("plan_version", reverse("plan_version", kwargs={**r, "period": submitted.period, "number": 2})),
        ("plan_version (returned)", reverse("plan_version", kwargs={**r, "period": submitted.period, "number": 1})),
        ("plan_version_compare", reverse("plan_version_compare",
                                         kwargs={**r, "period": submitted.period, "number": 2})),
        ("todo", reverse("todo")),
        ("plan_pdf_status", _pdf_status_path(plan)),
        ("password_change", reverse("password_change")),
        ("password_change_done", reverse("password_change_done")),
        ("api_tokens", reverse("api_tokens")),
    ]
    if username != "director":
        pages = [p for p in pages if p[0] not in DIRECTOR_ONLY]
    return pages


def _pdf_status_path(plan) -> str:
    """A failed preview of the draft: the progress page with its reason and the retry button."""
    from planning.models import PlanRender

    render, _ = PlanRender.objects.get_or_create(plan=plan, version=None, status="failed",
                                                 defaults={"error": "示例错误"})
    return reverse("plan_pdf_status", kwargs={"region": "DEMO", "period": plan.period, "token": render.token})


def _demo_plan():
    """A draft plan of the demo region with an indicator confirmed and a target
    in each family, so that the plan page shows its toggles, selects and forms."""
    from planning import plan_services
    from planning.models import Indicator, Plan

    plan = Plan.objects.filter(region__code="DEMO", period="2027").first()
    if plan is None:
        from teams.models import Region

        plan = plan_services.plan_create(region=Region.objects.get(code="DEMO"), period="2027", today=dt.date.today())
        plan_services.plan_indicator_confirm(plan=plan, indicator=Indicator.objects.order_by("pk").first(),
                                             confirmed=True)
        for family in ("finance", "growth"):
            plan_services.target_add(plan=plan, family=family, name=f"{family} 目标", value="1", unit="个")
    return plan


def _demo_submitted_plan():
    """The demo region's 2026 plan: version 1 returned with comments, version 2
    (its summary rewritten) submitted — the versions, a frozen version with
    its comments and the comparison have something to show."""
    from planning.document import plan_content
    from planning.models import Plan, PlanVersion
    from teams.models import Region, User

    plan = Plan.objects.filter(region__code="DEMO", period="2026").first()
    if plan is None:
        executive = User.objects.get(username="executive")
        plan = Plan.objects.create(region=Region.objects.get(code="DEMO"), period="2026", as_of=dt.date.today(),
                                   status="submitted", sections={"summary": "第一稿的摘要"})
        PlanVersion.objects.create(plan=plan, number=1, as_of=plan.as_of, content=plan_content(plan),
                                   status="returned", decided_by=executive, comment="目标偏低",
                                   decided_at=dt.datetime.now(dt.UTC), section_comments={"summary": "写清增长"})
        plan.sections = {"summary": "第二稿的摘要\n增长 12%"}
        plan.save()
        PlanVersion.objects.create(plan=plan, number=2, as_of=plan.as_of, content=plan_content(plan))
    return plan


def test_every_page_is_scanned():
    """A new page gets an axe scan (or is named here as not a page)."""
    missing = sorted(set(named_patterns()) - SCANNED - NOT_PAGES)
    assert missing == [], f"scan these pages in pages_for() of {__file__}, or list them in NOT_PAGES: {missing}"


class Scanner:
    """Runs axe on the page in view and keeps every violation, per rule."""

    def __init__(self, page, base: str, who: str):
        from axe_playwright_python.sync_playwright import Axe

        self.axe, self.page, self.base, self.who = Axe(), page, base, who
        self.failures: list[str] = []
        self.counts: dict[str, dict] = {}

    def visit(self, name: str, path: str, status: int = 200) -> None:
        response = self.page.goto(self.base + path)
        assert response.status == status, f"{self.who} {path}: HTTP {response.status}"
        self.scan(name)

    def scan(self, name: str) -> None:
        page = self.page
        for chart in page.locator("[data-chart]").all():  # plotly has drawn its SVG
            chart.locator(".main-svg").first.wait_for(timeout=5000)
        # Closed <details> hold add and edit forms: open them so that axe sees
        # them too (not the funnel's, which load their form over htmx).
        page.evaluate("document.querySelectorAll('details:not([hx-get])').forEach(d => d.open = true)")
        results = self.axe.run(page).response
        url = page.url.removeprefix(self.base)
        for v in results["violations"]:
            count = self.counts.setdefault(v["id"], {"impact": v["impact"], "nodes": 0, "pages": []})
            count["nodes"] += len(v["nodes"])
            count["pages"].append(name)
            count.setdefault("examples", []).extend(
                f"{name}: {' '.join(map(str, n['target']))}: {n['failureSummary']}" for n in v["nodes"][:20])
            if v["impact"] not in FAILING:
                continue
            targets = [" ".join(map(str, n["target"])) for n in v["nodes"]]
            shown = "\n      ".join(targets[:5]) + (f"\n      … and {len(targets) - 5} more" if len(targets) > 5 else "")
            self.failures.append(f"{self.who} · {name} {url}\n  {v['id']} ({v['impact']}): {v['help']}\n"
                                 f"      {shown}\n  {v['helpUrl']}")

    def report(self) -> str:
        OUT.mkdir(exist_ok=True)
        (OUT / f"axe-{self.who}.json").write_text(json.dumps(self.counts, ensure_ascii=False, indent=1))
        return f"{len(self.failures)} serious or critical axe violations:\n\n" + "\n\n".join(self.failures)


@pytest.fixture
def demo(live_server):
    # The live server's flush between tests also empties the catalogues that a
    # migration seeds (strategy options, intelligence channels): seed them
    # again, so that every persona's pages show their checkboxes and filters.
    from django.apps import apps

    importlib.import_module("planning.migrations.0003_catalogues").load(apps, None)
    call_command("load_demo", customers=40, projects=40, plans=False, stdout=open(os.devnull, "w"))
    return live_server.url


def _workbook(path, *, broken: bool) -> None:
    """A small workbook for the import preview: a new manager, or a row the import refuses."""
    from pipeline.workbook import write_xlsx
    from tsm import demo as demo_data

    rows = demo_data.build(dt.date.today(), n_customers=3, n_projects=3, seed=7)
    rows["customers"][0]["manager"] = "newcomer"
    if broken:
        rows["contributions"][0]["revenue"] = "-5"
        rows["projects"][0]["status"] = "maybe"
    write_xlsx(path, rows)


def test_no_page_has_a_serious_accessibility_violation_for_the_director(demo, page, tmp_path):
    from teams.models import Region, RegionSettings, User

    # A second region: the header shows its region switcher and home lists both.
    other = Region.objects.create(code="DEMO2", name="演示二区")
    RegionSettings.objects.create(region=other)
    User.objects.get(username="director").regions.add(other)

    scanner = Scanner(page, demo, "director")
    scanner.visit("login", reverse("login"))
    login(page, demo, "director", "wrong-password")
    scanner.scan("login_failed")
    login(page, demo, "director")
    page.wait_for_url(re.compile(r".*/$"))
    pages = pages_for("director")
    for name, path, *status in pages:
        scanner.visit(name, path, *status)
    _scan_funnel_with_evidence_open(scanner, pages)
    _scan_htmx_editors(scanner, pages)
    _scan_new_token(scanner)
    for broken in (False, True):
        workbook = tmp_path / f"small-{broken}.xlsx"
        _workbook(workbook, broken=broken)
        page.goto(demo + reverse("import_upload", kwargs={"region": "DEMO"}))
        page.set_input_files("input[type=file]", str(workbook))
        page.locator("form[enctype] button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("#import-errors" if broken else "#import-counts").count() == 1
        scanner.scan("import_preview (errors)" if broken else "import_preview")
    assert scanner.failures == [], scanner.report()
    scanner.report()  # every violation, whatever its impact, to test-output/axe-director.json


def test_no_page_has_a_serious_accessibility_violation_for_an_account_manager(demo, page):
    scanner = Scanner(page, demo, "manager1")
    login(page, demo, "manager1")
    page.wait_for_url(re.compile(r".*/r/DEMO/$"))
    pages = pages_for("manager1")
    for name, path, *status in pages:
        scanner.visit(name, path, *status)
    _scan_funnel_with_evidence_open(scanner, pages)
    _scan_htmx_editors(scanner, pages)
    _scan_new_token(scanner)
    assert scanner.failures == [], scanner.report()
    scanner.report()


def test_no_workflow_page_has_a_serious_accessibility_violation_for_an_executive(demo, page):
    """The executive's side of the workflow: the all-regions page, a submitted
    plan with the approve/return form, a frozen version and 待办."""
    pages_for("director")  # the demo plans
    scanner = Scanner(page, demo, "executive")
    login(page, demo, "executive")
    page.wait_for_load_state()
    r = {"region": "DEMO", "period": "2026"}
    for name, path in [("home", reverse("home")), ("plans_overview", reverse("plans_overview")),
                       ("plan (submitted)", reverse("plan", kwargs=r)),
                       ("plan_version", reverse("plan_version", kwargs={**r, "number": 2})),
                       ("plan_version (returned)", reverse("plan_version", kwargs={**r, "number": 1})),
                       ("todo", reverse("todo"))]:
        scanner.visit(name, path)
    assert scanner.failures == [], scanner.report()
    scanner.report()


def _scan_new_token(scanner) -> None:
    """The tokens page as the POST that made one answers it: the new token
    shown once, and the list with its revoke button."""
    page = scanner.page
    page.goto(scanner.base + reverse("api_tokens"))
    page.fill("input[name=name]", "月度报表")
    page.locator("form button[type=submit].primary").click()
    page.locator("#new-token").wait_for()
    scanner.scan("api_tokens (new token shown)")


def _scan_funnel_with_evidence_open(scanner, pages) -> None:
    """The evidence checkboxes of a funnel row arrive over htmx when it opens."""
    page = scanner.page
    page.goto(scanner.base + next(p[1] for p in pages if p[0] == "funnel"))
    page.locator("table.projects tbody tr summary").first.click()
    page.locator("table.projects tbody tr form.evidence").first.wait_for()
    scanner.scan("funnel (evidence open)")


def _scan_htmx_editors(scanner, pages) -> None:
    """The panels and rows that htmx swaps in when a link is followed: each is
    scanned, and the keyboard's focus must have moved into it (not be lost
    on <body> because the link it was on is gone or far away)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page, paths = scanner.page, {p[0]: p[1] for p in pages}
    editors = [("value_grid", "#pending a, #assessed a", "#score-panel", "#score-panel form.scores")]
    if scanner.who == "director":
        editors.append(("competitors", "article.competitor p a", "article.competitor.editing", "article.editing form"))
        editors.append(("customer_detail", "p.actions a[hx-get]", "#customer-record", "#customer-record form"))
        # 接受 a misfit: the button is gone with its row, the focus goes to the message (and the accepted list)
        editors.append(("value_grid", "#fit-lists form button", "#fit-lists", "#fit-lists .messages .success"))
    editors.append(("decision_customer", "#contacts td a", "tr.editing", "tr.editing form"))
    for name, link, container, ready in editors:
        page.goto(scanner.base + paths[name])
        page.locator(link).first.focus()
        page.keyboard.press("Enter")
        page.locator(ready).wait_for()
        try:
            page.wait_for_function(f"document.activeElement.closest({json.dumps(container)}) !== null", timeout=5000)
        except PlaywrightTimeoutError:
            focused = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
            pytest.fail(f"{scanner.who} · {name}: after {link} the focus is on {focused}, not in {container}")
        scanner.scan(f"{name} (htmx editor)")


def test_the_keyboard_alone_ticks_evidence_on_the_funnel(demo, page):
    """Tab to a row's evidence, open it, Tab to a checkbox, Space: the win rate
    changes in place, focus stays on the checkbox and is visibly outlined."""
    from pipeline.models import Project

    login(page, demo)
    page.wait_for_url(re.compile(r".*/r/DEMO/$"))
    page.goto(demo + reverse("funnel", kwargs={"region": "DEMO"}) + "?sort=-win_rate&per_page=10")
    row = page.locator("table.projects tbody tr").first
    code = row.get_attribute("id").removeprefix("project-")
    before = row.locator(".win-rate").inner_text()
    assert before != "0%"  # so E1 is ticked and unticking it drops the rate

    def tab_to(selector: str, limit: int = 200) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({json.dumps(selector)})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    def settled(code: str, rate: str) -> None:
        """The row shows the rate and htmx has wired up its new checkboxes (it
        does so after its settle delay; a person is never that quick)."""
        page.wait_for_function(
            f"document.querySelector('#project-{code} .win-rate').textContent.trim() === {json.dumps(rate)}"
            " && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")

    tab_to(f"#project-{code} summary")
    page.keyboard.press("Enter")  # opens the details; htmx loads the form
    page.locator(f"#project-{code} form.evidence").wait_for()
    settled(code, before)
    tab_to(f"#project-{code} input[value=E1]", limit=5)
    outline = page.evaluate("[getComputedStyle(document.activeElement).outlineStyle,"
                            " getComputedStyle(document.activeElement).outlineWidth]")
    assert outline == ["solid", "3px"], outline  # app.css's :focus-visible ring, not the browser's 1px auto
    page.keyboard.press("Space")
    settled(code, "0%")
    project = Project.objects.get(region__code="DEMO", code=code)
    assert "E1" not in project.evidence
    # htmx swapped the row in and put the focus back on the same box, so Space undoes it
    assert page.evaluate("document.activeElement.id") == f"evidence-{code}-E1"
    page.keyboard.press("Space")
    settled(code, before)
    project.refresh_from_db()
    assert "E1" in project.evidence

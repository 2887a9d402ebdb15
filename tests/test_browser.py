"""A real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Screenshots go to test-output/. On CI the browser must be there: no skipping."""

import importlib
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUT = Path(__file__).resolve().parent.parent / "test-output"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (scripts/bootstrap.sh installs it)")
        pytest.skip("chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # made by fixtures in the same thread are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo_site(live_server):
    # A live server's flush between tests also empties the catalogues a
    # migration seeds (indicators, strategy options …): seed them again.
    from django.apps import apps

    importlib.import_module("planning.migrations.0003_catalogues").load(apps, None)
    call_command("load_demo", customers=60, projects=80, plans=False, stdout=open(os.devnull, "w"))
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def login(page, base, username="director", password="demo1234"):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_the_demo_director_logs_in_and_sees_the_region_home_in_chinese(demo_site, page):
    login(page, demo_site)
    page.wait_for_url(f"{demo_site}/r/DEMO/")
    assert page.locator("h1").inner_text().startswith("演示区域")
    assert page.locator("#fig-customers").inner_text() == "60"
    # 60 demo customers earn millions: thousands separators and two decimals
    assert re.fullmatch(r"\d{1,3}(,\d{3})+\.\d{2}", page.locator("#fig-revenue").inner_text())
    assert page.locator("nav.asp").inner_text().count("做分析") == 1
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "region-home.png"), full_page=True)
    assert (OUT / "region-home.png").stat().st_size > 10_000


def test_a_wrong_password_gets_a_chinese_message(demo_site, page):
    login(page, demo_site, password="wrong")
    assert "用户名或密码不正确" in page.content()


PAGES = [
    ("/r/DEMO/contribution/", "客户贡献分析"),
    ("/r/DEMO/decision/", "决策与需求"),
    ("/r/DEMO/competitors/", "竞争对手"),
    ("/r/DEMO/swot/", "SWOT"),
    ("/r/DEMO/value-grid/", "客户价值评估"),
    ("/r/DEMO/funnel/", "区域大漏斗"),
    ("/r/DEMO/strategy/", "竞争策略"),
]


def test_the_director_opens_every_analysis_and_strategy_page(demo_site, page):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, demo_site)
    page.wait_for_url(f"{demo_site}/r/DEMO/")
    for path, heading in PAGES:
        response = page.goto(demo_site + path)
        assert response.status == 200, path
        assert heading in page.locator("h1").first.inner_text(), path
        # every chart on the page was drawn by the bundled plotly.js
        for chart in page.locator("[data-chart]").all():
            chart.locator(".main-svg").first.wait_for(timeout=5000)
        page.screenshot(path=str(OUT / f"page{path.replace('/', '_')}.png"))
    assert errors == []


def test_ticking_evidence_changes_the_win_rate_in_place(demo_site, page):
    from pipeline.models import Project

    project = Project.objects.filter(region__code="DEMO", status="open", evidence=[]).order_by("code").first()
    login(page, demo_site)
    page.goto(f"{demo_site}/r/DEMO/funnel/?per_page=200&sort=code")
    row = page.locator(f"#project-{project.code}")
    assert row.locator(".win-rate").inner_text() == "0%"
    row.locator("summary").click()
    for code in ("E1", "E2", "E3"):
        page.locator(f"#project-{project.code} input[value={code}]").check()
        page.wait_for_timeout(300)  # each tick is its own htmx request
    page.wait_for_function(
        f"document.querySelector('#project-{project.code} .win-rate').textContent.trim() === '20%'")
    assert page.url.endswith("per_page=200&sort=code")  # no reload, no navigation
    project.refresh_from_db()
    assert project.evidence == ["E1", "E2", "E3"]


def test_two_people_tick_different_boxes_of_one_project_at_once_and_both_land(demo_site, browser):
    """The director and the project's account manager each open the project's
    own evidence page (linked from its funnel row) and tick a different box at
    the same moment: both ticks are saved and the pages show the new win rate."""
    from pipeline.models import Project
    from pipeline.rules import EVIDENCE, win_rate

    def unticked(evidence):
        return [code for code in EVIDENCE if code not in evidence]

    # A project whose next two boxes, ticked together, move its win rate.
    project = next(p for p in Project.objects.filter(region__code="DEMO", status="open").select_related("owner")
                   .order_by("code")
                   if win_rate([*p.evidence, *unticked(p.evidence)[:2]]).value > win_rate(p.evidence).value)
    before = list(project.evidence)
    mine, theirs = unticked(before)[:2]
    after = win_rate([*before, mine, theirs]).value
    assert project.owner.username in {"manager1", "manager2", "manager3", "manager4"}

    errors, pages = [], []
    contexts = [browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900}) for _ in range(2)]
    try:
        for username, context in zip(("director", project.owner.username), contexts):
            # htmx reports a missing target (htmx:targetError) and its other failures as htmx:error
            context.add_init_script("document.addEventListener('htmx:error', function (e) {"
                                    " console.error('htmx:error ' + e.detail.errorInfo.error); });")
            page = context.new_page()
            # (the site has no favicon.ico: the browser's own request for it is not the page's error)
            page.on("console", lambda m: m.type == "error" and not m.location["url"].endswith("/favicon.ico")
                    and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            login(page, demo_site, username=username)
            page.wait_for_url(f"{demo_site}/r/DEMO/**")
            page.goto(f"{demo_site}/r/DEMO/funnel/?per_page=200&sort=code")
            # the row's link to the project's own page (opening the row loads the form in its place)
            page.goto(demo_site + page.locator(f"#project-{project.code} .evidence-slot a").get_attribute("href"))
            assert page.locator(".win-rate").inner_text() == f"{win_rate(before).value}%"
            pages.append(page)

        def is_tick(response):
            return response.request.method == "POST" and f"/projects/{project.code}/evidence/" in response.url

        director, manager = pages
        with (director.expect_response(is_tick, timeout=10_000) as first,
              manager.expect_response(is_tick, timeout=10_000) as second):
            director.check(f"#evidence-{project.code}-{mine}")
            manager.check(f"#evidence-{project.code}-{theirs}")
        assert first.value.status == 200 and second.value.status == 200
        for page in pages:  # the answer swapped in (evidence.js counts the ticks not yet answered)
            page.wait_for_function(f"!document.getElementById('evidence-form-{project.code}').evidenceWaiting")

        project.refresh_from_db()
        assert project.evidence == [code for code in EVIDENCE if code in {*before, mine, theirs}]
        # Each page shows its answer: the boxes as saved with its own tick, and
        # their win rate; the answer of the tick saved second holds both.
        shown = []
        for page, code in ((director, mine), (manager, theirs)):
            ticked = [box.get_attribute("value") for box in page.locator("input[name=evidence]:checked").all()]
            assert code in ticked and set(ticked) <= set(project.evidence)
            assert page.locator(".win-rate").inner_text() == f"{win_rate(ticked).value}%"
            shown.append(page.locator(".win-rate").inner_text())
        assert f"{after}%" in shown
        director.reload()
        assert director.locator(".win-rate").inner_text() == f"{after}%"
        assert errors == []
    finally:
        for context in contexts:
            context.close()


def test_quick_clicks_on_a_funnel_row_are_all_saved_and_shown(demo_site, page):
    """Ticks faster than the answers: each is sent in turn, none is dropped,
    and the row ends showing the boxes as saved and their win rate."""
    from pipeline.models import Project
    from pipeline.rules import win_rate

    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and not m.location["url"].endswith("/favicon.ico")
            and errors.append(m.text))
    project = Project.objects.filter(region__code="DEMO", status="open", evidence=[]).order_by("-code").first()
    login(page, demo_site)
    page.goto(f"{demo_site}/r/DEMO/funnel/?per_page=200&sort=code")
    row = page.locator(f"#project-{project.code}")
    row.locator("summary").click()
    box = lambda code: page.locator(f"#evidence-{project.code}-{code}")  # noqa: E731
    box("E1").wait_for()
    for code in ("E1", "E2", "E3", "E4", "E5", "E6", "E7", "E7", "E2", "E2"):  # E7 ticked and unticked again
        box(code).click()
    intent = ["E1", "E2", "E3", "E4", "E5", "E6"]
    page.wait_for_function(f"document.querySelector('#project-{project.code} summary').textContent.trim()"
                           f".endsWith('{len(intent)}/12')")
    page.wait_for_function(f"!document.getElementById('project-{project.code}').evidenceWaiting")
    project.refresh_from_db()
    assert project.evidence == intent
    assert [b.get_attribute("value") for b in row.locator("input[name=evidence]:checked").all()] == intent
    assert row.locator(".win-rate").inner_text() == f"{win_rate(intent).value}%" == "40%"
    assert errors == []


def test_a_customer_page_loads_the_actions_aimed_at_it_and_a_stance_names_customers_by_keyboard(demo_site, page):
    """The customer page swaps in planning's panel; on the strategy page the
    director names a target customer by typing its code and pressing Enter."""
    from customers.models import Competitor, Customer
    from planning.models import CompetitorStance, SpecialAction

    named = SpecialAction.objects.get(region__code="DEMO", title="重点客户高层拜访").target_customers.order_by("code")
    login(page, demo_site)
    page.wait_for_url(f"{demo_site}/r/DEMO/")
    page.goto(f"{demo_site}/r/DEMO/customers/{named[0].code}/")
    page.locator("#actions table").first.wait_for(timeout=5000)  # the link was replaced by the panel
    assert "重点客户高层拜访" in page.locator("#actions").inner_text()
    assert "点名该客户" in page.locator("#actions").inner_text()

    rival = Competitor.objects.filter(region__code="DEMO", stance__isnull=True).order_by("pk").first()
    customer = Customer.objects.filter(region__code="DEMO").order_by("-code").first()
    page.goto(f"{demo_site}/r/DEMO/strategy/")
    row = page.locator(f"#competitor-{rival.pk}")
    row.locator("select[name=stance]").select_option("hold")
    row.locator("input[name=add_customers]").focus()
    page.keyboard.type(customer.code)
    page.keyboard.press("Enter")
    page.locator(f"#competitor-{rival.pk} input[name=target_customers][checked]").wait_for(timeout=5000)
    assert [c.code for c in CompetitorStance.objects.get(competitor=rival).target_customers.all()] == [customer.code]
def test_the_director_hands_a_customer_over_from_its_page_and_its_open_projects_follow(demo_site, page):
    """The record form opens in the customer's page (htmx), a new account
    manager is saved and the browser lands on the page again, showing him."""
    from customers.models import Customer
    from pipeline.models import Project

    customer = (Customer.objects.filter(region__code="DEMO", owner__username="manager1", projects__status="open")
                .order_by("code").first())
    login(page, demo_site)
    page.wait_for_url(f"{demo_site}/r/DEMO/")
    page.goto(f"{demo_site}/r/DEMO/customers/{customer.code}/")
    page.locator("p.actions a", has_text="编辑客户资料").click()
    form = page.locator("#customer-record form")
    form.wait_for()
    assert form.locator("input[name=code]").is_disabled()  # it has data: the import's key is fixed
    form.locator("select[name=owner]").select_option(label="王强")
    form.locator("button.primary").click()
    page.wait_for_function("document.querySelector('h1 small').textContent.includes('王强')")
    assert "进行中的项目随之移交" in page.locator(".messages").inner_text()
    assert set(Project.objects.filter(customer=customer, status="open").values_list("owner__username", flat=True)) \
        == {"manager2"}


def test_a_new_projects_contacts_follow_the_customer_chosen(demo_site, page):
    from customers.models import Contact

    contact = Contact.objects.filter(customer__region__code="DEMO").select_related("customer").order_by("pk").first()
    login(page, demo_site)
    page.wait_for_url(f"{demo_site}/r/DEMO/")
    page.goto(f"{demo_site}/r/DEMO/projects/new/")
    assert page.locator("#project-contacts input").count() == 0
    page.locator("select[name=customer]").select_option(str(contact.customer_id))
    page.locator("#project-contacts label", has_text=contact.name).first.wait_for()
    assert page.locator("#project-contacts input").count() == contact.customer.contacts.count()


def test_the_director_accepts_a_misfit_in_place_and_undoes_it(demo_site, page):
    """On the value grid, 接受 moves a misfit to the accepted list without a
    page load and puts the focus on the message; 撤销接受 lists it again."""
    from planning.models import ValueFitAcceptance

    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, demo_site)
    page.wait_for_url(f"{demo_site}/r/DEMO/")
    page.goto(f"{demo_site}/r/DEMO/value-grid/")
    page.locator("[data-chart] .main-svg").first.wait_for(timeout=5000)
    row = page.locator("#fit-lists tr[id^=misfit-]").first
    code = row.get_attribute("id").removeprefix("misfit-")
    row.locator("button").focus()
    page.keyboard.press("Enter")
    page.locator(f"#accepted-{code}").wait_for(timeout=5000)
    assert page.locator(f"#misfit-{code}").count() == 0
    assert page.evaluate("document.activeElement.matches('#fit-lists p.messages')")
    assert ValueFitAcceptance.objects.filter(customer__code=code, customer__region__code="DEMO").exists()
    page.locator(f"#accepted-{code} button").click()
    page.locator(f"#misfit-{code}").wait_for(timeout=5000)
    assert not ValueFitAcceptance.objects.filter(customer__code=code).exists()
    assert errors == []

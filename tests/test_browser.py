"""A real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Screenshots go to test-output/. On CI the browser must be there: no skipping."""

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
    call_command("load_demo", customers=60, projects=80, stdout=open(os.devnull, "w"))
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

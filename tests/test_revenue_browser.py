"""The revenue decomposition grid in a real browser: Enter moves down, a
block pasted from Excel fills the cells, a row saves in place (htmx) and the
sums below follow."""

from decimal import Decimal

import pytest
from django.utils import timezone

from planning import revenue
from planning.models import Plan, TargetPart
from teams.models import Region
from tests.test_browser import browser, demo_site, login, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_the_director_fills_a_row_by_keyboard_and_paste_and_saves_it_in_place(demo_site, page):  # noqa: F811
    plan = Plan.objects.create(region=Region.objects.get(code="DEMO"), period="2027H1", as_of=timezone.localdate())
    revenue.total_set(plan=plan, value="600000")
    revenue.suggestion_adopt(plan=plan, mode="product")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, demo_site)
    page.wait_for_url(f"{demo_site}/r/DEMO/")
    page.goto(f"{demo_site}/r/DEMO/plans/2027H1/revenue/")
    rows = page.locator("table[data-revenue-grid] tbody tr")
    first = rows.nth(0).locator("input.cell").nth(0)
    first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement === document.querySelectorAll("
                         "'table[data-revenue-grid] tbody tr')[1].querySelectorAll('input.cell')[0]")
    # paste two rows of three months into the first row's first cell
    first.evaluate("""el => { const dt = new DataTransfer(); dt.setData('text/plain', '1,000\\t2000\\t3000\\r\\n4\\t5\\t6\\r\\n');
                              el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true})); }""")
    assert [rows.nth(0).locator("input.cell").nth(i).input_value() for i in range(3)] == ["1000", "2000", "3000"]
    assert [rows.nth(1).locator("input.cell").nth(i).input_value() for i in range(3)] == ["4", "5", "6"]
    row_id = rows.nth(0).get_attribute("id")
    manager_id, product_id = map(int, row_id.removeprefix("row-").split("-"))
    others = sum(p.amount for p in TargetPart.objects.filter(target__plan=plan).exclude(
        manager_id=manager_id, product_id=product_id, month__month__in=(1, 2, 3)))
    rows.nth(0).locator("button").click()
    page.locator(f"#{row_id} [role=status]").wait_for(timeout=5000)
    saved = {p.month.month: p.amount for p in TargetPart.objects.filter(
        target__plan=plan, manager_id=manager_id, product_id=product_id)}
    assert [saved.get(m) for m in (1, 2, 3)] == [Decimal("1000.00"), Decimal("2000.00"), Decimal("3000.00")]
    total = others + Decimal("6000")
    # the sums below follow without a page load: the parts no longer add up
    page.locator("#revenue-summary p.error").wait_for(timeout=5000)
    assert f"{total:,.2f}" in page.locator("#revenue-summary").inner_text()
    assert errors == []

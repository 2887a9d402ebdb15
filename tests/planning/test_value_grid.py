"""客户价值评估 (DOMAIN §4.1): the grid, its quadrants and tables, scoring in place, suggestions."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from customers.models import Contribution, Customer
from customers.rules import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS
from planning import services
from planning.models import MarketAction
from teams.models import Region, RegionSettings
from tests import factories
from tests.html_forms import form_posting_to
from tsm.lib.periods import add_months, base_period
from tsm.lib.thresholds import Verdict

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
HTMX = {"HX-Request": "true"}
ATTR = [f for f, _ in ATTRACTIVENESS_FACTORS]
ADV = [f for f, _ in ADVANTAGE_FACTORS]


def scores(attractiveness, advantage) -> dict:
    return {f: Decimal(attractiveness) for f in ATTR} | {f: Decimal(advantage) for f in ADV}


def customer(region, owner, code, name, *, revenue=None, cost="0", **factor_scores):
    """A customer with `revenue` (and `cost`) in every month of today's base period."""
    c = Customer.objects.create(region=region, code=code, name=name, owner=owner, **factor_scores)
    if revenue is not None:
        product = factories.products(1)[0]
        period = base_period(timezone.localdate())
        Contribution.objects.bulk_create(
            Contribution(region=region, customer=c, product=product, month=add_months(period.start, m),
                         revenue=Decimal(revenue), cost=Decimal(cost))
            for m in range(12)
        )
    return c


@pytest.fixture
def grid(region_a, manager_a1, manager_a2):
    """big: 肥羊 and 巩固类; small: 野兔 and 收获类; draft: 待评估, no data."""
    big = customer(region_a, manager_a1, "C01", "大客户", revenue="10000", cost="4000", **scores(4, 3))
    small = customer(region_a, manager_a2, "C02", "小客户", revenue="100", cost="10", **scores(2, 4))
    draft = customer(region_a, manager_a1, "C03", "待评客户",
                     **{f: Decimal(3) for f in ATTR + ADV if f not in ("high_ground", "attention")})
    return big, small, draft


def _chart(body):
    match = re.search(r'<script id="value-grid-data" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(match.group(1))


def _rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def _version(region):
    return Region.objects.get(pk=region.pk).data_version


# --- the grid -----------------------------------------------------------------------------------


def test_each_assessed_customer_is_a_dot_at_its_axis_means_sized_by_revenue_coloured_by_class(
        client_for, director, region_a, grid):
    body = client_for(director).get("/r/A/value-grid/").content.decode()
    fig = _chart(body)
    traces = {t["name"]: t for t in fig["data"]}
    assert set(traces) == {"肥羊", "野兔"}
    fat, hare = traces["肥羊"], traces["野兔"]
    # as the course draws it: x = attractiveness (大客户 4, 小客户 2), y = relative advantage (3, 4)
    assert (fat["x"], fat["y"]) == ([4.0], [3.0]) and (hare["x"], hare["y"]) == ([2.0], [4.0])
    assert fig["layout"]["xaxis"]["title"]["text"] == "客户群本身的吸引力"
    assert fig["layout"]["yaxis"]["title"]["text"] == "我们的相对优势"
    # sized by base-period revenue: 120,000 is the largest dot; 1,200 is sqrt(1 %) of the way up
    assert fat["marker"]["size"] == [40] and hare["marker"]["size"] == [11.2]
    assert fat["marker"]["color"] != hare["marker"]["color"]
    # hover: name, code, both scores (the dot's x and y), both classes, revenue
    assert fat["customdata"][0] == ["大客户", "C01", "一级 巩固类", 120000.0]
    assert hare["customdata"][0] == ["小客户", "C02", "三级 收获类", 1200.0]
    assert hare["hovertemplate"] == ("<b>%{customdata[0]}</b> (%{customdata[1]})<br>吸引力 %{x:.2f} · 相对优势 %{y:.2f}"
                                     "<br>%{customdata[2]} · 野兔<br>基期收入 %{customdata[3]:,.2f} 元<extra></extra>")


def test_a_dot_never_crosses_the_line_its_class_did_not(client_for, director, region_a, manager_a1):
    # attractiveness 22.4 / 9 = 2.4888…: shown (and drawn) as 2.48, never as 2.49 or 2.5
    customer(region_a, manager_a1, "EDGE", "边界", revenue="100",
             **scores(Decimal("2.5"), 3) | {"high_ground": Decimal("2.4")})
    fig = _chart(client_for(director).get("/r/A/value-grid/").content.decode())
    (trace,) = fig["data"]
    assert trace["x"] == [2.48] and trace["y"] == [3.0] and trace["customdata"][0][2] == "三级 收获类"


def test_the_quadrants_lie_where_the_course_draws_them(client_for, director, region_a, grid):
    """巩固类 top right, 收获类 top left, 投入类 bottom right, 兼顾类 bottom left."""
    fig = _chart(client_for(director).get("/r/A/value-grid/").content.decode())
    labels = {a["text"]: (a["x"], a["y"], a["xanchor"], a["yanchor"]) for a in fig["layout"]["annotations"]}
    assert labels == {"一级 巩固类": (5, 5, "right", "top"), "三级 收获类": (0, 5, "left", "top"),
                      "二级 投入类": (5, 0, "right", "bottom"), "四级 兼顾类": (0, 0, "left", "bottom")}
    # and each customer's dot lies in its own class's quadrant: 巩固类 right of and above the lines,
    # 收获类 left of the vertical line and above the horizontal one
    fat, hare = ({t["name"]: t for t in fig["data"]}[k] for k in ("肥羊", "野兔"))
    assert fat["x"][0] >= 2.5 and fat["y"][0] >= 2.5 and fat["customdata"][0][2] == "一级 巩固类"
    assert hare["x"][0] < 2.5 and hare["y"][0] >= 2.5 and hare["customdata"][0][2] == "三级 收获类"


def test_every_class_lands_in_its_quadrant(client_for, director, region_a, manager_a1):
    for code, (a, b) in {"CON": (4, 4), "INV": (4, 1), "HAR": (1, 4), "MAI": (1, 1)}.items():
        customer(region_a, manager_a1, code, code, revenue="100", **scores(a, b))
    fig = _chart(client_for(director).get("/r/A/value-grid/").content.decode())
    corners = {a["text"]: (a["x"], a["y"]) for a in fig["layout"]["annotations"]}
    for trace in fig["data"]:
        for x, y, data in zip(trace["x"], trace["y"], trace["customdata"]):
            corner = corners[data[2]]  # the corner labelled with the dot's value class
            assert (x >= 2.5) == (corner[0] == 5) and (y >= 2.5) == (corner[1] == 5), data


def test_the_quadrant_cards_are_laid_out_as_the_grid(client_for, director, region_a, grid):
    body = client_for(director).get("/r/A/value-grid/").content.decode()
    where = dict(re.findall(r'<article class="quadrant q-(\w+)"[^>]*>.*?<p class="where">(.*?)</p>', body, re.S))
    assert where == {"consolidate": "吸引力高，相对优势高", "invest": "吸引力高，相对优势低",
                     "harvest": "吸引力低，相对优势高", "maintain": "吸引力低，相对优势低"}
    css = (settings.BASE_DIR / "static/css/planning.css").read_text(encoding="utf-8")
    # the top row holds the high advantage (收获 left, 巩固 right), the bottom row the low
    assert 'grid-template-areas:"harvest consolidate" "maintain invest"' in css
    for klass in ("consolidate", "invest", "harvest", "maintain"):
        assert f".quadrant.q-{klass} {{ grid-area:{klass}; }}" in css


def test_the_quadrant_lines_sit_at_the_regions_threshold(client_for, director, region_a, grid):
    RegionSettings.objects.filter(region=region_a).update(value_high=Decimal("3"))
    body = client_for(director).get("/r/A/value-grid/").content.decode()
    shapes = _chart(body)["layout"]["shapes"]
    assert {(s["x0"], s["x1"], s["y0"], s["y1"]) for s in shapes} == {(3.0, 3.0, 0, 5), (0, 5, 3.0, 3.0)}
    assert "均分 ≥ 3 为高" in body
    # attractiveness 4 ≥ 3 but advantage 3.00 ≥ 3 still: consolidate; small 2 < 3, 4 ≥ 3: harvest
    assert "一级 巩固类：吸引力 4.00 ≥ 3，相对优势 3.00 ≥ 3" in body


def test_the_four_quadrants_show_the_catalogue_market_actions_and_reasons(client_for, director, region_a, grid):
    MarketAction.objects.filter(number=8).update(text="为投入类客户定制培训")
    body = client_for(director).get("/r/A/value-grid/").content.decode()
    invest = re.search(r'<article class="quadrant q-invest".*?</article>', body, re.S).group(0)
    assert "二级 投入类" in invest and "0 个客户" in invest
    assert '<li value="8">为投入类客户定制培训</li>' in invest and '<li value="15">高层介入、密切沟通</li>' in invest
    assert "理由：未来增值；必须投入；未来效益" in invest
    consolidate = re.search(r'<article class="quadrant q-consolidate".*?</article>', body, re.S).group(0)
    assert "1 个客户" in consolidate and '<li value="16">根据客户未来的业务状态，研发新项目</li>' in consolidate


def test_the_customer_table_gives_each_class_with_its_reason(client_for, director, region_a, grid):
    body = client_for(director).get("/r/A/value-grid/").content.decode()
    row = re.search(r'<tr id="customer-C02">.*?</tr>', body, re.S).group(0)
    assert "小客户" in row and "野兔" in row and "1,200.00" in row
    assert "三级 收获类" in row and "三级 收获类：吸引力 2.00 &lt; 2.5，相对优势 4.00 ≥ 2.5" in row


def test_pending_customers_list_the_factors_still_missing(client_for, director, region_a, grid):
    body = client_for(director).get("/r/A/value-grid/").content.decode()
    row = re.search(r'<tr id="pending-C03">.*?</tr>', body, re.S).group(0)
    assert "制高点、关注程度" in row and "（2/13）" in row
    assert "无（基期内没有资费数据）" in row
    assert 'id="customer-C03"' not in body


def test_a_manager_sees_only_their_own_customers_on_the_grid(client_for, manager_a2, region_a, grid):
    body = client_for(manager_a2).get("/r/A/value-grid/").content.decode()
    assert 'id="customer-C02"' in body and "大客户" not in body and "C03" not in body
    assert [t["name"] for t in _chart(body)["data"]] == ["野兔"]


def test_a_region_without_customers_says_so(client_for, director, region_a):
    response = client_for(director).get("/r/A/value-grid/")
    assert response.status_code == 200 and "本区域还没有客户" in response.content.decode()


def test_without_assessed_customers_there_is_no_chart_but_a_reason(client_for, director, region_a, manager_a1):
    customer(region_a, manager_a1, "C09", "没评分", revenue="0")
    body = client_for(director).get("/r/A/value-grid/").content.decode()
    assert "value-grid-data" not in body
    assert "还没有完成评估的客户：为客户的 13 项因素打分后" in body


def test_customer_names_with_markup_are_text_in_the_page_the_chart_and_the_export(client_for, director, region_a,
                                                                                   manager_a1):
    customer(region_a, manager_a1, "X1", XSS_SCRIPT, revenue="500", **scores(3, 3))
    customer(region_a, manager_a1, "X2", XSS_IMG, revenue="400", **scores(1, 1))
    client = client_for(director)
    body = client.get("/r/A/value-grid/").content.decode()
    assert XSS_SCRIPT not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    names = {point[0] for t in _chart(body)["data"] for point in t["customdata"]}
    assert names == {"&lt;script&gt;alert(1)&lt;/script&gt;", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"}
    exported = {r[1] for r in _rows(client.get("/r/A/value-grid/?format=xlsx"))[1:]}
    assert exported == {XSS_SCRIPT, XSS_IMG}
    panel = client.get("/r/A/value-grid/X2/", headers=HTMX).content.decode()
    assert "<img src=x" not in panel and "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in panel


def test_the_tables_export_to_excel(client_for, director, region_a, grid):
    client = client_for(director)
    customers = _rows(client.get("/r/A/value-grid/?format=xlsx&table=customers"))
    assert customers[0] == ("客户编码", "客户名称", "客户经理", "贡献类别", "基期收入（元）", "吸引力", "相对优势",
                            "价值类别", "理由")
    assert customers[1][:8] == ("C01", "大客户", "manager_a1", "肥羊", 120000, 4, 3, "一级 巩固类")
    quadrants = _rows(client.get("/r/A/value-grid/?format=xlsx&table=quadrants"))
    assert quadrants[1][:2] == ("一级 巩固类", 1) and quadrants[1][2].startswith("4. 先于客户想到其需求")
    pending = _rows(client.get("/r/A/value-grid/?format=xlsx&table=pending"))
    assert pending[1][:4] == ("C03", "待评客户", "manager_a1", "制高点、关注程度")


# --- scoring in place ----------------------------------------------------------------------------------


def test_the_scoring_form_shows_the_scores_and_the_data_suggestions_with_reasons(client_for, director, region_a,
                                                                                 grid):
    big, small, draft = grid
    body = client_for(director).get("/r/A/value-grid/C02/").content.decode()
    assert 'name="high_ground"' in body and 'value="2.0"' in body
    suggestion = re.search(r'<li id="suggestion-continuous_purchase">.*?</li>', body, re.S).group(0)
    assert "建议 5.0 分：基期 12 个月中 12 个月有收入（12/12 × 5）" in suggestion
    assert "采纳建议（5 分）" in suggestion and "当前评分 2" in suggestion


def test_with_htmx_the_form_opens_as_a_panel_in_the_grid(client_for, director, region_a, grid):
    response = client_for(director).get("/r/A/value-grid/C03/", headers=HTMX)
    body = response.content.decode()
    assert "<html" not in body and "<h2>待评客户" in body and 'hx-target="#score-panel"' in body


def test_saving_scores_classifies_the_customer(client_for, manager_a1, region_a, grid):
    client = client_for(manager_a1)
    data = {f: "3" for f in ATTR + ADV} | {"high_ground": "4.5", "attention": "1"}
    response = client.post("/r/A/value-grid/C03/", data)
    assert response.status_code == 302 and response["Location"] == "/r/A/value-grid/C03/"
    draft = Customer.objects.get(code="C03")
    assert (draft.high_ground, draft.attention) == (Decimal("4.5"), Decimal("1"))
    body = client.get("/r/A/value-grid/").content.decode()
    assert 'id="customer-C03"' in body and 'id="pending-C03"' not in body


def test_with_htmx_saving_returns_the_panel_with_the_new_class(client_for, director, region_a, grid):
    data = {f: "1" for f in ATTR + ADV}
    body = client_for(director).post("/r/A/value-grid/C03/", data, headers=HTMX).content.decode()
    assert "已保存评分" in body and '<strong id="value-class">四级 兼顾类</strong>' in body


@pytest.mark.parametrize("value,message", [
    ("7", "制高点的评分 7 超出 0–5 的范围"),
    ("-1", "制高点的评分 -1 超出 0–5 的范围"),
    ("abc", "制高点的评分“abc”不是数字"),
    ("4.55", "制高点的评分 4.55 最多保留一位小数"),
])
def test_a_score_out_of_range_is_refused_naming_the_factor_and_writes_nothing(client_for, director, region_a, grid,
                                                                              value, message):
    before = _version(region_a)
    data = {f: "3" for f in ATTR + ADV} | {"high_ground": value}
    response = client_for(director).post("/r/A/value-grid/C03/", data)
    assert response.status_code == 400 and message in response.content.decode()
    draft = Customer.objects.get(code="C03")
    assert draft.high_ground is None and draft.attention is None and draft.referral == Decimal(3)
    assert _version(region_a) == before


def test_suggestions_are_never_applied_without_being_accepted(client_for, director, region_a, grid):
    client = client_for(director)
    client.get("/r/A/value-grid/")
    client.get("/r/A/value-grid/C02/")
    client.post("/r/A/value-grid/C02/", {f: "2" for f in ATTR} | {f: "4" for f in ADV})
    assert Customer.objects.get(code="C02").continuous_purchase == Decimal(2)


def test_accepting_a_suggestion_writes_the_suggested_score(client_for, manager_a2, region_a, grid):
    client = client_for(manager_a2)
    response = client.post("/r/A/value-grid/C02/accept/", {"factor": "continuous_purchase", "score": "5.0"})
    assert response.status_code == 302
    assert Customer.objects.get(code="C02").continuous_purchase == Decimal(5)
    body = client.get("/r/A/value-grid/C02/").content.decode()
    suggestion = re.search(r'<li id="suggestion-continuous_purchase">.*?</li>', body, re.S).group(0)
    assert "当前评分与建议一致" in suggestion and "采纳建议" not in suggestion


@pytest.mark.parametrize("data,message", [
    ({"factor": "continuous_purchase", "score": "4"}, "持续采购的建议已变为 5 分（页面上是 4），请重新确认"),
    ({"factor": "high_ground", "score": "4"}, "“high_ground”没有数据建议"),
])
def test_an_accept_that_does_not_match_the_suggestion_is_refused(client_for, director, region_a, grid, data,
                                                                 message):
    response = client_for(director).post("/r/A/value-grid/C02/accept/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert Customer.objects.get(code="C02").continuous_purchase == Decimal(2)


def test_a_customer_without_data_has_no_suggestion_to_accept(client_for, director, region_a, grid):
    response = client_for(director).post("/r/A/value-grid/C03/accept/", {"factor": "profit_contribution",
                                                                         "score": "3"}, headers=HTMX)
    assert "该客户基期内没有资费数据，利润贡献没有建议值" in response.content.decode()
    assert Customer.objects.get(code="C03").profit_contribution == Decimal(3)


# --- a factor score is one value ------------------------------------------------------------------------


def _score_form(client, code):
    return form_posting_to(client.get(f"/r/A/value-grid/{code}/").content.decode(), f"/r/A/value-grid/{code}/")


def _factors(code):
    c = Customer.objects.get(code=code)
    return {f: getattr(c, f) for f in ATTR + ADV}


def test_posting_one_factor_leaves_the_other_twelve_as_they_are(client_for, director, region_a, grid):
    before = _factors("C01")
    response = client_for(director).post("/r/A/value-grid/C01/", {"high_ground": "1.5"})
    assert response.status_code == 302
    assert _factors("C01") == before | {"high_ground": Decimal("1.5")}


def test_the_panel_posts_the_score_each_factor_showed(client_for, director, region_a, grid):
    form = _score_form(client_for(director), "C03")
    assert form.data["referral"] == ["3.0"] and form.data["initial-referral"] == ["3.0"]
    assert form.data["high_ground"] == [""] and form.data["initial-high_ground"] == [""]


def test_two_people_scoring_different_factors_from_panels_read_together_both_land(
        client_for, director, manager_a1, region_a, grid):
    theirs = _score_form(client_for(manager_a1), "C03")
    mine = _score_form(client_for(director), "C03")
    assert client_for(manager_a1).post("/r/A/value-grid/C03/", theirs.post(high_ground="4", referral="2"),
                                       headers=HTMX).status_code == 200
    # my panel still shows 转介绍 3 and no 制高点: saving my one factor leaves theirs alone
    body = client_for(director).post("/r/A/value-grid/C03/", mine.post(attention="1"), headers=HTMX).content.decode()
    assert "已保存评分" in body
    factors = _factors("C03")
    assert (factors["high_ground"], factors["referral"], factors["attention"]) == (Decimal(4), Decimal(2), Decimal(1))
    # the panel shows every factor as stored now, theirs included
    assert form_posting_to(body, "/r/A/value-grid/C03/").data["high_ground"] == ["4.0"]


def test_emptying_a_factor_clears_only_that_one(client_for, director, region_a, grid):
    client = client_for(director)
    before = _factors("C01")
    assert client.post("/r/A/value-grid/C01/", _score_form(client, "C01").post(credit="")).status_code == 302
    assert _factors("C01") == before | {"credit": None}


def test_a_panel_saved_unchanged_writes_nothing(client_for, director, region_a, grid):
    client = client_for(director)
    body = client.post("/r/A/value-grid/C01/", _score_form(client, "C01").post(), headers=HTMX).content.decode()
    assert "评分没有改动" in body and _version(region_a) == 0


def test_scores_and_accepted_suggestions_never_move_the_needs_version(client_for, director, region_a, grid):
    client = client_for(director)
    client.post("/r/A/value-grid/C02/", {"high_ground": "1"})
    client.post("/r/A/value-grid/C02/accept/", {"factor": "continuous_purchase", "score": "5.0"})
    small = Customer.objects.get(code="C02")
    assert (small.high_ground, small.continuous_purchase, small.needs_version) == (Decimal(1), Decimal(5), 0)
    assert small.referral == Decimal(2)  # the accept set its one factor only


# --- who may score ----------------------------------------------------------------------------------


def test_an_executive_reads_the_scores_but_cannot_change_them(client_for, executive, region_a, grid):
    client = client_for(executive)
    body = client.get("/r/A/value-grid/C02/").content.decode()
    assert re.search(r'<input[^>]*name="high_ground"[^>]*disabled', body)
    assert "保存评分" not in body and "采纳建议" not in body and "只读" in body
    assert client.post("/r/A/value-grid/C02/", {f: "5" for f in ATTR + ADV}).status_code == 404
    assert client.post("/r/A/value-grid/C02/accept/", {"factor": "continuous_purchase",
                                                       "score": "5.0"}).status_code == 404
    assert Customer.objects.get(code="C02").high_ground == Decimal(2)


def test_a_manager_cannot_score_a_colleagues_customer(client_for, manager_a1, region_a, grid):
    client = client_for(manager_a1)
    assert client.get("/r/A/value-grid/C02/").status_code == 404
    assert client.post("/r/A/value-grid/C02/", {f: "5" for f in ATTR + ADV}).status_code == 404
    assert Customer.objects.get(code="C02").high_ground == Decimal(2)


def test_another_regions_director_does_not_see_the_customer(client_for, director_b, region_a, grid):
    assert client_for(director_b).get("/r/A/value-grid/C01/").status_code == 404


# --- services ----------------------------------------------------------------------------------


def test_customer_scores_save_checks_every_value_before_writing_any(region_a, grid):
    big, small, draft = grid
    before = _version(region_a)
    with pytest.raises(ValidationError) as error:
        services.customer_scores_save(customer=draft, scores={"high_ground": Decimal("4"), "attention": "9"})
    assert error.value.message_dict == {"attention": ["关注程度的评分 9 超出 0–5 的范围"]}
    draft.refresh_from_db()
    assert draft.high_ground is None and _version(region_a) == before


def test_customer_scores_save_refuses_an_unknown_factor(region_a, grid):
    with pytest.raises(ValidationError, match="未知的评分因素：charm"):
        services.customer_scores_save(customer=grid[2], scores={"charm": 5, "high_ground": 4})
    assert Customer.objects.get(code="C03").high_ground is None


def test_customer_scores_save_clears_a_score_and_marks_the_region_changed(region_a, grid):
    big = grid[0]
    before = _version(region_a)
    services.customer_scores_save(customer=big, scores={"attention": None})
    assert Customer.objects.get(code="C01").attention is None and _version(region_a) == before + 1


def test_customer_suggestion_accept_writes_only_the_score_the_user_saw(region_a, grid):
    small = grid[1]
    suggestions = {"profit_contribution": Verdict(Decimal("0"), "建议 0 分")}
    with pytest.raises(ValidationError, match="利润贡献的建议已变为 0 分"):
        services.customer_suggestion_accept(customer=small, factor="profit_contribution", score="1",
                                            suggestions=suggestions)
    assert Customer.objects.get(code="C02").profit_contribution == Decimal(2)
    services.customer_suggestion_accept(customer=small, factor="profit_contribution", score="0.0",
                                        suggestions=suggestions)
    assert Customer.objects.get(code="C02").profit_contribution == Decimal(0)


# --- query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("n_customers", [3, 60])
def test_the_grid_query_count_does_not_grow_with_the_customers(client_for, director, manager_a1, region_a,
                                                               django_assert_num_queries, n_customers):
    """Read from the stored results: no customer is judged for the page."""
    for i in range(n_customers):
        customer(region_a, manager_a1, f"C{i:03d}", f"客户{i}", revenue=str(100 + i),
                 **(scores(i % 5, (i * 2) % 5) if i % 3 else {}))
    for code in ("BIG1", "BIG2"):  # 兼顾类 肥羊: two misfits, one of them accepted
        customer(region_a, manager_a1, code, code, revenue="100000", **scores(1, 1))
    client = client_for(director)
    client.get("/r/A/value-grid/")  # the first visit stores the customers' results
    client.post("/r/A/value-grid/BIG1/fit/accept/", {"value_class": "maintain", "contribution_class": "fat_sheep"})
    # session, user, region + settings; the cross-table's GROUP BY, the market-action catalogue;
    # a page of assessed customers, a page of pending ones, the chart's points; the accepted
    # misfits' count and their page, a page of open misfits; nav regions — whatever the size
    with django_assert_num_queries(12):
        response = client.get("/r/A/value-grid/")
    body = response.content.decode()
    assert body.count('<tr id="customer-') == n_customers - len(range(0, n_customers, 3)) + 2
    assert '<tr id="accepted-BIG1">' in body and '<tr id="misfit-BIG2">' in body


@pytest.mark.parametrize("n_customers", [3, 60])
def test_the_scoring_form_query_count_does_not_grow_with_the_region(client_for, director, manager_a1, region_a,
                                                                    django_assert_num_queries, n_customers):
    for i in range(n_customers):
        customer(region_a, manager_a1, f"C{i:03d}", f"客户{i}", revenue="100")
    client = client_for(director)
    client.get("/r/A/value-grid/C000/")  # the first visit stores the customers' results
    # session, user, region + settings, the customer, its stored result (+ owner), nav regions
    with django_assert_num_queries(6):
        assert client.get("/r/A/value-grid/C001/").status_code == 200

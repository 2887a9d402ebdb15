"""客户贡献分析 (/r/<region>/contribution/) and the customer page (/r/<region>/customers/<code>/)."""

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from customers.models import FACTORS, Contact, Contribution, Customer
from pipeline.analysis import needs_check_of
from pipeline.models import Project
from pipeline.selectors import needs_unknown
from tests import factories
from tsm.lib.periods import add_months, base_period

EVIL = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'


def _monthly(region, customer, product, revenue, cost, months=range(12), start=None):
    start = start or base_period(timezone.localdate()).start
    Contribution.objects.bulk_create(
        Contribution(region=region, customer=customer, product=product, month=add_months(start, m),
                     revenue=Decimal(revenue), cost=Decimal(cost))
        for m in months
    )


@pytest.fixture
def book(region_a, manager_a1, manager_a2):
    """Six customers, one of each class, plus one whose data is all before the base period.

    Base-period revenue: BIG 120,000, EVIL 72,000, HARE 6,000, HOUND 1,800, RAT 1,200 (total 201,000).
    BIG + and EVIL (120,000 above it < 80 %) have scale +; BIG is all +, EVIL has a — cell."""
    p0, p1 = factories.products(2)
    today = timezone.localdate()

    def customer(code, name, owner, **scores):
        return Customer.objects.create(region=region_a, code=code, name=name, owner=owner, **scores)

    big = customer("BIG", "大客户", manager_a1, **{f: Decimal("4") for f, _ in FACTORS})
    evil = customer("EVIL", EVIL, manager_a1)
    rat = customer("RAT", "亏损客户", manager_a1)
    hare = customer("HARE", "小客户", manager_a2)
    hound = customer("HOUND", "成长客户", manager_a2)
    old = customer("OLD", "老客户", manager_a2)
    _monthly(region_a, big, p0, "10000.00", "4000.00")
    _monthly(region_a, evil, p0, "5000.00", "1000.00")
    _monthly(region_a, evil, p1, "1000.00", "2000.00")
    _monthly(region_a, rat, p0, "100.00", "300.00")
    _monthly(region_a, hare, p1, "500.00", "100.00")
    _monthly(region_a, hound, p1, "100.00", "10.00", months=range(6))
    _monthly(region_a, hound, p1, "200.00", "10.00", months=range(6, 12))
    _monthly(region_a, old, p0, "900.00", "100.00", months=range(3),
             start=add_months(base_period(today).start, -13))
    Contact.objects.bulk_create([
        Contact(customer=big, name="王总", roles=["initiator", "decider"], attitude="support", last_met=today),
        Contact(customer=big, name="李工", roles=["searcher", "user", "evaluator"], last_met=today),
    ])

    def project(code, customer, owner):
        Project.objects.create(region=region_a, code=code, name=code, customer=customer, product=p0, owner=owner,
                               amount=Decimal("10000"), expected_close=today + dt.timedelta(days=30))

    project("X1", big, manager_a1)
    project("X2", big, manager_a1)
    project("X3", rat, manager_a1)
    project("X4", hare, manager_a2)
    project("X5", hound, manager_a2)
    project("X6", hare, manager_a2)
    return {"products": (p0, p1), "customers": {c.code: c for c in (big, evil, rat, hare, hound, old)}}


def _chart(body):
    raw = re.search(r'<script id="contribution-heatmap-data" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(raw.group(1))["data"][0]


def _row(body, code):
    return re.search(rf'<tr id="customer-{code}">.*?</tr>', body, re.S).group(0)


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


# --- the page --------------------------------------------------------------------------------------------


def test_the_summary_gives_each_class_its_count_revenue_profit_and_share(client_for, director, book):
    body = client_for(director).get("/r/A/contribution/").content.decode()
    fat_sheep = re.search(r'<tr id="summary-fat_sheep">.*?</tr>', body, re.S).group(0)
    # 120,000 of 201,000 = 59.7 %
    assert "<td class=\"num\">1</td>" in fat_sheep and "120,000.00" in fat_sheep and "72,000.00" in fat_sheep
    assert "59.7 %" in fat_sheep
    reindeer = re.search(r'<tr id="summary-reindeer">.*?</tr>', body, re.S).group(0)
    assert "72,000.00" in reindeer and "36,000.00" in reindeer  # EVIL: 72,000 revenue, 36,000 profit
    rat = re.search(r'<tr id="summary-rat">.*?</tr>', body, re.S).group(0)
    assert "-2,400.00" in rat and "0.6 %" in rat
    unclassified = re.search(r'<tr id="summary-unclassified">.*?</tr>', body, re.S).group(0)
    assert "<td class=\"num\">1</td>" in unclassified  # OLD: data only before the base period
    assert 'id="fig-customers">6<' in body and 'id="fig-revenue">201,000.00<' in body


def test_the_heatmap_marks_each_non_empty_cell_plus_or_minus_and_leaves_empty_cells_blank(
        client_for, director, book):
    body = client_for(director).get("/r/A/contribution/").content.decode()
    chart = _chart(body)
    assert chart["type"] == "heatmap" and chart["x"] == ["产品0", "产品1"]
    # largest revenue first: BIG, EVIL, HARE, HOUND, RAT, OLD
    assert [y.rsplit("（", 1)[1] for y in chart["y"]] == ["BIG）", "EVIL）", "HARE）", "HOUND）", "RAT）", "OLD）"]
    assert chart["text"] == [["+", ""], ["+", "—"], ["", "+"], ["", "+"], ["—", ""], ["", ""]]
    assert chart["z"] == [[1, None], [1, -1], [None, 1], [None, 1], [-1, None], [None, None]]
    assert chart["hovertext"][0][0] == "大客户<br>产品0<br>收入 120,000.00 元<br>利润 72,000.00 元"
    # the same matrix as a table
    evil = _row(body, "EVIL")
    assert "cell plus" in evil and "cell minus" in evil and "-12,000.00" in evil


def test_customer_names_are_text_in_the_page_the_chart_json_and_the_hover(client_for, director, book):
    body = client_for(director).get("/r/A/contribution/").content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    chart = _chart(body)
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
    assert chart["y"][1] == f"{escaped}（EVIL）"
    assert chart["hovertext"][1][1].startswith(f"{escaped}<br>产品1<br>")


def test_the_contribution_page_loads_the_checks_panel_with_a_link_without_javascript(client_for, director, book):
    body = client_for(director).get("/r/A/contribution/").content.decode()
    panel = re.search(r'<section class="card" id="checks"[^>]*>.*?</section>', body, re.S).group(0)
    assert 'hx-get="/r/A/checks/"' in panel and '<a href="/r/A/checks/">' in panel


def test_the_checks_panel_is_a_fragment_for_htmx(client_for, director, book):
    body = client_for(director).get("/r/A/checks/", headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<section class="card" id="checks">') and "<html" not in body


def test_the_directors_checks_warn_with_their_numbers(client_for, director, book):
    body = client_for(director).get("/r/A/checks/").content.decode()
    focus = re.search(r'<div class="check (\w+)" id="check-focus">(.*?)</div>', body, re.S)
    assert focus.group(1) == "warning"
    assert "2 位客户经理中 1 位在野兔、硕鼠上的项目超过 40%" in focus.group(2)
    assert "3 个进行中项目中 2 个在野兔、硕鼠上，占 66.66% &gt; 40%" in focus.group(2)  # manager_a2
    assert "3 个进行中项目中 1 个在野兔、硕鼠上，占 33.33% ≤ 40%" in focus.group(2)  # manager_a1
    coverage = re.search(r'<div class="check (\w+)" id="check-coverage">(.*?)</div>', body, re.S)
    # BIG's two projects see all five roles through its contacts; the other four see none
    assert coverage.group(1) == "warning" and "6 个进行中项目中 4 个角色覆盖不足 5 个，占 66.66%" in coverage.group(2)
    scores = re.search(r'<div class="check (\w+)" id="check-scores">(.*?)</div>', body, re.S)
    assert scores.group(1) == "warning" and "6 个客户中 5 个缺少价值评估评分" in scores.group(2)


ALL_THREE = {"decider_needs": "总经理要求稳定", "company_needs": "分支机构组网", "industry_needs": "物流数字化"}


def _needs_check(body):
    return re.search(r'<div class="check (\w+)" id="check-needs">(.*?)</div>', body, re.S)


def test_the_needs_check_names_customers_with_an_open_project_whose_three_needs_are_not_all_written(
        client_for, director, manager_a2, book):
    Customer.objects.filter(code="BIG").update(**ALL_THREE)  # all three: not named
    Customer.objects.filter(code="RAT").update(**ALL_THREE | {"industry_needs": ""})  # two of three: named
    Customer.objects.filter(code="HARE").update(**ALL_THREE | {"company_needs": " \n "})  # blanks are not written
    Customer.objects.filter(code="EVIL").update(procurement_procedure="招标")  # nothing written, but no open project
    Project.objects.create(region=book["customers"]["EVIL"].region, code="W1", name="W1", product=book["products"][0],
                           customer=book["customers"]["EVIL"], owner=book["customers"]["EVIL"].owner,
                           amount=Decimal("1"), expected_close=timezone.localdate(), status="won")
    check = _needs_check(client_for(director).get("/r/A/checks/").content.decode())
    assert check.group(1) == "warning"
    body = check.group(2)
    assert "是否清晰了解决策人、公司和产业的需求" in body
    assert "4 个有进行中项目的客户中 3 个未写全决策人、公司和产业的需求，占 75.00%" in body
    rows = re.findall(r'<tr><td><a href="([^"]+)">(.*?)</a>.*?</td><td>(.*?)</td><td>(.*?)</td></tr>', body, re.S)
    # largest base-period revenue first: HARE 6,000, HOUND 1,800, RAT 1,200
    assert rows == [
        ("/r/A/decision/HARE/#needs", "小客户", "manager_a2", "2 个进行中项目，未写明公司的需求"),
        ("/r/A/decision/HOUND/#needs", "成长客户", "manager_a2", "1 个进行中项目，未写明决策人的需求、公司的需求、产业的需求"),
        ("/r/A/decision/RAT/#needs", "亏损客户", "manager_a1", "1 个进行中项目，未写明产业的需求"),
    ]
    assert "大客户" not in body and "EVIL" not in body
    # a manager's check counts their own customers only
    theirs = _needs_check(client_for(manager_a2).get("/r/A/checks/").content.decode()).group(2)
    assert "2 个有进行中项目的客户中 2 个未写全" in theirs and "亏损客户" not in theirs


def test_the_needs_check_is_fine_when_every_customer_with_an_open_project_has_its_three_needs(
        client_for, director, book):
    Customer.objects.filter(code__in=["BIG", "RAT", "HARE", "HOUND"]).update(**ALL_THREE)
    check = _needs_check(client_for(director).get("/r/A/checks/").content.decode())
    assert check.group(1) == "fine" and "<table" not in check.group(2)
    assert "4 个有进行中项目的客户，决策人、公司和产业的需求均已写明" in check.group(2)


def test_the_needs_check_without_open_projects_names_nobody(client_for, director, region_a):
    check = _needs_check(client_for(director).get("/r/A/checks/").content.decode())
    assert check.group(1) == "fine" and "没有有进行中项目的客户" in check.group(2)


def test_a_large_region_names_its_largest_customers_and_counts_them_all(director, region_a, book):
    total, unknown, named = needs_unknown(region_a, director, limit=2)
    assert (total, unknown, [r["code"] for r in named]) == (4, 4, ["BIG", "HARE"])
    check = needs_check_of(total, unknown, named, {})
    assert check.reason == ("4 个有进行中项目的客户中 4 个未写全决策人、公司和产业的需求，占 100.00%；"
                            "下列其中基期收入最大的 2 个")
    assert [(c.code, c.verdict.value) for c in check.rows] == [("BIG", True), ("HARE", True)]


def test_filters_narrow_the_matrix_but_not_the_region_summary(client_for, director, manager_a2, book):
    client = client_for(director)
    body = client.get(f"/r/A/contribution/?manager={manager_a2.pk}").content.decode()
    assert "共 3 个客户" in body and 'id="customer-BIG"' not in body
    assert 'id="fig-customers">6<' in body
    body = client.get("/r/A/contribution/?contribution_class=hound").content.decode()
    assert "共 1 个客户" in body and 'id="customer-HOUND"' in body
    p1 = book["products"][1]
    body = client.get(f"/r/A/contribution/?product={p1.pk}").content.decode()
    assert "共 3 个客户" in body  # EVIL, HARE, HOUND buy 产品1
    assert _chart(body)["x"] == ["产品1"]


@pytest.mark.parametrize("query,field", [("contribution_class=nonsense", "贡献类别"), ("product=abc", "产品"),
                                         ("manager=99999", "客户经理"), ("per_page=7", "每页"), ("page=0", "页码"),
                                         ("format=pdf", "格式"), ("table=nope", "表格")])
def test_a_bad_filter_value_is_refused_naming_the_field(client_for, director, book, query, field):
    response = client_for(director).get(f"/r/A/contribution/?{query}")
    assert response.status_code == 400 and f"<li>{field}：" in response.content.decode()


def test_with_htmx_a_filter_returns_only_the_matrix_fragment(client_for, director, book):
    response = client_for(director).get("/r/A/contribution/?contribution_class=rat", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="matrix">') and "<html" not in body
    assert 'id="customer-RAT"' in body and "contribution-heatmap-data" in body


def test_the_matrix_is_paged_largest_customers_first(client_for, director, manager_a1, region_a):
    factories.seed(region_a, manager_a1, 45, factories.products(2), projects_per_customer=0)
    client = client_for(director)
    body = client.get("/r/A/contribution/?per_page=20&page=3").content.decode()
    assert "第 3 / 3 页" in body and len(_chart(body)["y"]) == 5
    assert len(re.findall(r'<tr id="customer-', body)) == 5


def test_a_manager_sees_only_their_own_customers(client_for, manager_a2, book):
    body = client_for(manager_a2).get("/r/A/contribution/").content.decode()
    assert 'id="fig-customers">3<' in body and "大客户" not in body
    checks = client_for(manager_a2).get("/r/A/checks/").content.decode()
    assert "3 个进行中项目中 2 个在野兔、硕鼠上" in checks  # their own projects only
    assert "3 个进行中项目中 1 个在野兔、硕鼠上" not in checks  # not manager_a1's


def test_a_region_without_data_shows_empty_states(client_for, director, region_a):
    response = client_for(director).get("/r/A/contribution/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "本区域还没有客户" in body and "没有符合条件的客户" in body
    assert 'id="fig-customers">0<' in body
    assert "没有进行中的项目" in client_for(director).get("/r/A/checks/").content.decode()


def test_the_matrix_exports_every_filtered_cell_with_names_as_plain_text(client_for, director, book):
    rows = _sheet(client_for(director).get("/r/A/contribution/?format=xlsx&per_page=20"))
    assert rows[0] == ("客户编码", "客户名称", "客户经理", "贡献类别", "产品", "收入（元）", "成本（元）", "利润（元）",
                       "组合评价")
    assert len(rows) == 1 + 6  # non-empty cells: BIG 1, EVIL 2, HARE 1, HOUND 1, RAT 1; none for OLD
    evil = [r for r in rows if r[0] == "EVIL"]
    assert evil[1] == ("EVIL", EVIL, "manager_a1", "驯鹿", "产品1", 12000, 24000, -12000, "亏损 —")


def test_the_summaries_and_checks_export_to_excel(client_for, director, book):
    client = client_for(director)
    summary = _sheet(client.get("/r/A/contribution/?format=xlsx&table=summary"))
    assert summary[1][:5] == ("肥羊", 1, 120000, 72000, 0.597)
    by_manager = _sheet(client.get("/r/A/contribution/?format=xlsx&table=by_manager"))
    assert ("manager_a2", "野兔", 1, 6000, 4800) in [r[:5] for r in by_manager]
    by_product = _sheet(client.get("/r/A/contribution/?format=xlsx&table=by_product"))
    assert ("产品1", "驯鹿", 1, 12000, -12000) in [r[:5] for r in by_product]
    checks = _sheet(client.get("/r/A/checks/?format=xlsx"))
    assert [r[0] for r in checks[1:]] == ["是否过度关注“野兔、硕鼠”类客户", "是否清晰决策流程中的五个关键角色",
                                          "是否清晰了解决策人、公司和产业的需求", "是否对区域内各类型客户“心中有数、一目了然”"]
    assert [r[1] for r in checks[1:]] == ["是", "是", "是", "是"]
    assert checks[3][2] == "4 个有进行中项目的客户中 4 个未写全决策人、公司和产业的需求，占 100.00%"


# --- the customer page ---------------------------------------------------------------------------------------


def test_the_customer_page_explains_signals_class_cells_value_and_publicity(client_for, director, book):
    body = client_for(director).get("/r/A/customers/EVIL/").content.decode()
    assert "驯鹿：规模 +，组合可盈利" in body and "盯紧驯鹿：密切关注" in body
    assert "规模 +：收入更高的客户合计 120,000.00，占区域总收入 201,000.00 的 59.70% &lt; 80%" in body
    assert "可盈利：2 个产品中 1 个为 —，总利润 36,000.00 ≥ 0" in body
    assert "成长 —" in body
    cells = re.search(r'<table class="data" id="cells">.*?</table>', body, re.S).group(0)
    assert "12,000.00" in cells and "24,000.00" in cells and "-12,000.00" in cells
    assert "待评估：缺少 利润贡献" in body and "大片空白" in body
    assert "<script>alert" not in body


def test_the_customer_page_lists_contacts_by_role_and_open_projects_with_coverage(client_for, director, book):
    body = client_for(director).get("/r/A/customers/BIG/").content.decode()
    assert "一级 巩固类" in body and "王总" in body and "李工" in body and "广泛宣传" in body
    assert 'hx-get="/r/A/customers/BIG/projects/"' in body  # the pipeline floor's panel
    projects = client_for(director).get("/r/A/customers/BIG/projects/").content.decode()
    assert "角色覆盖 5/5：五个关键角色齐全" in projects
    assert projects.count("<strong>X1</strong>") == 1 and "<strong>X3</strong>" not in projects


def test_a_customer_with_data_only_before_the_base_period_is_unclassified(client_for, director, book):
    response = client_for(director).get("/r/A/customers/OLD/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "未分类：基期内无资费数据" in body and "基期内没有资费数据。" in body
    assert 'id="cells"' not in body


def test_a_manager_cannot_open_a_colleagues_customer(client_for, manager_a2, executive, book):
    assert client_for(manager_a2).get("/r/A/customers/BIG/").status_code == 404
    assert client_for(manager_a2).get("/r/A/customers/HARE/").status_code == 200
    assert client_for(executive).get("/r/A/customers/BIG/").status_code == 200
    assert client_for(executive).get("/r/A/customers/NOPE/").status_code == 404


# --- query counts ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_customers", [3, 80])
def test_the_contribution_page_query_count_is_constant(
        client_for, director, manager_a1, region_a, django_assert_num_queries, n_customers):
    factories.seed(region_a, manager_a1, n_customers, factories.products(3))
    client = client_for(director)
    client.get("/r/A/contribution/")  # the first visit stores the customers' results
    # session, user, region + settings, managers, products; the stored results: count, the
    # page's rows, their cells, by owner, owners' names; nav regions — whatever the region's
    # size (the totals, class sums, by product and products used: the region's sums, cached
    # under the judgement they come from — customers.selectors.region_sums)
    with django_assert_num_queries(11):
        assert client.get("/r/A/contribution/?per_page=20&page=2").status_code == 200
    # a manager's own sums are read each time: totals, class sums, by product, products used
    own = client_for(manager_a1)
    own.get("/r/A/contribution/")
    with django_assert_num_queries(15):
        assert own.get("/r/A/contribution/?per_page=20&page=2").status_code == 200


def test_the_region_sums_stay_until_the_whole_region_is_judged_again(client_for, director, manager_a1, region_a,
                                                                      django_assert_num_queries):
    from customers import selectors as sel
    from pipeline.models import Project
    from teams.models import Region, RegionSettings
    from teams.services import region_settings_save

    factories.seed(region_a, manager_a1, 12, factories.products(3))
    client = client_for(director)
    client.get("/r/A/contribution/")
    region_a.refresh_from_db()
    first = sel.region_sums(region_a)
    assert first == sel.sums_of(sel.standings(region_a)) | {"products_used": sel.products_used(sel.standings(region_a))}
    # a tick moves the data version, not the judgement the sums come from: kept, no query
    project = Project.objects.filter(region=region_a).first()
    Project.objects.filter(pk=project.pk).update(evidence=[])
    tick = client.post(f"/r/A/projects/{project.code}/evidence/", {"code": "E1", "ticked": "true"},
                       headers={"HX-Request": "true"})
    assert tick.status_code == 200, tick.content[:300]
    region = Region.objects.select_related("settings").get(pk=region_a.pk)
    assert region.data_version > region_a.data_version
    with django_assert_num_queries(0):
        assert sel.region_sums(region) == first
    # a threshold: the whole region judged again at the next visit, and the sums with it
    settings = RegionSettings.objects.get(region=region_a)
    region_settings_save(region=region_a, version=settings.version, values={"scale_share": "0"})  # nobody is 规模+ now
    body = client.get("/r/A/contribution/").content.decode()
    region_a.refresh_from_db()
    fresh = sel.sums_of(sel.standings(region_a))
    assert sel.region_sums(region_a)["class_sums"] == fresh["class_sums"] != first["class_sums"]
    assert fresh["totals"]["customers"] == 12 and "客户贡献分析" in body


@pytest.mark.parametrize("n_customers", [3, 80])
def test_the_contribution_page_query_count_is_constant_when_computed_afresh(
        client_for, director, manager_a1, region_a, django_assert_num_queries, n_customers):
    factories.seed(region_a, manager_a1, n_customers, factories.products(3))
    client = client_for(director)
    # the 15 of a visit (above, the region's sums read) and 14 to judge and store the customers: the claim; the region
    # read; customers, the contributions' one scan (cells and buckets), contacts, products; the
    # upsert, the gone customers' rows, the cells replaced (delete, insert); the region marked and
    # read back — whatever the size
    with django_assert_num_queries(29):
        assert client.get("/r/A/contribution/").status_code == 200


@pytest.mark.parametrize("n_customers", [3, 80])
def test_the_customer_page_query_count_is_constant(
        client_for, director, manager_a1, region_a, django_assert_num_queries, n_customers):
    customers = factories.seed(region_a, manager_a1, n_customers, factories.products(3))
    Contact.objects.bulk_create(Contact(customer=customers[0], name=f"联系人{i}", roles=["user"]) for i in range(5))
    client = client_for(director)
    url = f"/r/A/customers/{customers[0].code}/"
    client.get(url)
    # session, user, region + settings, customer + owner, its stored result + owner, its stored
    # cells, product names, its contacts, nav regions
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200

"""Whom the strategy aims at (DOMAIN §4.5, §4.6): the value classes beside
the positioning, the follower's and nicher's options, the customers a stance
and a special action name, and the customer page's panel of the actions
aimed at it."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from customers.models import (
    ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS, Competitor, Contribution, Customer, CustomerStanding, Product,
)
from planning.models import CompetitivePosition, CompetitorStance, SpecialAction, StrategyOption
from teams.models import Region
from tests.html_forms import form_posting_to
from tsm.lib.periods import add_months, base_period

HTMX = {"HX-Request": "true"}
DATA, VOICE = "数据业务", "语音业务"
# (attractiveness, advantage) scores of all nine and all four factors -> the value class
CLASS_SCORES = {"consolidate": (4, 4), "invest": (4, 1), "harvest": (1, 4), "maintain": (1, 1)}


def _version(region):
    return Region.objects.get(pk=region.pk).data_version


def _rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def _customer(region, code, owner, revenue: dict, value_class=None, name=None):
    """A customer with `revenue` per product in each of the 12 base-period months, scored into `value_class`
    (None: not scored, 待评估)."""
    scores = {}
    if value_class:
        a, b = CLASS_SCORES[value_class]
        scores = {f: Decimal(a) for f, _ in ATTRACTIVENESS_FACTORS} | {f: Decimal(b) for f, _ in ADVANTAGE_FACTORS}
    customer = Customer.objects.create(region=region, code=code, name=name or f"客户{code}", owner=owner, **scores)
    start = base_period(timezone.localdate()).start
    Contribution.objects.bulk_create(
        Contribution(region=region, customer=customer, product=product, month=add_months(start, m),
                     revenue=amount, cost=Decimal("0"))
        for product, amount in revenue.items() for m in range(12))
    return customer


@pytest.fixture
def products(db):
    return (Product.objects.create(code="D1", name="专线", series=DATA),
            Product.objects.create(code="D2", name="宽带", series=DATA),
            Product.objects.create(code="V1", name="固话", series=VOICE))


@pytest.fixture
def book(region_a, manager_a1, manager_a2, products):
    """Region A: two 巩固类 customers (one buys both series), an 投入类 and a 待评估 one (manager_a2's)."""
    line, broadband, voice = products
    return {
        "c1": _customer(region_a, "C1", manager_a1, {line: Decimal("100"), voice: Decimal("10")}, "consolidate"),
        "c2": _customer(region_a, "C2", manager_a1, {line: Decimal("50"), broadband: Decimal("5")}, "consolidate"),
        "c3": _customer(region_a, "C3", manager_a1, {voice: Decimal("20")}, "invest"),
        "c4": _customer(region_a, "C4", manager_a2, {broadband: Decimal("1")}, None),
    }


def _card(body, series):
    return re.search(rf'<article class="card series" id="series-\d+">\s*<h3>{series}</h3>.*?</article>',
                     body, re.S).group(0)


def _counts(html) -> dict:
    """{label: (customers, revenue)} of the first value-class table in `html`."""
    table = re.search(r'<table class="data compact value-classes">.*?</table>', html, re.S).group(0)
    return {label: (int(n), money) for label, n, money in re.findall(
        r'<th scope="row">([^<]+)</th><td class="num">([\d,]+)</td><td class="num">([^<]+)</td>', table)}


# --- 明确定位目标: the value classes beside the positioning ---------------------------------------------------


def test_each_series_shows_its_customers_and_their_revenue_per_value_class(client_for, director, region_a, book):
    body = client_for(director).get("/r/A/strategy/").content.decode()
    # revenue is 12 months of the monthly amounts, of the series' products only
    assert _counts(_card(body, DATA)) == {"一级 巩固类": (2, "1,860.00"), "二级 投入类": (0, "0.00"),
                                          "三级 收获类": (0, "0.00"), "四级 兼顾类": (0, "0.00"),
                                          "待评估": (1, "12.00")}
    assert _counts(_card(body, VOICE)) == {"一级 巩固类": (1, "120.00"), "二级 投入类": (1, "240.00"),
                                           "三级 收获类": (0, "0.00"), "四级 兼顾类": (0, "0.00"),
                                           "待评估": (0, "0.00")}
    # and the whole region's, each customer once with all its revenue
    assert _counts(re.search(r'<div class="card targets".*?</div>', body, re.S).group(0)) == {
        "一级 巩固类": (2, "1,980.00"), "二级 投入类": (1, "240.00"), "三级 收获类": (0, "0.00"),
        "四级 兼顾类": (0, "0.00"), "待评估": (1, "12.00")}
    assert "全区域" in body


def test_a_manager_counts_only_their_own_customers(client_for, manager_a2, region_a, book):
    body = client_for(manager_a2).get("/r/A/strategy/").content.decode()
    assert _counts(_card(body, DATA))["待评估"] == (1, "12.00")
    assert _counts(_card(body, DATA))["一级 巩固类"] == (0, "0.00")
    assert "您负责的客户" in body


def test_a_score_moves_the_customer_into_its_class_on_the_next_look(client_for, director, region_a, book):
    client = client_for(director)
    client.get("/r/A/strategy/")
    response = client.post("/r/A/value-grid/C4/", {
        **{f: "1" for f, _ in ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS},
        **{f"initial-{f}": "" for f, _ in ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS}})
    assert response.status_code == 302
    counts = _counts(_card(client.get("/r/A/strategy/").content.decode(), DATA))
    assert counts["四级 兼顾类"] == (1, "12.00") and counts["待评估"] == (0, "0.00")


def test_the_value_classes_are_exported_whole_region_first(client_for, director, region_a, book):
    rows = _rows(client_for(director).get("/r/A/strategy/?format=xlsx&table=targets"))
    assert rows[0] == ("产品系列", "客户群价值类别", "客户数", "收入（元）")
    assert rows[1] == ("全部", "一级 巩固类", 2, 1980)
    assert (DATA, "待评估", 1, 12) in rows and (VOICE, "二级 投入类", 1, 240) in rows


# --- follower and nicher options ------------------------------------------------------------------------


@pytest.fixture
def series(region_a, products):
    """数据业务 at a 30 % share against a 50 % competitor, capability unknown: a follower."""
    Competitor.objects.create(region=region_a, name="对手甲", product_series=DATA, rank=1, market_share=Decimal("0.5"))
    return CompetitivePosition.objects.create(region=region_a, product_series=DATA, our_share=Decimal("0.3"))


def _option(name, position):
    return StrategyOption.objects.get(name=name, position=position)


def _position_form(client):
    return form_posting_to(client.get("/r/A/strategy/").content.decode(), "/r/A/strategy/position/",
                           having={"product_series": DATA})


def test_a_follower_follows_any_of_the_leaders_market_moves(client_for, director, region_a, series):
    client = client_for(director)
    body = _card(client.get("/r/A/strategy/").content.decode(), DATA)
    assert '<strong class="effective">追随者</strong>' in body
    assert "追随者（当前）：跟随领导者的市场动作，可多选" in body and "扬长避短" not in body
    picked = [_option("展会", "follower"), _option("促销", "follower")]
    form = _position_form(client)
    assert client.post("/r/A/strategy/position/", form.post(strategies=[str(o.pk) for o in picked])).status_code == 302
    assert set(CompetitivePosition.objects.get().strategies.all()) == set(picked)


def test_a_nicher_picks_one_way_of_specialising_and_names_its_segment(client_for, director, region_a, series):
    client = client_for(director)
    way = _option("渠道", "nicher")
    form = _position_form(client)
    assert form.data["niche"] == [""]  # 暂不选择
    response = client.post("/r/A/strategy/position/", form.post(
        position="nicher", niche=str(way.pk), niche_segment="代理商渠道"))
    assert response.status_code == 302
    record = CompetitivePosition.objects.get()
    assert (list(record.strategies.all()), record.niche_segment, record.position_version) == ([way], "代理商渠道", 1)
    card = _card(client.get("/r/A/strategy/").content.decode(), DATA)
    assert re.search(rf'name="niche" value="{way.pk}" checked', card) and 'value="代理商渠道"' in card
    rows = _rows(client.get("/r/A/strategy/?format=xlsx&table=positions"))
    assert rows[0][-1] == "专攻的细分市场" and rows[1][-1] == "代理商渠道" and rows[1][8] == "渠道"


@pytest.mark.parametrize("changes,message", [
    ({"niche": "客户", "niche_segment": ""}, "数据业务：专攻者按客户专攻，请写明专攻的细分市场（哪一类客户）"),
    ({"niche": "客户", "niche_segment": "   "}, "数据业务：专攻者按客户专攻，请写明专攻的细分市场（哪一类客户）"),
    ({"niche": "客户", "strategies": "新品", "niche_segment": "金融"},
     "数据业务：专攻者只选一个专攻方向（客户、渠道、新品之一）：现选了 客户、新品"),
    ({"niche": "", "niche_segment": "金融"}, "数据业务：请先选择专攻方向（客户、渠道、新品之一），再写专攻的细分市场"),
])
def test_a_nicher_without_one_way_and_its_segment_is_refused_and_nothing_is_written(
        client_for, director, region_a, series, changes, message):
    client = client_for(director)
    form = _position_form(client)
    pk = {name: str(_option(name, "nicher").pk) for name in ("客户", "新品")}
    data = form.post(position="nicher", focus="新的重点", **{
        k: pk.get(v, v) for k, v in changes.items()})
    before = _version(region_a)
    response = client.post("/r/A/strategy/position/", data)
    assert response.status_code == 400 and message in response.content.decode()
    record = CompetitivePosition.objects.get()
    assert (record.position, record.focus, record.niche_segment, record.position_version) == ("", "", "", 0)
    assert not record.strategies.exists() and _version(region_a) == before


def test_a_segment_is_refused_for_a_position_that_is_not_a_nicher(client_for, director, region_a, series):
    client = client_for(director)
    response = client.post("/r/A/strategy/position/", _position_form(client).post(niche_segment="金融"),
                           headers=HTMX)
    assert "数据业务：专攻的细分市场只用于专攻者（当前竞争地位：追随者），请清空后再保存" in response.content.decode()
    assert CompetitivePosition.objects.get().niche_segment == ""


def test_a_nicher_form_read_before_anothers_save_names_the_changed_segment(client_for, director, region_a, series):
    client = client_for(director)
    way = str(_option("客户", "nicher").pk)
    mine = _position_form(client)
    assert client.post("/r/A/strategy/position/", _position_form(client).post(
        position="nicher", niche=way, niche_segment="金融行业")).status_code == 302
    response = client.post("/r/A/strategy/position/", mine.post(position="nicher", niche=way, niche_segment="园区"),
                           headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 409
    assert "数据业务：此记录已被他人修改：竞争地位 现为 专攻者，策略 现为 客户，专攻的细分市场 现为“金融行业”。" in body
    assert CompetitivePosition.objects.get().niche_segment == "金融行业"


# --- a stance names its target customers --------------------------------------------------------------------


@pytest.fixture
def rival(region_a, products):
    return Competitor.objects.create(region=region_a, name="对手甲", product_series=DATA, market_share=Decimal("0.4"))


def _stance_form(client, rival):
    return form_posting_to(client.get("/r/A/strategy/").content.decode(), f"/r/A/strategy/competitors/{rival.pk}/stance/")


def test_a_stance_names_customers_by_code_or_name_and_keeps_its_note(client_for, director, region_a, book, rival):
    client = client_for(director)
    url = f"/r/A/strategy/competitors/{rival.pk}/stance/"
    response = client.post(url, _stance_form(client, rival).post(
        stance="focused_attack", add_customers="C1，客户C3", target_note="金融行业的老客户", expected_result="守住份额"))
    assert response.status_code == 302
    stance = CompetitorStance.objects.get()
    assert {c.code for c in stance.target_customers.all()} == {"C1", "C3"}
    assert (stance.target_note, stance.expected_result, stance.version) == ("金融行业的老客户", "守住份额", 1)
    # the form shows them ticked; unticking one and naming another changes the set
    form = _stance_form(client, rival)
    assert sorted(form.data["target_customers"]) == sorted([str(book["c1"].pk), str(book["c3"].pk)])
    assert client.post(url, form.post(target_customers=[str(book["c1"].pk)], add_customers="C2")).status_code == 302
    assert {c.code for c in CompetitorStance.objects.get().target_customers.all()} == {"C1", "C2"}
    rows = _rows(client.get("/r/A/strategy/?format=xlsx&table=stances"))
    assert rows[1][5:] == ("金融行业的老客户", "守住份额", "C1 客户C1、C2 客户C2")


def test_the_page_offers_the_regions_customers_to_pick_and_no_other_regions(client_for, director, region_a, region_b,
                                                                             manager_b, book, rival):
    _customer(region_b, "B1", manager_b, {}, name="别区客户")
    body = client_for(director).get("/r/A/strategy/").content.decode()
    picker = re.search(r'<datalist id="region-customers">.*?</datalist>', body, re.S).group(0)
    assert re.findall(r'<option value="([^"]+)">', picker) == ["C1", "C2", "C3", "C4"]
    assert "别区客户" not in body
    assert re.search(r'<input type="text" name="add_customers" list="region-customers"', body)


def test_customer_names_with_markup_are_text_in_the_picker(client_for, director, manager_a1, region_a, rival):
    _customer(region_a, 'C"9', manager_a1, {}, name="<script>alert(1)</script>")
    body = client_for(director).get("/r/A/strategy/").content.decode()
    assert "<script>alert(1)" not in body
    assert '<option value="C&quot;9">&lt;script&gt;alert(1)&lt;/script&gt;</option>' in body


@pytest.mark.parametrize("add,message", [
    ("C1、B1", "对手甲：“B1”不是本区域的客户（请输入本区域客户的编码或名称，或从列表中选择）"),
    ("别区客户", "对手甲：“别区客户”不是本区域的客户"),
    ("同名客户", "对手甲：客户名称“同名客户”对应 2 位客户，请输入客户编码"),
])
def test_a_customer_not_of_the_region_is_refused_and_nothing_is_written(
        client_for, director, region_a, region_b, manager_a1, manager_b, book, rival, add, message):
    _customer(region_b, "B1", manager_b, {}, name="别区客户")
    _customer(region_a, "D1", manager_a1, {}, name="同名客户")
    _customer(region_a, "D2", manager_a1, {}, name="同名客户")
    client = client_for(director)
    before = _version(region_a)
    response = client.post(f"/r/A/strategy/competitors/{rival.pk}/stance/", _stance_form(client, rival).post(
        stance="hold", add_customers=add), headers=HTMX)
    assert message in response.content.decode()
    assert not CompetitorStance.objects.exists() and _version(region_a) == before


def test_a_posted_id_of_another_regions_customer_is_refused_by_its_number_only(
        client_for, director, region_a, region_b, manager_b, book, rival):
    theirs = _customer(region_b, "B1", manager_b, {}, name="别区客户")
    client = client_for(director)
    response = client.post(f"/r/A/strategy/competitors/{rival.pk}/stance/", _stance_form(client, rival).post(
        stance="hold", target_customers=[str(book["c1"].pk), str(theirs.pk)]))
    body = response.content.decode()
    assert response.status_code == 400
    assert f"对手甲：所选目标客户中有 1 位不是本区域的客户（编号 {theirs.pk}），请刷新页面后重新选择" in body
    assert "别区客户" not in body and not CompetitorStance.objects.exists()


def test_a_stance_read_before_anothers_save_names_the_changed_customers(client_for, director, region_a, book, rival):
    client = client_for(director)
    url = f"/r/A/strategy/competitors/{rival.pk}/stance/"
    mine = _stance_form(client, rival)
    assert client.post(url, _stance_form(client, rival).post(stance="hold", add_customers="C1 C2")).status_code == 302
    response = client.post(url, mine.post(stance="hold", add_customers="C3"), headers=HTMX)
    assert response.status_code == 409
    assert "对手甲：此记录已被他人修改：策略 现为 坚守防御，目标客户 现为 C1 客户C1、C2 客户C2。" in response.content.decode()
    assert {c.code for c in CompetitorStance.objects.get().target_customers.all()} == {"C1", "C2"}


def test_readers_see_the_named_customers_and_the_note(client_for, manager_a1, region_a, book, rival):
    stance = CompetitorStance.objects.create(competitor=rival, stance="hold", target_note="老客户")
    stance.target_customers.set([book["c1"], book["c2"]])
    body = client_for(manager_a1).get("/r/A/strategy/").content.decode()
    row = re.search(rf'<tr id="competitor-{rival.pk}">.*?</tr>', body, re.S).group(0)
    assert "C1 客户C1、C2 客户C2" in row and "老客户" in row and "<input" not in row
    assert "region-customers" not in body  # no picker without a form


# --- a special action aims at a class, at named customers, or both ----------------------------------------------


def test_a_special_action_aims_at_a_class_and_named_customers(client_for, director, region_a, book):
    client = client_for(director)
    response = client.post("/r/A/strategy/actions/", {
        "family": "push", "kind": "有效接触", "title": "高层拜访", "month": "2027-04", "target_class": "fat_sheep",
        "target_customers": "C2, C1"})
    assert response.status_code == 302
    action = SpecialAction.objects.get()
    assert action.target_class == "fat_sheep" and {c.code for c in action.target_customers.all()} == {"C1", "C2"}
    body = client.get("/r/A/strategy/").content.decode()
    row = re.search(rf'<tr id="action-{action.pk}">.*?</tr>', body, re.S).group(0)
    assert "肥羊；点名：C1 客户C1、C2 客户C2" in row
    rows = _rows(client.get("/r/A/strategy/?format=xlsx&table=actions"))
    assert rows[1][-2:] == ("肥羊", "C1 客户C1、C2 客户C2")


def test_the_add_form_offers_value_and_contribution_classes_and_the_customer_picker(client_for, director, region_a):
    body = client_for(director).get("/r/A/strategy/").content.decode()
    form = re.search(r'<form method="post" action="/r/A/strategy/actions/#strategy-actions".*?</form>', body,
                     re.S).group(0)
    assert '<optgroup label="价值类别">' in form and '<option value="invest">二级 投入类</option>' in form
    assert '<optgroup label="贡献类别">' in form and '<option value="rat">硕鼠</option>' in form
    assert 'name="target_customers" list="region-customers"' in form


def test_a_special_action_naming_another_regions_customer_is_refused(client_for, director, region_a, region_b,
                                                                     manager_b, book):
    _customer(region_b, "B1", manager_b, {})
    response = client_for(director).post("/r/A/strategy/actions/", {
        "family": "push", "kind": "促单", "title": "季末促单", "month": "2027-03", "target_customers": "C1,B1"})
    assert response.status_code == 400
    assert "“B1”不是本区域的客户" in response.content.decode() and not SpecialAction.objects.exists()


# --- the customer's page: the actions aimed at it -------------------------------------------------------------


@pytest.fixture
def aimed(region_a, book, rival):
    """Actions aimed at C1 by name, at 巩固类 (C1's class), at 硕鼠 (not C1's), and a stance naming C1."""
    def action(title, target_class="", named=()):
        a = SpecialAction.objects.create(region=region_a, family="push", kind="促单", title=title,
                                         month=dt.date(2027, 3, 1), target_class=target_class)
        a.target_customers.set(named)
        return a

    stance = CompetitorStance.objects.create(competitor=rival, stance="focused_attack", expected_result="抢下专线")
    stance.target_customers.set([book["c1"]])
    return {"named": action("点名拜访", named=[book["c1"]]), "by_class": action("巩固类回访", "consolidate"),
            "both": action("双重", "consolidate", [book["c1"]]), "other_class": action("硕鼠清理", "rat"),
            "other_customer": action("别的客户", named=[book["c2"]]), "stance": stance}


def _panel(client, code="C1", **kwargs):
    return client.get(f"/r/A/customers/{code}/actions/", **kwargs)


def test_the_panel_lists_the_actions_aimed_at_the_customer_by_name_or_class(client_for, director, region_a, aimed):
    client = client_for(director)
    client.get("/r/A/customers/C1/")  # its stored result: 巩固类
    body = _panel(client, headers=HTMX).content.decode()
    assert body.lstrip().startswith('<section class="card" id="actions">') and "<html" not in body
    reasons = dict(re.findall(r'<tr id="customer-action-(\d+)">.*?<td>([^<]*)</td></tr>', body, re.S))
    assert reasons == {str(aimed["named"].pk): "点名该客户", str(aimed["by_class"].pk): "针对一级 巩固类客户",
                       str(aimed["both"].pk): "点名该客户；针对一级 巩固类客户"}
    assert "硕鼠清理" not in body and "别的客户" not in body
    stance = re.search(rf'<tr id="customer-stance-{aimed["stance"].pk}">.*?</tr>', body, re.S).group(0)
    assert "对手甲" in stance and "重点进攻" in stance and "抢下专线" in stance


def test_a_contribution_class_aims_at_the_customer_too(client_for, director, region_a, book):
    client = client_for(director)
    client.get("/r/A/customers/C3/")
    klass = CustomerStanding.objects.get(pk=book["c3"].pk).contribution_class
    action = SpecialAction.objects.create(region=region_a, family="pull", kind="广告", title="按贡献类别",
                                          month=dt.date(2027, 3, 1), target_class=klass)
    body = _panel(client, "C3").content.decode()
    assert f'<tr id="customer-action-{action.pk}">' in body


def test_a_customer_nothing_aims_at_says_so_and_the_page_works_without_javascript(client_for, director, region_a,
                                                                                  book, aimed):
    body = _panel(client_for(director), "C4").content.decode()
    assert "<html" in body and 'href="/r/A/customers/C4/"' in body
    assert "没有针对该客户（点名或按其客户类别）的推拉专项动作" in body and "没有点名该客户的竞争策略" in body


def test_the_customer_page_loads_the_panel_with_a_link_for_no_javascript(client_for, director, region_a, book):
    body = client_for(director).get("/r/A/customers/C1/").content.decode()
    section = re.search(r'<section class="card" id="actions".*?</section>', body, re.S).group(0)
    assert 'hx-get="/r/A/customers/C1/actions/"' in section and 'hx-trigger="load"' in section
    assert '<a href="/r/A/customers/C1/actions/">' in section


def test_only_who_reads_the_customer_sees_its_panel(client_for, manager_a2, director_b, region_a, region_b, book,
                                                    aimed):
    assert _panel(client_for(manager_a2)).status_code == 404  # C1 is manager_a1's
    assert _panel(client_for(director_b)).status_code == 404


@pytest.mark.parametrize("n_actions", [2, 30])
def test_the_panel_query_count_does_not_grow_with_the_actions(client_for, director, region_a, book, rival,
                                                              django_assert_num_queries, n_actions):
    for i in range(n_actions):
        a = SpecialAction.objects.create(region=region_a, family="push", kind="促单", title=f"动作{i}",
                                         month=dt.date(2027, 3, 1), target_class="consolidate" if i % 2 else "")
        a.target_customers.set([book["c1"]] if i % 3 else [])
    client = client_for(director)
    client.get("/r/A/customers/C1/")
    # session, user, region + settings, customer + owner, its stored classes, the actions aimed at it
    # (owners joined), which of them name it, the stances naming it, nav regions
    with django_assert_num_queries(9):
        assert _panel(client).status_code == 200


# --- load_demo ------------------------------------------------------------------------------------------------


def test_the_demo_has_a_stance_and_an_action_that_name_customers(db):
    call_command("load_demo", customers=12, projects=10, plans=False, stdout=io.StringIO())
    stance = CompetitorStance.objects.get(competitor__region__code="DEMO")
    assert stance.target_customers.count() >= 2
    assert {c.region.code for c in stance.target_customers.all()} == {"DEMO"}
    visit = SpecialAction.objects.get(region__code="DEMO", title="重点客户高层拜访")
    assert visit.target_customers.count() >= 2
    assert SpecialAction.objects.get(region__code="DEMO", title="行业解决方案巡展").target_class == "invest"
    named = set(visit.target_customers.values_list("pk", flat=True))
    call_command("load_demo", customers=12, projects=10, plans=False, stdout=io.StringIO())  # a re-run changes nothing
    assert set(SpecialAction.objects.get(title="重点客户高层拜访").target_customers.values_list("pk", flat=True)) == named
    assert SpecialAction.objects.filter(region__code="DEMO").count() == 2

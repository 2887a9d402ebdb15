"""客户群价值类别与贡献类别 (DOMAIN §4.1): the cross-table, the customers whose
two classes do not fit, and the director's acceptance of a misfit."""

import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from customers.models import Customer, CustomerStanding
from customers.rules import value_fit
from planning import selectors, services
from planning.analysis import compute, to_json
from planning.models import ValueFitAcceptance
from tests.planning.test_value_grid import customer, scores

HTMX = {"HX-Request": "true"}
EXPECTED_CELLS = {("consolidate", "fat_sheep"), ("consolidate", "reindeer"), ("invest", "hound"),
                  ("invest", "reindeer"), ("harvest", "fat_sheep"), ("harvest", "rat"), ("maintain", "hare"),
                  ("maintain", "rat")}
VALUE_CLASSES = ["consolidate", "invest", "harvest", "maintain"]
CONTRIBUTION_CLASSES = ["fat_sheep", "reindeer", "hound", "hare", "rat"]


@pytest.fixture
def book(region_a, manager_a1, manager_a2):
    """SHEEP: 兼顾类 肥羊 (misfit, the largest); RAT: 巩固类 硕鼠 (misfit, manager_a2's);
    HARE: 兼顾类 野兔 (fits); NODATA: 巩固类 未分类 (no verdict); DRAFT: 待评估."""
    customer(region_a, manager_a1, "SHEEP", "羊客户", revenue="100000", **scores(1, 1))
    customer(region_a, manager_a2, "RAT", "鼠客户", revenue="1000", cost="2000", **scores(4, 4))
    customer(region_a, manager_a1, "HARE", "兔客户", revenue="10", **scores(1, 1))
    customer(region_a, manager_a1, "NODATA", "无数据", **scores(4, 4))
    customer(region_a, manager_a1, "DRAFT", "待评客户", revenue="10")


def _page(client) -> str:
    return client.get("/r/A/value-grid/").content.decode()


def _row(body, prefix, code) -> str:
    match = re.search(rf'<tr id="{prefix}-{code}">.*?</tr>', body, re.S)
    return match.group(0) if match else ""


def _accept(client, code, value_class, contribution_class, **extra):
    return client.post(f"/r/A/value-grid/{code}/fit/accept/",
                       {"value_class": value_class, "contribution_class": contribution_class}, **extra)


def _rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


# --- the cross-table ------------------------------------------------------------------------------------


def test_the_cross_table_counts_customers_and_revenue_per_pair(client_for, director, book):
    body = _page(client_for(director))
    sheep = re.search(r'<td [^>]*id="fit-maintain-fat_sheep">(.*?)</td>', body, re.S).group(1)
    assert "1 个" in sheep and "1,200,000.00" in sheep
    hare = re.search(r'<td [^>]*id="fit-maintain-hare">(.*?)</td>', body, re.S).group(1)
    assert "1 个" in hare and "120.00" in hare
    rat = re.search(r'<td [^>]*id="fit-consolidate-rat">(.*?)</td>', body, re.S).group(1)
    assert "1 个" in rat and "12,000.00" in rat
    empty = re.search(r'<td [^>]*id="fit-invest-hound">(.*?)</td>', body, re.S).group(1)
    assert "0 个" in empty
    assert "2 个客户的两个类别不符" in body
    assert "另有 1 个已评估客户为未分类（基期内无资费数据），不判断" in body
    assert "1 个客户待评估，没有价值类别，不判断" in body


def test_the_expected_cells_are_marked_visibly_and_for_screen_readers(client_for, director, book):
    body = _page(client_for(director))
    cells = re.findall(r'<td class="num([^"]*)" id="fit-(\w+)-(\w+)">(.*?)</td>', body, re.S)
    assert len(cells) == 20
    marked = {(v, c) for classes, v, c, text in cells if "expected" in classes}
    assert marked == EXPECTED_CELLS
    for classes, v, c, text in cells:
        # the mark is text (read aloud as 期望), not a colour alone; the tick is hidden from screen readers
        assert ("期望" in text) == ((v, c) in EXPECTED_CELLS)
        assert ('<span aria-hidden="true">✓</span>' in text) == ((v, c) in EXPECTED_CELLS)
    # a cell with customers that does not fit says so to a screen reader
    misfit = next(text for classes, v, c, text in cells if (v, c) == ("maintain", "fat_sheep"))
    assert '<span class="visually-hidden">（不符）</span>' in misfit
    assert re.search(r'<th scope="row">四级 兼顾类</th>', body) and '<th scope="col" class="num">硕鼠</th>' in body


def test_the_cross_table_expects_exactly_what_the_rule_expects():
    table = selectors.fit_table([])
    for line in table.lines:
        for cell in line.cells:
            assert cell.expected == (value_fit(line.value_class, cell.contribution_class).value is True)
            assert cell.expected == ((line.value_class, cell.contribution_class) in EXPECTED_CELLS)


# --- the SQL of a misfit is the rule's ---------------------------------------------------------------------


def _standing(region, code, value_class, contribution_class) -> CustomerStanding:
    c = Customer.objects.create(region=region, code=code, name=code)
    return CustomerStanding.objects.create(
        customer=c, region=region, as_of=timezone.localdate(), version=0, code=code, name=code, revenue=0, cost=0,
        profit=0, arrears_end=0, scale=False, growth=False, contribution_class=contribution_class,
        value_class=value_class, publicity="blank", scores_missing=value_class is None)


def test_the_misfits_in_sql_are_the_pairs_the_rule_says_do_not_fit(region_a):
    pairs = [(v, c) for v in VALUE_CLASSES + [None] for c in CONTRIBUTION_CLASSES + ["unclassified"]]
    for i, (v, c) in enumerate(pairs):
        _standing(region_a, f"P{i:02d}", v, c)
    qs = CustomerStanding.objects.filter(region=region_a)
    listed = {(s.value_class, s.contribution_class) for s in selectors.misfits(qs)}
    assert listed == {(v, c) for v, c in pairs if value_fit(v, c).value is False}
    assert len(listed) == 12  # 20 pairs, 8 expected; 待评估 and 未分类 get no verdict
    table = selectors.fit_table(selectors.value_contribution_sums(qs))
    assert table.misfits == 12 and table.count == 20 and table.unclassified == 4 and table.pending == 6


def test_an_acceptance_counts_only_while_the_customer_has_the_pair_accepted(region_a, director):
    now = _standing(region_a, "X", "invest", "fat_sheep")
    ValueFitAcceptance.objects.create(customer_id=now.pk, value_class="maintain", contribution_class="fat_sheep",
                                      accepted_by=director, accepted_at=timezone.now())
    qs = CustomerStanding.objects.filter(region=region_a)
    assert [s.code for s in selectors.misfits(qs)] == ["X"] and list(selectors.accepted_misfits(qs)) == []
    ValueFitAcceptance.objects.filter(customer_id=now.pk).update(value_class="invest")
    assert list(selectors.misfits(qs)) == [] and [s.code for s in selectors.accepted_misfits(qs)] == ["X"]


# --- the misfits listed -------------------------------------------------------------------------------------


def test_each_misfit_is_listed_with_both_reasons_and_a_link_to_rescore(client_for, director, book):
    body = _page(client_for(director))
    assert body.index('<tr id="misfit-SHEEP">') < body.index('<tr id="misfit-RAT">')  # the largest first
    row = _row(body, "misfit", "SHEEP")
    assert "四级 兼顾类：吸引力 1.00 &lt; 2.5，相对优势 1.00 &lt; 2.5" in row
    assert "肥羊：规模 +，组合高盈利" in row
    assert "不符合：兼顾类应是野兔或硕鼠（永远的野兔和老鼠），此客户是肥羊" in row
    assert 'href="/r/A/value-grid/SHEEP/"' in row and "重新评分" in row
    assert 'name="value_class" value="maintain"' in row and 'name="contribution_class" value="fat_sheep"' in row
    rat = _row(body, "misfit", "RAT")
    assert "一级 巩固类：吸引力 4.00 ≥ 2.5，相对优势 4.00 ≥ 2.5" in rat and "硕鼠：组合为亏损" in rat
    for fits_or_no_verdict in ("HARE", "NODATA", "DRAFT"):
        assert _row(body, "misfit", fits_or_no_verdict) == ""


def test_a_manager_sees_their_own_misfits_and_cannot_accept(client_for, manager_a2, book):
    body = _page(client_for(manager_a2))
    assert _row(body, "misfit", "RAT") and not _row(body, "misfit", "SHEEP")
    assert "/fit/accept/" not in body and "重新评分" in body


def test_an_executive_reads_the_misfits_without_accepting(client_for, executive, book):
    body = _page(client_for(executive))
    assert _row(body, "misfit", "SHEEP") and "/fit/accept/" not in body


# --- accept and undo ---------------------------------------------------------------------------------------


def test_the_director_accepts_a_misfit_and_it_is_shown_apart_with_who_and_when(client_for, director, book):
    client = client_for(director)
    response = _accept(client, "SHEEP", "maintain", "fat_sheep")
    assert response.status_code == 302 and response["Location"] == "/r/A/value-grid/#fit"
    acceptance = ValueFitAcceptance.objects.get(customer__code="SHEEP")
    assert (acceptance.value_class, acceptance.contribution_class, acceptance.accepted_by) == (
        "maintain", "fat_sheep", director)
    body = _page(client)
    assert not _row(body, "misfit", "SHEEP") and _row(body, "misfit", "RAT")
    row = _row(body, "accepted", "SHEEP")
    assert "director_a" in row and timezone.localtime(acceptance.accepted_at).strftime("%Y-%m-%d %H:%M") in row
    assert "肥羊：规模 +，组合高盈利" in row and "/r/A/value-grid/SHEEP/fit/undo/" in row
    assert "待处理 <small>1 个</small>" in body and "已接受 <small>1 个</small>" in body
    # the cross-table still counts every customer
    assert "2 个客户的两个类别不符" in body


def test_undo_lists_the_customer_again(client_for, director, book):
    client = client_for(director)
    _accept(client, "SHEEP", "maintain", "fat_sheep")
    response = client.post("/r/A/value-grid/SHEEP/fit/undo/")
    assert response.status_code == 302 and response["Location"] == "/r/A/value-grid/#fit"
    assert not ValueFitAcceptance.objects.exists()
    body = _page(client)
    assert _row(body, "misfit", "SHEEP") and not _row(body, "accepted", "SHEEP")
    assert client.post("/r/A/value-grid/SHEEP/fit/undo/").status_code == 302  # undoing twice is undoing once


def test_with_htmx_accept_and_undo_answer_the_lists_with_a_status_message(client_for, director, book):
    client = client_for(director)
    body = _accept(client, "SHEEP", "maintain", "fat_sheep", headers=HTMX).content.decode()
    assert body.lstrip().startswith('<div id="fit-lists">') and "<html" not in body
    assert ('<p class="messages" role="status" tabindex="-1" autofocus><span class="success">已接受羊客户的类别不符</span></p>'
            in body)  # the button is gone: the focus goes to the message
    assert _row(body, "accepted", "SHEEP") and not _row(body, "misfit", "SHEEP")
    body = client.post("/r/A/value-grid/SHEEP/fit/undo/", headers=HTMX).content.decode()
    assert "已撤销对羊客户的接受" in body and _row(body, "misfit", "SHEEP")


def test_the_accept_and_undo_buttons_post_htmx_into_the_lists_and_work_without_javascript(client_for, director,
                                                                                           book):
    client = client_for(director)
    row = _row(_page(client), "misfit", "SHEEP")
    assert 'method="post" action="/r/A/value-grid/SHEEP/fit/accept/"' in row
    assert 'hx-post="/r/A/value-grid/SHEEP/fit/accept/" hx-target="#fit-lists" hx-swap="outerHTML"' in row
    assert '接受<span class="visually-hidden">：羊客户（四级 兼顾类·肥羊）</span>' in row


def test_the_pages_the_buttons_were_on_are_kept(client_for, director, book):
    client = client_for(director)
    response = client.post("/r/A/value-grid/SHEEP/fit/accept/", {
        "value_class": "maintain", "contribution_class": "fat_sheep", "fit_page": "2", "accepted_page": "1"})
    assert response["Location"] == "/r/A/value-grid/?fit_page=2#fit"


def test_a_class_that_changes_lists_the_customer_again(client_for, director, book):
    client = client_for(director)
    _accept(client, "SHEEP", "maintain", "fat_sheep")
    # re-scored: 投入类 肥羊 — still a misfit, but not the pair accepted
    assert client.post("/r/A/value-grid/SHEEP/", {f: "4" for f in scores(4, 1)} | {
        f: "1" for f in ("competitive_situation", "comparative_ability", "strategic_intent", "attention")}
    ).status_code == 302
    body = _page(client)
    row = _row(body, "misfit", "SHEEP")
    assert "不符合：投入类应是猎狗或驯鹿（从猎狗到驯鹿的培养），此客户是肥羊" in row
    assert "接受四级 兼顾类·肥羊，类别已改变" in row
    assert not _row(body, "accepted", "SHEEP")


def test_accepting_the_pair_the_page_showed_is_never_refused_even_if_it_changed_since(client_for, director, book):
    client = client_for(director)
    # the page showed 投入类 肥羊 (say); the customer is 兼顾类 肥羊 now: stored, but it does not count
    assert _accept(client, "SHEEP", "invest", "fat_sheep").status_code == 302
    assert ValueFitAcceptance.objects.get().value_class == "invest"
    assert _row(_page(client), "misfit", "SHEEP")
    # accepting again replaces it: one acceptance per customer, the latest
    assert _accept(client, "SHEEP", "maintain", "fat_sheep").status_code == 302
    assert ValueFitAcceptance.objects.count() == 1 and ValueFitAcceptance.objects.get().value_class == "maintain"
    assert _row(_page(client), "accepted", "SHEEP")


@pytest.mark.parametrize("data,message", [
    ({"value_class": "gold", "contribution_class": "fat_sheep"}, "未知的价值类别“gold”"),
    ({"value_class": "maintain", "contribution_class": "sheep"}, "未知的贡献类别“sheep”"),
    ({"contribution_class": "fat_sheep"}, "缺少价值类别"),
    ({"value_class": "maintain", "contribution_class": "hare"},
     "兔客户：符合：兼顾类应是野兔或硕鼠（永远的野兔和老鼠），此客户是野兔，没有需要接受的不符"),
    ({"value_class": "maintain", "contribution_class": "unclassified"},
     "兔客户：不判断：未分类，基期内无资费数据，没有需要接受的不符"),
    ({"value_class": "maintain", "contribution_class": "rat", "fit_page": "abc"}, "不符客户的页码应为正整数"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(client_for, director, book, data, message):
    client = client_for(director)
    response = client.post("/r/A/value-grid/HARE/fit/accept/", data)
    assert response.status_code == 400 and message in response.content.decode()
    body = client.post("/r/A/value-grid/HARE/fit/accept/", data, headers=HTMX).content.decode()
    assert '<ul class="messages" role="alert" tabindex="-1" autofocus>' in body and message in body
    assert not ValueFitAcceptance.objects.exists()


@pytest.mark.parametrize("persona", ["manager_a1", "manager_a2", "executive", "director_b", "administrator"])
def test_only_the_regions_director_accepts_or_undoes(client_for, request, director, book, persona):
    services.value_fit_accept(customer=Customer.objects.get(code="RAT"), value_class="consolidate",
                              contribution_class="rat", user=director)
    client = client_for(request.getfixturevalue(persona))
    assert _accept(client, "SHEEP", "maintain", "fat_sheep").status_code == 404
    assert client.post("/r/A/value-grid/RAT/fit/undo/").status_code == 404
    assert list(ValueFitAcceptance.objects.values_list("customer__code", flat=True)) == ["RAT"]


def test_accept_and_undo_are_post_only(client_for, director, book):
    client = client_for(director)
    assert client.get("/r/A/value-grid/SHEEP/fit/accept/").status_code == 405
    assert client.get("/r/A/value-grid/SHEEP/fit/undo/").status_code == 405


def test_an_unknown_customer_is_404(client_for, director, book):
    assert _accept(client_for(director), "NOPE", "maintain", "fat_sheep").status_code == 404


# --- the analysis document (INTERFACES §3) gives the same answer ---------------------------------------------


def test_the_analysis_document_says_value_fit_as_the_page_does(client_for, director, region_a, book):
    customers = {c["code"]: c for c in to_json(compute(region_a, timezone.localdate()))["customers"]}
    assert {code: c["value_fit"] for code, c in customers.items()} == {
        "SHEEP": False, "RAT": False, "HARE": True, "NODATA": None, "DRAFT": None}
    body = _page(client_for(director))
    assert {code for code in customers if _row(body, "misfit", code)} == {"SHEEP", "RAT"}


# --- Excel ---------------------------------------------------------------------------------------------------


def test_the_cross_table_and_the_misfits_export_to_excel(client_for, director, book):
    client = client_for(director)
    _accept(client, "SHEEP", "maintain", "fat_sheep")
    fit = _rows(client.get("/r/A/value-grid/?format=xlsx&table=fit"))
    assert fit[0][:3] == ("价值类别", "肥羊（客户数）", "肥羊（收入，元）")
    maintain = next(r for r in fit if r[0] == "四级 兼顾类")
    assert maintain[1:3] == (1, 1200000) and maintain[7:9] == ("1（期望）", 120)
    misfits = _rows(client.get("/r/A/value-grid/?format=xlsx&table=misfits"))
    assert misfits[0][:5] == ("客户编码", "客户名称", "客户经理", "基期收入（元）", "价值类别")
    by_code = {r[0]: r for r in misfits[1:]}
    assert set(by_code) == {"SHEEP", "RAT"}
    assert by_code["SHEEP"][6:10] == ("肥羊", "肥羊：规模 +，组合高盈利",
                                      "不符合：兼顾类应是野兔或硕鼠（永远的野兔和老鼠），此客户是肥羊", "是")
    assert by_code["SHEEP"][10] == "director_a" and by_code["RAT"][9:] == ("否", None, None)


# --- the service ---------------------------------------------------------------------------------------------


def test_value_fit_accept_stores_the_pair_who_and_when(director, book):
    sheep = Customer.objects.get(code="SHEEP")
    before = timezone.now()
    services.value_fit_accept(customer=sheep, value_class="maintain", contribution_class="fat_sheep", user=director)
    a = ValueFitAcceptance.objects.get(customer=sheep)
    assert (a.value_class, a.contribution_class, a.accepted_by_id) == ("maintain", "fat_sheep", director.pk)
    assert a.accepted_at >= before


def test_an_acceptance_goes_with_its_customer(director, book):
    sheep = Customer.objects.get(code="SHEEP")
    services.value_fit_accept(customer=sheep, value_class="maintain", contribution_class="fat_sheep", user=director)
    sheep.delete()
    assert not ValueFitAcceptance.objects.exists()


def test_an_acceptance_does_not_change_the_regions_data_version(director, region_a, book):
    before = type(region_a).objects.get(pk=region_a.pk).data_version
    services.value_fit_accept(customer=Customer.objects.get(code="SHEEP"), value_class="maintain",
                              contribution_class="fat_sheep", user=director)
    assert type(region_a).objects.get(pk=region_a.pk).data_version == before  # no analysis reads it


# --- query counts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_misfits", [2, 40])
def test_accepting_with_htmx_costs_the_same_whatever_the_misfits(client_for, director, manager_a1, region_a,
                                                                 django_assert_num_queries, n_misfits):
    for i in range(n_misfits):
        customer(region_a, manager_a1, f"M{i:02d}", f"客户{i}", revenue="1000", **scores(1, 1))
    client = client_for(director)
    _page(client)  # stores the customers' results
    code = re.search(r'<tr id="misfit-(\w+)">', _page(client)).group(1)
    klass = CustomerStanding.objects.get(code=code).contribution_class
    # session, user, region + settings, the customer; the upsert; the accepted misfits' count and
    # their page, the open misfits' count and their page (an htmx answer: the navigation is not read)
    with django_assert_num_queries(9):
        response = _accept(client, code, "maintain", klass, headers=HTMX)
    assert _row(response.content.decode(), "accepted", code)

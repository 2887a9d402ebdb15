"""SWOT 初阶 and 高阶 (DOMAIN §3.4): the page, its services, access and exports."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from customers.models import ComparisonScore, Competitor
from planning import services
from planning.models import SwotAction, SwotItem
from teams.models import Region
from tests.html_forms import form_posting_to, htmx_swaps

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
HTMX = {"HX-Request": "true"}


def _items(region, **per_kind):
    """_items(region, S=2, W=2, …): numbered items; O and T get a source."""
    return [SwotItem.objects.create(region=region, kind=kind, text=f"{kind}{n}",
                                    source="industry" if kind in "OT" else "")
            for kind, count in per_kind.items() for n in range(1, count + 1)]


def _scores(region, series, competitor, ours: dict, theirs: dict):
    for dimension, score in ours.items():
        ComparisonScore.objects.get_or_create(region=region, product_series=series, competitor=None,
                                              dimension=dimension, defaults={"score": score})
    for dimension, score in theirs.items():
        ComparisonScore.objects.create(region=region, product_series=series, competitor=competitor,
                                       dimension=dimension, score=score)


def _version(region):
    return Region.objects.get(pk=region.pk).data_version


def _section(body, element_id):
    return re.search(rf'<div class="swot-cell swot-\w" id="{element_id}">.*?</div>', body, re.S).group(0)


# --- the page ---------------------------------------------------------------------------------


def test_the_page_lists_each_kinds_items_with_the_source_of_opportunities(client_for, director, region_a):
    SwotItem.objects.create(region=region_a, kind="S", text="网络覆盖最广")
    SwotItem.objects.create(region=region_a, kind="O", text="园区数字化", source="industry")
    body = client_for(director).get("/r/A/swot/").content.decode()
    assert "网络覆盖最广" in _section(body, "swot-S")
    opportunities = _section(body, "swot-O")
    assert "园区数字化" in opportunities and "行业需求" in opportunities
    assert "还没有威胁条目" in _section(body, "swot-T")


def test_strengths_and_weaknesses_are_suggested_from_the_comparison_with_their_reasons(client_for, director,
                                                                                      region_a):
    rival = Competitor.objects.create(region=region_a, name="对手甲", product_series="数据业务")
    _scores(region_a, "数据业务", rival, ours={"core_metrics": 5, "pricing": 2, "coordination": 3},
            theirs={"core_metrics": 3, "pricing": 4, "coordination": 3})
    body = client_for(director).get("/r/A/swot/").content.decode()
    assert "数据业务·核心指标：我方优于对手甲" in body
    assert "优势：核心指标 我方 5 − 对手甲 3 = +2 ≥ +1" in body
    assert "数据业务·价格体系：我方不及对手甲" in body
    assert "劣势：价格体系 我方 2 − 对手甲 4 = -2 ≤ −1" in body
    assert "组织配合" not in body.split('id="swot-suggestions"')[1].split("</section>")[0]


def test_adopting_a_suggestion_adds_it_as_an_item_and_marks_it_adopted(client_for, director, region_a):
    rival = Competitor.objects.create(region=region_a, name="对手甲", product_series="数据业务")
    _scores(region_a, "数据业务", rival, ours={"core_metrics": 5}, theirs={"core_metrics": 3})
    client = client_for(director)
    response = client.post("/r/A/swot/items/", {"kind": "S", "text": "数据业务·核心指标：我方优于对手甲"})
    assert response.status_code == 302 and response["Location"] == "/r/A/swot/"
    assert SwotItem.objects.get(region=region_a).text == "数据业务·核心指标：我方优于对手甲"
    suggestions = client.get("/r/A/swot/").content.decode().split('id="swot-suggestions"')[1].split("</section>")[0]
    assert "已采纳" in suggestions and "采纳为条目" not in suggestions


def test_an_empty_region_explains_what_is_missing_instead_of_failing(client_for, director, region_a):
    response = client_for(director).get("/r/A/swot/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "暂无建议：还没有可比较的评分" in body
    assert "先在初阶中列出条目" in body
    assert "高阶 SWOT 需要优势、劣势、机会、威胁各 2 条：目前优势 0 条、劣势 0 条、机会 0 条、威胁 0 条" in body


def test_the_advanced_swot_shows_the_picked_items_under_each_pairing_with_its_action(client_for, director,
                                                                                     region_a):
    for item in _items(region_a, S=2, W=2, O=2, T=2):
        item.advanced = True
        item.save()
    SwotAction.objects.create(region=region_a, pairing="WT", action="补齐短板，守住存量")
    body = client_for(director).get("/r/A/swot/").content.decode()
    wt = re.search(r'<article class="pairing" id="pairing-WT">.*?</article>', body, re.S).group(0)
    assert "W+T 挑战自我" in wt and "W：W1" in wt and "T：T2" in wt and "S1" not in wt
    assert "补齐短板，守住存量" in wt


def test_managers_and_executives_read_the_swot_without_edit_forms(client_for, manager_a1, executive, region_a):
    _items(region_a, S=1)
    for user in (manager_a1, executive):
        body = client_for(user).get("/r/A/swot/").content.decode()
        assert "S1" in body
        assert "添加条目" not in body and "/swot/items/" not in body and "保存高阶选择" not in body


def test_a_manager_cannot_add_an_item(client_for, manager_a1, region_a):
    response = client_for(manager_a1).post("/r/A/swot/items/", {"kind": "S", "text": "我来写"})
    assert response.status_code == 404 and not SwotItem.objects.exists()


# --- posting with and without htmx ---------------------------------------------------------------


def test_with_htmx_adding_an_item_returns_the_board_fragment(client_for, director, region_a):
    response = client_for(director).post("/r/A/swot/items/", {"kind": "T", "text": "新对手进入", "source": "competition"},
                                         headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="swot-board">') and "<html" not in body
    assert "新对手进入" in body and "竞争" in body


def test_a_bad_item_is_refused_with_its_reason_and_the_typed_text_kept(client_for, director, region_a):
    client = client_for(director)
    response = client.post("/r/A/swot/items/", {"kind": "O", "text": "政策利好"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "机会需要注明来源（客户结构、采购变化、行业需求、竞争、宏观环境）" in body
    assert 'value="政策利好"' in body
    fragment = client.post("/r/A/swot/items/", {"kind": "O", "text": "政策利好"}, headers=HTMX)
    assert fragment.status_code == 200 and "机会需要注明来源" in fragment.content.decode()
    assert not SwotItem.objects.exists()


def test_deleting_an_item_removes_it_and_redirects(client_for, director, region_a):
    item, keep = _items(region_a, S=2)
    response = client_for(director).post(f"/r/A/swot/items/{item.pk}/delete/")
    assert response.status_code == 302
    assert list(SwotItem.objects.values_list("text", flat=True)) == [keep.text]


def test_another_regions_item_cannot_be_deleted_through_this_region(client_for, director, region_a, region_b):
    other = SwotItem.objects.create(region=region_b, kind="S", text="B 的优势")
    assert client_for(director).post(f"/r/A/swot/items/{other.pk}/delete/").status_code == 404
    assert SwotItem.objects.filter(pk=other.pk).exists()


def test_picking_two_of_each_kind_sets_the_advanced_swot(client_for, director, region_a):
    items = _items(region_a, S=3, W=2, O=2, T=2)
    picked = [i for i in items if i.text != "S3"]
    response = client_for(director).post("/r/A/swot/advanced/", {"items": [i.pk for i in picked]})
    assert response.status_code == 302
    assert set(SwotItem.objects.filter(advanced=True).values_list("text", flat=True)) == {i.text for i in picked}


def test_picking_the_wrong_numbers_names_each_kind_and_its_count(client_for, director, region_a):
    items = _items(region_a, S=3, W=2, O=2, T=2)
    without_a_weakness = [i.pk for i in items if i.text != "W2"]
    response = client_for(director).post("/r/A/swot/advanced/", {"items": without_a_weakness}, headers=HTMX)
    body = response.content.decode()
    assert "高阶 SWOT 需要优势、劣势、机会、威胁各 2 条：目前优势 3 条、劣势 1 条" in body
    assert not SwotItem.objects.filter(advanced=True).exists()


def test_a_combined_action_is_saved_per_pairing(client_for, director, region_a):
    for item in _items(region_a, S=2, W=2, O=2, T=2):
        SwotItem.objects.filter(pk=item.pk).update(advanced=True)
    client = client_for(director)
    assert client.post("/r/A/swot/actions/", {"pairing": "SO", "action": "扩大专线份额", "version": "0"}
                       ).status_code == 302
    client.post("/r/A/swot/actions/", {"pairing": "SO", "action": "扩大专线份额，抢占园区", "version": "1"})
    assert list(SwotAction.objects.values_list("pairing", "action", "version")) == [("SO", "扩大专线份额，抢占园区", 2)]


def _pairing_form(client, pairing="SO"):
    return form_posting_to(client.get("/r/A/swot/").content.decode(), "/r/A/swot/actions/",
                           having={"pairing": pairing})


@pytest.fixture
def picked(region_a):
    for item in _items(region_a, S=2, W=2, O=2, T=2):
        SwotItem.objects.filter(pk=item.pk).update(advanced=True)


def test_each_pairing_form_carries_its_version_and_the_action_it_shows(client_for, director, region_a, picked):
    SwotAction.objects.create(region=region_a, pairing="WO", action="补齐短板", version=2)
    client = client_for(director)
    assert _pairing_form(client, "SO").data["version"] == ["0"]  # no action yet
    form = _pairing_form(client, "WO")
    assert form.data["version"] == ["2"] and form.data["initial-action"] == ["补齐短板"]


def test_an_action_read_before_anothers_save_is_refused_with_the_board_as_it_is_now(
        client_for, director, region_a, picked):
    SwotAction.objects.create(region=region_a, pairing="SO", action="扩大专线份额", version=1)
    client = client_for(director)
    mine = _pairing_form(client)
    assert client.post("/r/A/swot/actions/", _pairing_form(client).post(action="抢占园区市场")).status_code == 302
    response = client.post("/r/A/swot/actions/", mine.post(action="扩大专线份额，稳住存量"), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 409 and body.lstrip().startswith('<div id="swot-board">')
    assert "S+O 保持发展：此记录已被他人修改：组合行动 现为“抢占园区市场”。请核对后再保存。" in body
    assert list(SwotAction.objects.values_list("action", "version")) == [("抢占园区市场", 2)]
    assert _version(region_a) == 1
    fresh = form_posting_to(body, "/r/A/swot/actions/", having={"pairing": "SO"})
    assert fresh.data["version"] == ["2"] and fresh.data["action"] == ["抢占园区市场"]
    plain = client.post("/r/A/swot/actions/", mine.post(action="扩大专线份额，稳住存量"))
    assert plain.status_code == 409 and "<html" in plain.content.decode()


def test_of_two_first_actions_for_one_pairing_the_second_is_refused(client_for, director, region_a, picked):
    client = client_for(director)
    mine, theirs = _pairing_form(client), _pairing_form(client)
    assert client.post("/r/A/swot/actions/", theirs.post(action="抢占园区市场")).status_code == 302
    response = client.post("/r/A/swot/actions/", mine.post(action="扩大专线份额"), headers=HTMX)
    assert response.status_code == 409
    assert "组合行动 现为“抢占园区市场”" in response.content.decode()
    assert list(SwotAction.objects.values_list("action", "version")) == [("抢占园区市场", 1)]


def test_the_swot_page_lets_htmx_swap_in_a_409_answer(client_for, director, region_a):
    assert htmx_swaps(client_for(director).get("/r/A/swot/").content.decode(), 409)


# --- services: every validation writes nothing ---------------------------------------------------------


@pytest.mark.parametrize("kind,text,source,message", [
    ("X", "内容", "", "未知的 SWOT 类型“X”"),
    ("S", "   ", "", "请填写内容"),
    ("S", "长" * 301, "", "内容过长：301 字，最多 300 字"),
    ("T", "价格战", "", "威胁需要注明来源"),
    ("T", "价格战", "weather", "未知的来源“weather”"),
    ("W", "响应慢", "industry", "劣势不填来源"),
])
def test_swot_item_add_refuses_bad_input_and_writes_nothing(region_a, kind, text, source, message):
    before = _version(region_a)
    with pytest.raises(ValidationError) as error:
        services.swot_item_add(region=region_a, kind=kind, text=text, source=source)
    assert message in error.value.messages[0]
    assert not SwotItem.objects.exists() and _version(region_a) == before


def test_swot_item_add_appends_in_order_and_marks_the_region_changed(region_a):
    before = _version(region_a)
    first = services.swot_item_add(region=region_a, kind="S", text="一")
    second = services.swot_item_add(region=region_a, kind="S", text="二")
    assert (first.order, second.order) == (0, 1)
    assert _version(region_a) == before + 2


def test_swot_advanced_set_refuses_an_item_of_another_region(region_a, region_b):
    items = _items(region_a, S=2, W=2, O=2, T=1)
    foreign = SwotItem.objects.create(region=region_b, kind="T", text="B", source="macro")
    with pytest.raises(ValidationError, match="不属于本区域"):
        services.swot_advanced_set(region=region_a, item_ids=[i.pk for i in items] + [foreign.pk])
    assert not SwotItem.objects.filter(advanced=True).exists()


def test_swot_advanced_set_unpicks_the_items_left_out(region_a):
    items = _items(region_a, S=3, W=2, O=2, T=2)
    SwotItem.objects.filter(text="S3").update(advanced=True)
    services.swot_advanced_set(region=region_a, item_ids=[i.pk for i in items if i.text != "S3"])
    assert not SwotItem.objects.get(text="S3").advanced
    assert SwotItem.objects.filter(advanced=True).count() == 8


@pytest.mark.parametrize("pairing,action,message", [
    ("SX", "行动", "未知的组合“SX”"),
    ("ST", "", "请填写S+T 居安思危的组合行动"),
])
def test_swot_action_save_refuses_bad_input_and_writes_nothing(region_a, pairing, action, message):
    for item in _items(region_a, S=2, W=2, O=2, T=2):
        SwotItem.objects.filter(pk=item.pk).update(advanced=True)
    with pytest.raises(ValidationError) as error:
        services.swot_action_save(region=region_a, pairing=pairing, action=action, version=0)
    assert message in error.value.messages[0]
    assert not SwotAction.objects.exists()


def test_swot_action_save_needs_the_advanced_swot_picked_first(region_a):
    _items(region_a, S=2, W=2, O=2, T=2)
    with pytest.raises(ValidationError) as error:
        services.swot_action_save(region=region_a, pairing="SO", action="行动", version=0)
    assert "请先选定高阶 SWOT" in error.value.messages[0] and "目前优势 0 条" in error.value.messages[0]
    assert not SwotAction.objects.exists()


def test_swot_item_delete_refuses_another_regions_item(region_a, region_b):
    other = SwotItem.objects.create(region=region_b, kind="S", text="B")
    with pytest.raises(ValidationError):
        services.swot_item_delete(region=region_a, item=other)
    assert SwotItem.objects.filter(pk=other.pk).exists()


# --- names are text everywhere; exports -------------------------------------------------------------


def test_markup_in_items_and_competitor_names_is_shown_as_text(client_for, director, region_a):
    SwotItem.objects.create(region=region_a, kind="S", text=XSS_SCRIPT)
    rival = Competitor.objects.create(region=region_a, name=XSS_IMG, product_series="数据业务")
    _scores(region_a, "数据业务", rival, ours={"core_metrics": 5}, theirs={"core_metrics": 1})
    body = client_for(director).get("/r/A/swot/").content.decode()
    assert XSS_SCRIPT not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "我方优于&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body


def test_the_items_export_to_excel_with_markup_as_plain_text(client_for, director, region_a):
    SwotItem.objects.create(region=region_a, kind="S", text=XSS_SCRIPT, advanced=True)
    SwotItem.objects.create(region=region_a, kind="O", text="=1+1", source="macro")
    response = client_for(director).get("/r/A/swot/?format=xlsx&table=items")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows == [("类型", "内容", "来源", "入选高阶"), ("优势", XSS_SCRIPT, None, "是"), ("机会", "=1+1", "宏观环境", "否")]


def test_the_suggestions_and_actions_export_too_and_an_unknown_table_is_refused(client_for, director, region_a):
    rival = Competitor.objects.create(region=region_a, name="对手甲", product_series="数据业务")
    _scores(region_a, "数据业务", rival, ours={"pricing": 1}, theirs={"pricing": 3})
    client = client_for(director)
    rows = list(load_workbook(io.BytesIO(client.get("/r/A/swot/?format=xlsx&table=suggestions").content))
                .active.iter_rows(values_only=True))
    assert rows[1][:3] == ("数据业务", "劣势", "数据业务·价格体系：我方不及对手甲")
    actions = list(load_workbook(io.BytesIO(client.get("/r/A/swot/?format=xlsx&table=actions").content))
                   .active.iter_rows(values_only=True))
    assert [r[0] for r in actions[1:]] == ["S+O 保持发展", "S+T 居安思危", "W+O 否定自我", "W+T 挑战自我"]
    bad = client.get("/r/A/swot/?format=xlsx&table=nonsense")
    assert bad.status_code == 400 and "nonsense" in bad.content.decode()


# --- query count ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n_items,n_competitors", [(1, 1), (40, 3)])
def test_the_swot_page_query_count_does_not_grow_with_the_data(client_for, director, region_a,
                                                               django_assert_num_queries, n_items, n_competitors):
    _items(region_a, S=n_items, W=n_items, O=n_items, T=n_items)
    for series in ("数据业务", "语音业务"):
        for rank in range(1, n_competitors + 1):
            rival = Competitor.objects.create(region=region_a, name=f"对手{rank}", product_series=series, rank=rank)
            _scores(region_a, series, rival, ours={"core_metrics": 5, "pricing": 1},
                    theirs={"core_metrics": 3, "pricing": 3})
    client = client_for(director)
    # session, user, region + settings, nav regions, SWOT items, SWOT actions, comparison scores
    with django_assert_num_queries(7):
        response = client.get("/r/A/swot/")
    assert response.status_code == 200
    assert response.content.decode().count('id="swot-item-') == 4 * n_items

"""竞争策略与市场推拉 (DOMAIN §4.5, §4.6): positioning, position and strategies per
product series, stance per competitor, push and pull special actions."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from customers.models import ComparisonScore, Competitor, Dimension
from planning import services
from planning.models import CompetitivePosition, CompetitorStance, SpecialAction, StrategyOption
from teams.models import Region
from tests import factories
from tests.html_forms import form_posting_to, htmx_swaps

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
HTMX = {"HX-Request": "true"}
SERIES = "数据业务"


def _score_all(region, competitor, score, series=SERIES):
    ComparisonScore.objects.bulk_create(
        ComparisonScore(region=region, product_series=series, competitor=competitor, dimension=d, score=score)
        for d in Dimension.values
    )


@pytest.fixture
def market(region_a):
    """数据业务: we hold 30 % with capability 4; 对手甲 50 % with 3; 对手乙 20 %, unscored."""
    factories.products(1)
    first = Competitor.objects.create(region=region_a, name="对手甲", product_series=SERIES, rank=1,
                                      market_share=Decimal("0.5"))
    second = Competitor.objects.create(region=region_a, name="对手乙", product_series=SERIES, rank=2,
                                       market_share=Decimal("0.2"))
    _score_all(region_a, None, 4)
    _score_all(region_a, first, 3)
    position = CompetitivePosition.objects.create(region=region_a, product_series=SERIES, our_share=Decimal("0.3"))
    return first, second, position


def _option(name, position):
    return StrategyOption.objects.get(name=name, position=position)


def _series_card(body, n=1):
    return re.search(rf'<article class="card series" id="series-{n}">.*?</article>', body, re.S).group(0)


def _rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def _version(region):
    return Region.objects.get(pk=region.pk).data_version


# --- position per product series ----------------------------------------------------------------------


def test_a_position_is_suggested_from_the_shares_and_capabilities_with_its_reason(client_for, director, region_a,
                                                                                  market):
    card = _series_card(client_for(director).get("/r/A/strategy/").content.decode())
    assert "<h3>数据业务</h3>" in card
    assert "<strong>挑战者</strong>" in card
    assert "挑战者：我方份额 30.00% &lt; 对手甲 50.00%，但我方能力 4.00 ≥ 对手甲 3.00" in card
    assert '<strong class="effective">挑战者</strong>' in card and "（采用建议）" in card
    # the competitors with share and mean score; 对手乙 has no scores
    assert re.search(r"对手甲 <span class=\"tag\">份额最大</span></td><td class=\"num\">50.00 %</td>"
                     r"<td class=\"num\">3.00</td>", card)
    assert re.search(r"对手乙</td><td class=\"num\">20.00 %</td><td class=\"num\">—</td>", card)


def test_without_our_share_no_position_is_suggested(client_for, director, region_a, market):
    CompetitivePosition.objects.update(our_share=None)
    card = _series_card(client_for(director).get("/r/A/strategy/").content.decode())
    assert "请填写我方份额" in card and '<strong class="effective">—</strong>' in card


def test_the_director_overrides_the_position_and_picks_its_strategies(client_for, director, region_a, market):
    client = client_for(director)
    picked = [_option("阵地防御", "leader"), _option("新用户", "leader")]
    response = client.post("/r/A/strategy/position/", {
        "product_series": SERIES, "our_share": "30", "position": "leader",
        "strategies": [o.pk for o in picked], "focus": "守住金融行业", "version": "0"})
    assert response.status_code == 302 and response["Location"] == "/r/A/strategy/#strategy-positions"
    record = CompetitivePosition.objects.get()
    assert (record.position, record.our_share, record.focus) == ("leader", Decimal("0.3"), "守住金融行业")
    assert set(record.strategies.all()) == set(picked)
    card = _series_card(client.get("/r/A/strategy/").content.decode())
    assert '<strong class="effective">领导者</strong> <span class="tag">主任调整</span>' in card
    assert re.search(rf'value="{picked[0].pk}" checked', card)


def test_a_new_share_is_taken_with_the_suggestion_it_leads_to(client_for, director, region_a, market):
    nicher_option = _option("客户", "nicher")
    response = client_for(director).post("/r/A/strategy/position/", {
        "product_series": SERIES, "our_share": "5", "position": "", "niche": nicher_option.pk,
        "niche_segment": "金融行业", "version": "0"}, headers=HTMX)
    body = response.content.decode()
    # 5 % < 50 % and capability 4 ≥ 3: still a challenger, so the nicher's option is refused
    assert "数据业务：所选策略与竞争地位“挑战者”不符：客户（专攻者）" in body
    assert CompetitivePosition.objects.get().our_share == Decimal("0.3")


def test_strategies_of_another_position_are_refused_and_nothing_is_written(client_for, director, region_a, market):
    before = _version(region_a)
    response = client_for(director).post("/r/A/strategy/position/", {
        "product_series": SERIES, "our_share": "30", "strategies": [_option("阵地防御", "leader").pk],
        "version": "0"})
    assert response.status_code == 400
    assert "所选策略与竞争地位“挑战者”不符：阵地防御（领导者）" in response.content.decode()
    assert not CompetitivePosition.objects.get().strategies.exists() and _version(region_a) == before


def test_the_positioning_4p1s_is_saved_and_shown_with_its_notes(client_for, director, region_a, market):
    client = client_for(director)
    response = client.post("/r/A/strategy/positioning/", {
        "product_series": SERIES, "target_market": "金融与园区", "price": "中高端", "service": "7×24 驻场",
        "version": "0"},
        headers=HTMX)
    assert response.status_code == 200 and response.content.decode().lstrip().startswith(
        '<section id="strategy-positions">')
    assert CompetitivePosition.objects.get().positioning == {
        "target_market": "金融与园区", "product": "", "price": "中高端", "channel": "", "sales_model": "",
        "service": "7×24 驻场"}
    card = _series_card(client.get("/r/A/strategy/").content.decode())
    assert ">金融与园区</textarea>" in card and "坚持和强化“塑造”与“传播”" in card and "把握均衡" in card


def test_a_region_without_products_or_competitors_explains_each_empty_section(client_for, director, region_a):
    response = client_for(director).get("/r/A/strategy/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "还没有产品系列" in body and "还没有登记竞争对手" in body and "还没有专项动作" in body


def test_a_series_without_competitors_or_scores_is_a_leader_by_share(client_for, director, region_a):
    factories.products(1)
    CompetitivePosition.objects.create(region=region_a, product_series=SERIES, our_share=Decimal("0"))
    card = _series_card(client_for(director).get("/r/A/strategy/").content.decode())
    assert "本产品系列还没有登记竞争对手" in card and "领导者：我方份额 0.00%，没有对手份额更大" in card


# --- stance toward each competitor --------------------------------------------------------------------


def test_a_stance_toward_a_competitor_is_saved_with_targets_and_expectation(client_for, director, region_a, market):
    first, second, _ = market
    client = client_for(director)
    response = client.post(f"/r/A/strategy/competitors/{first.pk}/stance/", {
        "stance": "focused_attack", "target_note": "金融行业客户", "expected_result": "份额 +5%", "version": "0"})
    assert response.status_code == 302
    stance = CompetitorStance.objects.get(competitor=first)
    assert (stance.stance, stance.target_note, stance.expected_result) == (
        "focused_attack", "金融行业客户", "份额 +5%")
    rows = _rows(client.get("/r/A/strategy/?format=xlsx&table=stances"))
    assert rows[1] == (SERIES, 1, "对手甲", 0.5, "重点进攻", "金融行业客户", "份额 +5%", None)
    assert rows[2] == (SERIES, 2, "对手乙", 0.2, None, None, None, None)


def test_an_unknown_stance_is_refused(client_for, director, region_a, market):
    response = client_for(director).post(f"/r/A/strategy/competitors/{market[0].pk}/stance/", {"stance": "surrender",
                                                                                          "version": "0"},
                                         headers=HTMX)
    assert "对手甲：未知的竞争策略“surrender”" in response.content.decode()
    assert not CompetitorStance.objects.exists()


def test_another_regions_competitor_is_not_found(client_for, director, region_a, region_b):
    other = Competitor.objects.create(region=region_b, name="B 的对手", product_series=SERIES)
    response = client_for(director).post(f"/r/A/strategy/competitors/{other.pk}/stance/", {"stance": "hold"})
    assert response.status_code == 404 and not CompetitorStance.objects.exists()


def test_managers_read_the_strategy_without_forms(client_for, manager_a1, region_a, market):
    CompetitorStance.objects.create(competitor=market[0], stance="hold", target_note="老客户")
    body = client_for(manager_a1).get("/r/A/strategy/").content.decode()
    assert "坚守防御" in body and "老客户" in body and "挑战者" in body
    assert "保存定位" not in body and "添加" not in body and "<textarea" not in body


# --- push and pull --------------------------------------------------------------------------------


def test_a_special_action_is_added_and_listed_with_its_budget(client_for, director, manager_a1, region_a):
    client = client_for(director)
    response = client.post("/r/A/strategy/actions/", {
        "family": "pull", "kind": "展览", "title": "通信展", "month": "2027-05", "week": "20",
        "owner": manager_a1.pk, "budget": "25000.50", "target_class": "invest"})
    assert response.status_code == 302
    action = SpecialAction.objects.get()
    assert (action.family, action.kind, action.month, action.week, action.owner, action.budget,
            action.target_class) == ("pull", "展览", dt.date(2027, 5, 1), 20, manager_a1, Decimal("25000.50"), "invest")
    body = client.get("/r/A/strategy/").content.decode()
    row = re.search(rf'<tr id="action-{action.pk}">.*?</tr>', body, re.S).group(0)
    assert "拉" in row and "通信展" in row and "2027-05" in row and "25,000.50" in row and "二级 投入类" in row
    rows = _rows(client.get("/r/A/strategy/?format=xlsx&table=actions"))
    assert rows[1] == ("拉", "展览", "通信展", "2027-05", 20, "manager_a1", 25000.5, "二级 投入类", None)


@pytest.mark.parametrize("changes,message", [
    ({"kind": "广告"}, "动作“广告”不属于推（推：组织、渠道、人员、激励、投入、有效接触、促单、转介绍、服务维持）"),
    ({"budget": "-1"}, "预算 -1 不能为负数"),
    ({"month": "2027-13"}, "月份“2027-13”应为 YYYY-MM，例如 2027-03"),
    ({"title": ""}, "请填写内容"),
    ({"week": "60"}, "周 60 超出 1–53 的范围"),
    ({"target_class": "vip"}, "未知的目标客户类“vip”"),
])
def test_a_bad_special_action_is_refused_with_its_reason(client_for, director, region_a, changes, message):
    data = {"family": "push", "kind": "促单", "title": "季末促单", "month": "2027-03", "budget": "100"} | changes
    response = client_for(director).post("/r/A/strategy/actions/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not SpecialAction.objects.exists()


def test_an_owner_from_another_region_is_refused(client_for, director, manager_b, region_a):
    response = client_for(director).post("/r/A/strategy/actions/", {
        "family": "push", "kind": "促单", "title": "季末促单", "month": "2027-03", "owner": manager_b.pk})
    assert response.status_code == 400 and f"负责人 {manager_b.pk} 不是本区域的人员" in response.content.decode()
    with pytest.raises(ValidationError, match="不是本区域的人员"):
        services.special_action_add(region=region_a, family="push", kind="促单", title="x", month=dt.date(2027, 3, 1),
                                    owner=manager_b)
    assert not SpecialAction.objects.exists()


def test_deleting_a_special_action_with_htmx_returns_the_section(client_for, director, region_a, region_b):
    keep = SpecialAction.objects.create(region=region_a, family="push", kind="激励", title="留下",
                                        month=dt.date(2027, 1, 1))
    gone = SpecialAction.objects.create(region=region_a, family="push", kind="激励", title="删掉",
                                        month=dt.date(2027, 1, 1))
    other = SpecialAction.objects.create(region=region_b, family="push", kind="激励", title="B",
                                         month=dt.date(2027, 1, 1))
    client = client_for(director)
    body = client.post(f"/r/A/strategy/actions/{gone.pk}/delete/", headers=HTMX).content.decode()
    assert body.lstrip().startswith('<section id="strategy-actions"') and "留下" in body and "删掉" not in body
    assert client.post(f"/r/A/strategy/actions/{other.pk}/delete/").status_code == 404
    assert set(SpecialAction.objects.all()) == {keep, other}


# --- each form carries the version it was read at ------------------------------------------------------


def _strategy_form(client, action, **having):
    return form_posting_to(client.get("/r/A/strategy/").content.decode(), action, having=having)


def test_the_position_forms_carry_their_versions_and_the_values_they_show(client_for, director, region_a, market):
    CompetitivePosition.objects.update(positioning={"price": "中高端"}, positioning_version=3, position_version=5)
    client = client_for(director)
    positioning = _strategy_form(client, "/r/A/strategy/positioning/")
    assert positioning.data["version"] == ["3"] and positioning.data["initial-price"] == ["中高端"]
    position = _strategy_form(client, "/r/A/strategy/position/")
    assert position.data["version"] == ["5"] and position.data["initial-our_share"] == ["30"]
    assert position.data["initial-position"] == [""] and "initial-strategies" not in position.data


def test_a_positioning_read_before_anothers_save_is_refused_naming_what_changed(
        client_for, director, region_a, market):
    client = client_for(director)
    mine = _strategy_form(client, "/r/A/strategy/positioning/")
    assert client.post("/r/A/strategy/positioning/", _strategy_form(client, "/r/A/strategy/positioning/").post(
        target_market="金融与园区", channel="渠道\r\n代理")).status_code == 302
    response = client.post("/r/A/strategy/positioning/", mine.post(price="中高端"), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 409 and body.lstrip().startswith('<section id="strategy-positions">')
    assert "数据业务：此记录已被他人修改：目标市场 现为“金融与园区”，渠道运作 现为“渠道 代理”。请核对后再保存。" in body
    record = CompetitivePosition.objects.get()
    assert (record.positioning["price"], record.positioning_version) == ("", 1)
    fresh = form_posting_to(body, "/r/A/strategy/positioning/")
    assert fresh.data["version"] == ["1"] and fresh.data["target_market"] == ["金融与园区"]
    assert client.post("/r/A/strategy/positioning/", fresh.post(price="中高端")).status_code == 302
    assert CompetitivePosition.objects.get().positioning["price"] == "中高端"


def test_a_position_read_before_anothers_save_is_refused_naming_what_changed(client_for, director, region_a, market):
    client = client_for(director)
    mine = _strategy_form(client, "/r/A/strategy/position/")
    defence = _option("阵地防御", "leader")
    assert client.post("/r/A/strategy/position/", _strategy_form(client, "/r/A/strategy/position/").post(
        our_share="40", position="leader", strategies=[str(defence.pk)])).status_code == 302
    response = client.post("/r/A/strategy/position/", mine.post(focus="守住金融行业"))
    body = response.content.decode()
    assert response.status_code == 409 and "<html" in body
    assert ("数据业务：此记录已被他人修改：我方份额 现为 40%，竞争地位 现为 领导者，策略 现为 阵地防御。"
            "请核对后再保存。") in body
    record = CompetitivePosition.objects.get()
    assert (record.our_share, record.focus, record.position_version) == (Decimal("0.4"), "", 1)
    assert list(record.strategies.all()) == [defence]


def test_saving_the_4p1s_leaves_an_open_position_form_fresh(client_for, director, region_a, market):
    client = client_for(director)
    position = _strategy_form(client, "/r/A/strategy/position/")
    assert client.post("/r/A/strategy/positioning/", _strategy_form(client, "/r/A/strategy/positioning/").post(
        price="中高端")).status_code == 302
    assert client.post("/r/A/strategy/position/", position.post(focus="守住金融行业")).status_code == 302
    record = CompetitivePosition.objects.get()
    assert (record.positioning["price"], record.focus) == ("中高端", "守住金融行业")
    assert (record.positioning_version, record.position_version) == (1, 1)


def test_a_series_first_position_saved_twice_from_forms_read_before_either(client_for, director, region_a, market):
    CompetitivePosition.objects.all().delete()
    client = client_for(director)
    mine, theirs = (_strategy_form(client, "/r/A/strategy/position/") for _ in range(2))
    assert mine.data["version"] == ["0"]
    assert client.post("/r/A/strategy/position/", theirs.post(our_share="35")).status_code == 302
    response = client.post("/r/A/strategy/position/", mine.post(our_share="30"), headers=HTMX)
    assert response.status_code == 409 and "我方份额 现为 35%" in response.content.decode()
    assert CompetitivePosition.objects.get().our_share == Decimal("0.35")


def test_a_stance_read_before_anothers_save_is_refused_naming_what_changed(client_for, director, region_a, market):
    first = market[0]
    client = client_for(director)
    action = f"/r/A/strategy/competitors/{first.pk}/stance/"
    mine = _strategy_form(client, action)
    assert mine.data["version"] == ["0"] and mine.data["initial-stance"] == [""]
    assert client.post(action, _strategy_form(client, action).post(stance="hold", expected_result="守住份额")
                       ).status_code == 302
    response = client.post(action, mine.post(stance="full_attack"), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 409 and body.lstrip().startswith('<section id="strategy-stances"')
    assert "对手甲：此记录已被他人修改：策略 现为 坚守防御，期望结果 现为“守住份额”。请核对后再保存。" in body
    stance = CompetitorStance.objects.get()
    assert (stance.stance, stance.version) == ("hold", 1)
    fresh = form_posting_to(body, action)
    assert fresh.data["version"] == ["1"] and fresh.data["stance"] == ["hold"]


def test_the_strategy_page_lets_htmx_swap_in_a_409_answer(client_for, director, region_a, market):
    assert htmx_swaps(client_for(director).get("/r/A/strategy/").content.decode(), 409)


# --- services ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs,message", [
    ({"product_series": "卫星业务"}, "未知的产品系列“卫星业务”"),
    ({"our_share": Decimal("1.5")}, "我方份额 150.0% 超出 0–100% 的范围"),
    ({"our_share": Decimal("0.12345")}, "最多保留两位小数"),
    ({"position": "boss"}, "未知的竞争地位“boss”"),
    ({"strategy_ids": [999999]}, "所选策略不在策略目录中"),
    ({"our_share": None, "strategy_ids": "new_users"}, "还没有竞争地位"),
])
def test_competitive_position_save_refuses_bad_input_and_writes_nothing(region_a, market, kwargs, message):
    if kwargs.get("strategy_ids") == "new_users":
        kwargs["strategy_ids"] = [_option("新用户", "leader").pk]
    before = _version(region_a)
    args = {"region": region_a, "product_series": SERIES, "our_share": Decimal("0.3"), "position": "",
            "strategy_ids": [], "version": 0} | kwargs
    with pytest.raises(ValidationError) as error:
        services.competitive_position_save(**args)
    assert message in error.value.messages[0]
    record = CompetitivePosition.objects.get()
    assert (record.our_share, record.position) == (Decimal("0.3"), "") and _version(region_a) == before


def test_positioning_save_refuses_unknown_keys_and_overlong_text(region_a, market):
    with pytest.raises(ValidationError, match="未知的定位项：colour"):
        services.positioning_save(region=region_a, product_series=SERIES, positioning={"colour": "红"}, version=0)
    with pytest.raises(ValidationError, match="目标市场过长"):
        services.positioning_save(region=region_a, product_series=SERIES, positioning={"target_market": "长" * 1001},
                                  version=0)
    assert CompetitivePosition.objects.get().positioning == {}


def test_competitor_stance_save_refuses_another_regions_competitor(region_a, region_b):
    other = Competitor.objects.create(region=region_b, name="B", product_series=SERIES)
    with pytest.raises(ValidationError, match="不属于本区域"):
        services.competitor_stance_save(region=region_a, competitor=other, stance="hold", version=0)
    assert not CompetitorStance.objects.exists()


def test_special_action_delete_refuses_another_regions_action(region_a, region_b):
    other = SpecialAction.objects.create(region=region_b, family="pull", kind="广告", title="B",
                                         month=dt.date(2027, 1, 1))
    with pytest.raises(ValidationError, match="不属于本区域"):
        services.special_action_delete(region=region_a, action=other)
    assert SpecialAction.objects.filter(pk=other.pk).exists()


def test_special_action_add_refuses_an_unknown_family(region_a):
    with pytest.raises(ValidationError, match="未知的类型“sideways”"):
        services.special_action_add(region=region_a, family="sideways", kind="促单", title="x",
                                    month=dt.date(2027, 3, 1))
    assert not SpecialAction.objects.exists()


# --- names are text; exports; query count ----------------------------------------------------------------


def test_competitor_names_with_markup_are_text_on_the_page_and_in_the_export(client_for, director, region_a):
    factories.products(1)
    Competitor.objects.create(region=region_a, name=XSS_IMG, product_series=SERIES, market_share=Decimal("0.6"))
    Competitor.objects.create(region=region_a, name=XSS_SCRIPT, product_series=SERIES, rank=2)
    CompetitivePosition.objects.create(region=region_a, product_series=SERIES, our_share=Decimal("0.2"))
    client = client_for(director)
    body = client.get("/r/A/strategy/").content.decode()
    assert XSS_SCRIPT not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body
    assert {r[2] for r in _rows(client.get("/r/A/strategy/?format=xlsx&table=stances"))[1:]} == {XSS_IMG, XSS_SCRIPT}
    positions = _rows(client.get("/r/A/strategy/?format=xlsx&table=positions"))
    assert positions[1][:4] == (SERIES, 0.2, None, XSS_IMG)


def test_the_positions_export_carries_the_suggestion_the_choice_and_the_4p1s(client_for, director, region_a, market):
    record = market[2]
    record.positioning = {"target_market": "金融"}
    record.save()
    record.strategies.set([_option("重点进攻", "challenger")])
    rows = _rows(client_for(director).get("/r/A/strategy/?format=xlsx&table=positions"))
    assert rows[0][:10] == ("产品系列", "我方份额", "我方能力", "份额最大的对手", "对手能力", "建议地位", "理由",
                            "确定地位", "策略", "重点")
    assert rows[1][:10] == (SERIES, 0.3, 4, "对手甲", 3, "挑战者",
                            "挑战者：我方份额 30.00% < 对手甲 50.00%，但我方能力 4.00 ≥ 对手甲 3.00", "挑战者",
                            "重点进攻", None)
    assert rows[1][10] == "金融"


@pytest.mark.parametrize("n,n_customers", [(1, 3), (12, 40)])
def test_the_strategy_page_query_count_does_not_grow_with_the_data(client_for, director, manager_a1, region_a,
                                                                   django_assert_num_queries, n, n_customers):
    customers = factories.seed(region_a, manager_a1, n_customers, factories.products(2), projects_per_customer=0)
    for s in range(n):
        series = f"系列{s}"
        CompetitivePosition.objects.create(region=region_a, product_series=series, our_share=Decimal("0.2"))
        for rank in (1, 2, 3):
            rival = Competitor.objects.create(region=region_a, name=f"对手{rank}", product_series=series, rank=rank,
                                              market_share=Decimal("0.1") * rank)
            stance = CompetitorStance.objects.create(competitor=rival, stance="hold")
            stance.target_customers.set(customers[:rank])
            _score_all(region_a, rival, rank, series)
        _score_all(region_a, None, 3, series)
        action = SpecialAction.objects.create(region=region_a, family="push", kind="促单", title=f"动作{s}",
                                              month=dt.date(2027, 1, 1), owner=manager_a1)
        action.target_customers.set(customers[:2])
    client = client_for(director)
    client.get("/r/A/strategy/")  # the customers' stored results are judged once
    # session, user, region + settings, nav regions, competitors + stances, the customers they name,
    # product series (one UNION), positions, their strategies, comparison scores, strategy options,
    # region people, special actions, the customers they name, value classes per series, value classes
    # of all customers, the region's customers for the picker
    with django_assert_num_queries(17):
        response = client.get("/r/A/strategy/")
    body = response.content.decode()
    assert body.count('<article class="card series"') == n + 1  # + 数据业务 of the products
    assert body.count("<option value=\"A-manager_a1-C") == n_customers  # the picker lists every customer once

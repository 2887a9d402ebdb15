"""竞争对手与自己平台 (/r/<region>/competitors/): competitors, the nine scores, the radar, intelligence."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from customers.services import competitor_save, intelligence_add, scores_save
from customers.views import series_key
from customers.models import ComparisonScore, Competitor, IntelligenceChannel, IntelligenceEntry, Product
from teams.models import Region
from tests.customers.test_contribution_pages import EVIL
from tests.html_forms import form_posting_to, htmx_swaps
from tsm.lib.versions import StaleEdit

HX = {"HX-Request": "true"}
KEY = series_key("数据业务")


@pytest.fixture
def field(region_a, director):
    """Two series; 数据业务 has two competitors (one with a hostile name) and a few scores."""
    Product.objects.create(code="DL01", name="互联网专线", series="数据业务")
    Product.objects.create(code="VO01", name="语音专线", series="语音业务")
    alpha = Competitor.objects.create(region=region_a, name="联通", product_series="数据业务", rank=1,
                                      goal="target_customers", goal_note="抢占金融行业", reaction="fierce",
                                      reaction_note="价格战")
    evil = Competitor.objects.create(region=region_a, name=EVIL, product_series="数据业务", rank=2)
    ComparisonScore.objects.bulk_create([
        ComparisonScore(region=region_a, product_series="数据业务", competitor=None, dimension="core_metrics", score=4),
        ComparisonScore(region=region_a, product_series="数据业务", competitor=alpha, dimension="core_metrics",
                        score=3),
        ComparisonScore(region=region_a, product_series="数据业务", competitor=evil, dimension="pricing", score=5),
    ])
    channel = IntelligenceChannel.objects.get(code="manager")
    IntelligenceEntry.objects.create(region=region_a, competitor=alpha, channel=channel, date=dt.date(2026, 3, 1),
                                     content="联通推出专线七折", author=director)
    IntelligenceEntry.objects.create(region=region_a, competitor=evil, channel=IntelligenceChannel.objects.get(
        code="events"), date=dt.date(2026, 4, 1), content="招标会上报价最低")
    return {"alpha": alpha, "evil": evil}


def _radar(body, key=KEY):
    raw = re.search(rf'<script id="radar-{key}" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(raw.group(1))["data"]


def _series(body, key=KEY):
    return re.search(rf'<section class="card series" id="{key}">.*?</section>', body, re.S).group(0)


# --- reading ------------------------------------------------------------------------------------------------------


def test_each_series_lists_its_competitors_with_their_text_fields(client_for, executive, field):
    body = client_for(executive).get("/r/A/competitors/").content.decode()
    data = _series(body)
    assert "第 1 名 · 联通" in data and "抢占金融行业" in data and "价格战" in data
    alpha, evil = re.findall(r'<article class="competitor" id="competitor-\d+">.*?</article>', data, re.S)
    assert '<strong class="judged">目标客户</strong>' in alpha and '<strong class="judged">凶猛</strong>' in alpha
    for heading in ("可能的发展趋势", "在产品方面", "在运作方面", "在组织人员方面"):
        assert heading in alpha
    assert "尚未判断" not in alpha and evil.count("尚未判断") == 2  # goal and reaction not yet judged
    assert "尚未登记这个系列的竞争对手" in _series(body, series_key("语音业务"))


def test_the_scores_grid_and_the_radar_show_us_and_each_competitor(client_for, manager_a1, field):
    body = client_for(manager_a1).get("/r/A/competitors/").content.decode()
    row = re.search(rf'<tr id="{KEY}-core_metrics">.*?</tr>', body, re.S).group(0)
    assert re.findall(r'<td class="num">(.*?)</td>', row) == ["4", "3", "—"]
    radar = _radar(body)
    assert [t["type"] for t in radar] == ["scatterpolar"] * 3
    assert radar[0]["name"] == "自己平台" and radar[1]["name"] == "联通"
    # nine dimensions and back to the first; missing scores are gaps
    assert radar[0]["r"] == [4, None, None, None, None, None, None, None, None, 4]
    assert radar[2]["r"][3] == 5 and radar[0]["theta"][0] == "核心指标" and len(radar[0]["theta"]) == 10


def test_readers_get_no_forms_and_directors_do(client_for, manager_a1, director, field):
    read = client_for(manager_a1).get("/r/A/competitors/").content.decode()
    assert "保存评分" not in read and "添加竞争对手" not in read and "记录一条情报" not in read
    write = client_for(director).get("/r/A/competitors/").content.decode()
    assert "保存评分" in write and 'name="own-core_metrics"' in write and "记录一条情报" in write


def test_hostile_competitor_names_are_text_in_the_page_and_the_radar(client_for, director, field):
    body = client_for(director).get("/r/A/competitors/").content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert _radar(body)[2]["name"] == ("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&quot;&gt;"
                                       "&lt;img src=x onerror=alert(1)&gt;")


def test_the_intelligence_log_is_grouped_and_filtered_by_channel(client_for, manager_a1, field):
    client = client_for(manager_a1)
    body = client.get("/r/A/competitors/").content.decode()
    assert "全部（2）" in body and "客户经理收集（1）" in body and "展览、活动、招投标（1）" in body
    body = client.get("/r/A/competitors/?channel=manager", headers=HX).content.decode()
    assert body.lstrip().startswith('<section class="card" id="intel-log">')
    assert "联通推出专线七折" in body and "招标会上报价最低" not in body
    bad = client.get("/r/A/competitors/?channel=spying")
    assert bad.status_code == 400 and "<li>情报渠道：" in bad.content.decode()


def test_a_disabled_channel_is_offered_no_more_but_its_entries_stay_listed(client_for, director, field):
    IntelligenceChannel.objects.filter(code="events").update(enabled=False)
    body = client_for(director).get("/r/A/competitors/").content.decode()
    assert '<option value="events">' not in body and '<option value="manager">' in body
    assert "招标会上报价最低" in body and "已停用" in body


def test_a_region_without_series_or_entries_shows_empty_states(client_for, director, region_a):
    body = client_for(director).get("/r/A/competitors/").content.decode()
    assert "还没有产品系列" in body and "还没有情报记录" in body


def test_the_three_tables_export_to_excel_as_plain_text(client_for, director, field):
    client = client_for(director)

    def sheet(table):
        response = client.get(f"/r/A/competitors/?format=xlsx&table={table}")
        return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))

    competitors = sheet("competitors")
    assert competitors[0][4:8] == ("在本区域的主要目标", "目标说明", "对我方的反应模式", "反应说明")
    assert competitors[0][11:] == ("在产品方面可能的发展趋势", "在运作方面可能的发展趋势", "在组织人员方面可能的发展趋势")
    assert competitors[1][:8] == ("数据业务", 1, "联通", None, "目标客户", "抢占金融行业", "凶猛", "价格战")
    assert competitors[2][2] == EVIL and competitors[2][4] is None  # not yet judged: an empty cell
    scores = sheet("scores")
    assert scores[0][:3] == ("产品系列", "对象", "核心指标")
    assert scores[1][:4] == ("数据业务", "自己平台", 4, None) and scores[3][:2] == ("数据业务", EVIL)
    assert scores[3][5] == 5  # 价格体系
    log = sheet("intelligence")
    assert log[1] == ("2026-04-01", "数据业务", EVIL, "展览、活动、招投标", "招标会上报价最低", None)


# --- writing ------------------------------------------------------------------------------------------------------


def _scores_form(client, series="数据业务"):
    return form_posting_to(client.get("/r/A/competitors/").content.decode(), "/r/A/competitors/scores/",
                           having={"series": series})


def test_the_grid_posts_the_score_each_cell_showed(client_for, director, field):
    form = _scores_form(client_for(director))
    assert form.data["own-core_metrics"] == ["4"] and form.data["initial-own-core_metrics"] == ["4"]
    assert form.data[f"initial-c{field['evil'].pk}-pricing"] == ["5"] and form.data["initial-own-pricing"] == [""]


def test_saving_scores_with_htmx_returns_the_series_with_its_new_radar(client_for, director, field):
    alpha, evil = field["alpha"], field["evil"]
    client = client_for(director)
    response = client.post("/r/A/competitors/scores/", _scores_form(client).post(**{
        "own-core_metrics": "5", "own-pricing": "2", f"c{alpha.pk}-core_metrics": "3", f"c{evil.pk}-pricing": ""}),
        headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith(f'<section class="card series" id="{KEY}">')
    assert _radar(body)[0]["r"][:4] == [5, None, None, 2]
    ours = dict(ComparisonScore.objects.filter(competitor=None).values_list("dimension", "score"))
    assert ours == {"core_metrics": 5, "pricing": 2}
    # emptying a cell removed the other competitor's 价格体系 score
    assert not ComparisonScore.objects.filter(competitor=evil).exists()


def test_a_post_of_one_cell_leaves_every_other_score_as_it_is(client_for, director, field):
    response = client_for(director).post("/r/A/competitors/scores/", {"series": "数据业务", "own-pricing": "3"})
    assert response.status_code == 302
    scores = {(s.competitor_id, s.dimension): s.score for s in ComparisonScore.objects.all()}
    assert scores == {(None, "core_metrics"): 4, (field["alpha"].pk, "core_metrics"): 3,
                      (field["evil"].pk, "pricing"): 5, (None, "pricing"): 3}


def test_two_directors_scoring_different_cells_of_one_grid_both_land(client_for, director, field):
    alpha = field["alpha"]
    client = client_for(director)
    mine, theirs = _scores_form(client), _scores_form(client)
    assert client.post("/r/A/competitors/scores/", theirs.post(**{"own-pricing": "2", "own-core_metrics": "5"})
                       ).status_code == 302
    # my grid still shows 核心指标 4 and no 价格体系: saving my one cell leaves theirs alone
    assert client.post("/r/A/competitors/scores/", mine.post(**{f"c{alpha.pk}-core_metrics": "1"})).status_code == 302
    scores = {(s.competitor_id, s.dimension): s.score for s in ComparisonScore.objects.all()}
    assert scores == {(None, "core_metrics"): 5, (None, "pricing"): 2, (alpha.pk, "core_metrics"): 1,
                      (field["evil"].pk, "pricing"): 5}


def test_a_grid_saved_unchanged_writes_nothing(client_for, director, field, region_a):
    client = client_for(director)
    assert client.post("/r/A/competitors/scores/", _scores_form(client).post()).status_code == 302
    assert Region.objects.get(pk=region_a.pk).data_version == 0


def test_a_score_outside_one_to_five_is_refused_naming_dimension_and_competitor(client_for, director, field):
    alpha = field["alpha"]
    response = client_for(director).post("/r/A/competitors/scores/", {
        "series": "数据业务", "own-core_metrics": "1", f"c{alpha.pk}-service_model": "6"}, headers=HX)
    assert response.status_code == 400
    assert "联通「服务模式」的评分应为 1–5 的整数" in response.content.decode()
    assert ComparisonScore.objects.get(competitor=None, dimension="core_metrics").score == 4


def test_scores_without_javascript_redirect_to_the_series(client_for, director, field):
    response = client_for(director).post("/r/A/competitors/scores/", {"series": "语音业务", "own-pricing": "3"})
    assert response.status_code == 302 and response["Location"] == f"/r/A/competitors/#{series_key('语音业务')}"
    assert ComparisonScore.objects.get(product_series="语音业务").score == 3
    refused = client_for(director).post("/r/A/competitors/scores/", {"series": "语音业务", "own-pricing": "0"})
    assert refused.status_code == 400 and "<html" in refused.content.decode()
    assert "自己平台「价格体系」的评分应为 1–5 的整数" in refused.content.decode()


def test_scores_for_an_unknown_series_are_refused_as_plain_text(client_for, director, field):
    response = client_for(director).post("/r/A/competitors/scores/", {"series": "<b>x</b>", "own-pricing": "3"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")


def test_adding_a_competitor_fills_the_series_up_to_three(client_for, director, field):
    client = client_for(director)
    response = client.post("/r/A/competitors/add/", {"product_series": "数据业务", "name": "广电", "rank": "3",
                                                     "market_share": "12.5", "trend_product": "降价"}, headers=HX)
    assert response.status_code == 200 and "第 3 名 · 广电" in response.content.decode()
    assert "添加竞争对手" not in response.content.decode()  # the series is full
    assert Competitor.objects.get(name="广电").market_share == pytest.approx(0.125)
    refused = client.post("/r/A/competitors/add/", {"product_series": "数据业务", "name": "铁通", "rank": "3"},
                          headers=HX)
    assert refused.status_code == 400 and "“数据业务”已有 3 个竞争对手（最多三个）" in refused.content.decode()


def test_a_taken_rank_or_name_is_refused(client_for, director, field):
    client = client_for(director)
    response = client.post("/r/A/competitors/add/", {"product_series": "数据业务", "name": "广电", "rank": "1"})
    assert response.status_code == 400 and "“数据业务”的第 1 名已是“联通”" in response.content.decode()
    response = client.post("/r/A/competitors/add/", {"product_series": "数据业务", "name": "联通", "rank": "3"})
    assert response.status_code == 400 and "“数据业务”已有名为“联通”的竞争对手" in response.content.decode()
    assert Competitor.objects.count() == 2


def test_editing_a_competitor_in_place(client_for, director, field):
    client = client_for(director)
    alpha = field["alpha"]
    form = client.get(f"/r/A/competitors/{alpha.pk}/", headers=HX).content.decode()
    assert form.lstrip().startswith(f'<article class="competitor editing" id="competitor-{alpha.pk}">')
    assert "抢占金融行业" in form
    response = client.post(f"/r/A/competitors/{alpha.pk}/", {
        "product_series": "语音业务", "name": "中国联通", "rank": "1", "goal_note": "守住政企", "market_share": "30",
        "version": "0"},
        headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and "第 1 名 · 中国联通" in body and "守住政企" in body
    alpha.refresh_from_db()
    # the series is fixed: a forged one is ignored
    assert (alpha.name, alpha.product_series, alpha.goal_note, alpha.reaction_note) == ("中国联通", "数据业务", "守住政企", "")
    assert (alpha.goal, alpha.reaction) == ("", "")  # a choice not posted is not judged


def test_goal_and_reaction_are_chosen_from_the_courses_four_and_saved_with_their_notes(client_for, director, field):
    client = client_for(director)
    alpha = field["alpha"]
    form = _edit_form(client, alpha)
    assert form.data["goal"] == ["target_customers"] and form.data["reaction"] == ["fierce"]
    response = client.post(f"/r/A/competitors/{alpha.pk}/", form.post(
        goal="long_term_market", goal_note="三年内拿下园区", reaction="unpredictable", trend_operation="渠道下沉",
        trend_organisation="新设行业部"), headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and '<strong class="judged">长期市场</strong>' in body
    assert '<strong class="judged">随机</strong>' in body and "渠道下沉" in body and "新设行业部" in body
    alpha.refresh_from_db()
    assert (alpha.goal, alpha.goal_note, alpha.reaction, alpha.reaction_note) == (
        "long_term_market", "三年内拿下园区", "unpredictable", "价格战")
    assert (alpha.trend_operation, alpha.trend_organisation) == ("渠道下沉", "新设行业部")


@pytest.mark.parametrize("field_name,message", [("goal", "未知的主要目标“market_share”"),
                                                ("reaction", "未知的反应模式“market_share”")])
def test_an_unknown_goal_or_reaction_is_refused_naming_it_and_nothing_is_written(
        client_for, director, field, region_a, field_name, message):
    client = client_for(director)
    alpha = field["alpha"]
    response = client.post(f"/r/A/competitors/{alpha.pk}/",
                           _edit_form(client, alpha).post(**{field_name: "market_share", "goal_note": "改了"}),
                           headers=HX)
    assert response.status_code == 400 and message in response.content.decode()
    alpha.refresh_from_db()
    assert (alpha.goal, alpha.reaction, alpha.goal_note, alpha.version) == ("target_customers", "fierce", "抢占金融行业", 0)
    added = client.post("/r/A/competitors/add/", {"product_series": "数据业务", "name": "广电", "rank": "3",
                                                  field_name: "凶猛"})
    assert added.status_code == 400 and message.replace("market_share", "凶猛") in added.content.decode()
    assert not Competitor.objects.filter(name="广电").exists()
    assert Region.objects.get(pk=region_a.pk).data_version == 0


def test_competitor_save_refuses_an_unknown_choice_naming_the_four_and_writes_nothing(field, region_a):
    alpha = field["alpha"]
    with pytest.raises(ValidationError) as error:
        competitor_save(region=region_a, competitor=alpha, version=0, product_series="数据业务", name="联通", rank=1,
                        goal="目标客户", reaction="calm", goal_note="改了")
    assert error.value.message_dict == {
        "goal": ["未知的主要目标“目标客户”：应为目标客户、同类产品、短期利润、长期市场之一，尚未判断时留空"],
        "reaction": ["未知的反应模式“calm”：应为从容、凶猛、选择、随机之一，尚未判断时留空"]}
    alpha.refresh_from_db()
    assert (alpha.goal, alpha.reaction, alpha.goal_note, alpha.version) == ("target_customers", "fierce", "抢占金融行业", 0)
    assert Region.objects.get(pk=region_a.pk).data_version == 0


def test_a_choice_left_blank_is_not_yet_judged(field, region_a):
    beta = competitor_save(region=region_a, product_series="语音业务", name="广电", rank=1)
    assert (beta.goal, beta.reaction) == ("", "")
    assert (beta.get_goal_display(), beta.get_reaction_display()) == ("", "")


def test_an_invalid_edit_keeps_the_form_in_the_card(client_for, director, field):
    alpha = field["alpha"]
    response = client_for(director).post(f"/r/A/competitors/{alpha.pk}/", {"name": "", "rank": "1"}, headers=HX)
    assert response.status_code == 400 and response["HX-Retarget"] == f"#competitor-{alpha.pk}"
    assert "请填写竞争对手名称" in response.content.decode()


def _edit_form(client, competitor):
    body = client.get(f"/r/A/competitors/{competitor.pk}/", headers=HX).content.decode()
    return form_posting_to(body, f"/r/A/competitors/{competitor.pk}/")


def test_the_edit_form_carries_the_competitors_version_and_the_values_it_shows(client_for, director, field):
    Competitor.objects.filter(pk=field["alpha"].pk).update(version=3)
    form = _edit_form(client_for(director), field["alpha"])
    assert form.data["version"] == ["3"] and form.data["initial-name"] == ["联通"]
    assert form.data["initial-goal_note"] == ["抢占金融行业"] and "initial-product_series" not in form.data


def test_a_fresh_edit_lands_and_moves_the_version_on(client_for, director, field):
    client = client_for(director)
    alpha = field["alpha"]
    assert client.post(f"/r/A/competitors/{alpha.pk}/", _edit_form(client, alpha).post(trend_product="降价"),
                       headers=HX).status_code == 200
    alpha.refresh_from_db()
    assert (alpha.trend_product, alpha.version) == ("降价", 1)
    assert _edit_form(client, alpha).data["version"] == ["1"]


def test_an_edit_read_before_anothers_save_is_refused_with_the_competitor_as_it_is_now(
        client_for, director, field, region_a):
    client = client_for(director)
    alpha = field["alpha"]
    mine = _edit_form(client, alpha)
    assert client.post(f"/r/A/competitors/{alpha.pk}/", _edit_form(client, alpha).post(name="对手乙", market_share="40"),
                       headers=HX).status_code == 200
    response = client.post(f"/r/A/competitors/{alpha.pk}/", mine.post(goal_note="守住政企"), headers=HX)
    body = response.content.decode()
    assert response.status_code == 409 and response["HX-Retarget"] == f"#competitor-{alpha.pk}"
    assert "此记录已被他人修改：名称 现为“对手乙”，市场份额 现为 40%。请核对后再保存。" in body
    alpha.refresh_from_db()
    assert (alpha.name, alpha.goal_note, alpha.version) == ("对手乙", "抢占金融行业", 1)
    assert Region.objects.get(pk=region_a.pk).data_version == 1
    # the fragment is the form as the competitor is now: saving it again lands
    assert body.lstrip().startswith(f'<article class="competitor editing" id="competitor-{alpha.pk}">')
    fresh = form_posting_to(body, f"/r/A/competitors/{alpha.pk}/")
    assert fresh.data["version"] == ["1"] and fresh.data["name"] == ["对手乙"] and fresh.data["market_share"] == ["40.00"]
    assert client.post(f"/r/A/competitors/{alpha.pk}/", fresh.post(goal_note="守住政企"), headers=HX).status_code == 200
    alpha.refresh_from_db()
    assert (alpha.name, alpha.goal_note, alpha.version) == ("对手乙", "守住政企", 2)


def test_without_javascript_a_stale_edit_shows_the_edit_page_with_409(client_for, director, field):
    client = client_for(director)
    alpha = field["alpha"]
    mine = _edit_form(client, alpha)
    Competitor.objects.filter(pk=alpha.pk).update(rank=3, version=1)
    response = client.post(f"/r/A/competitors/{alpha.pk}/", mine.post(goal_note="守住政企"))
    body = response.content.decode()
    assert response.status_code == 409 and "<html" in body
    assert "此记录已被他人修改：排名 现为 3。请核对后再保存。" in body
    assert form_posting_to(body, f"/r/A/competitors/{alpha.pk}/").data["rank"] == ["3"]


def test_the_competitors_page_lets_htmx_swap_in_a_409_answer(client_for, director, field):
    body = client_for(director).get("/r/A/competitors/").content.decode()
    assert htmx_swaps(body, 409) and htmx_swaps(body, 400) and not htmx_swaps(body, 404)


def test_recording_intelligence_updates_the_log(client_for, director, field):
    alpha = field["alpha"]
    today = timezone.localdate()
    response = client_for(director).post(f"/r/A/competitors/{alpha.pk}/intelligence/", {
        "date": today.isoformat(), "channel": "web", "content": "官网新上线云专线"}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<section class="card" id="intel-log">')
    assert "全部（3）" in body and "官网新上线云专线" in body
    entry = IntelligenceEntry.objects.get(content="官网新上线云专线")
    assert (entry.competitor, entry.channel.code, entry.author) == (alpha, "web", director)


def test_intelligence_from_the_future_is_refused_in_the_card(client_for, director, field):
    alpha = field["alpha"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(director).post(f"/r/A/competitors/{alpha.pk}/intelligence/", {
        "date": tomorrow.isoformat(), "channel": "web", "content": "x"}, headers=HX)
    assert response.status_code == 400 and response["HX-Retarget"] == f"#intel-form-{alpha.pk}"
    assert f"日期 {tomorrow.isoformat()} 晚于今天" in response.content.decode()
    assert IntelligenceEntry.objects.count() == 2


def test_readers_cannot_write(client_for, manager_a1, executive, field):
    alpha = field["alpha"]
    for user in (manager_a1, executive):
        client = client_for(user)
        assert client.post("/r/A/competitors/scores/", {"series": "数据业务", "own-pricing": "3"}).status_code == 404
        assert client.get(f"/r/A/competitors/{alpha.pk}/").status_code == 404
        assert client.post(f"/r/A/competitors/{alpha.pk}/intelligence/", {
            "date": "2026-01-01", "channel": "web", "content": "x"}).status_code == 404
    assert not ComparisonScore.objects.filter(dimension="pricing", competitor=None).exists()


def test_another_regions_competitor_is_not_found(client_for, director_b, field):
    assert client_for(director_b).get(f"/r/B/competitors/{field['alpha'].pk}/").status_code == 404


# --- the services -----------------------------------------------------------------------------------------------------


def test_scores_save_names_each_bad_score_and_writes_nothing(field, region_a):
    alpha = field["alpha"]
    with pytest.raises(ValidationError) as error:
        scores_save(region=region_a, product_series="数据业务",
                    scores={(None, "pricing"): 0, (alpha, "manager_team"): 9, (None, "performance"): 3})
    assert error.value.messages == ["自己平台「价格体系」的评分应为 1–5 的整数，而不是 0",
                                    "联通「经理队伍」的评分应为 1–5 的整数，而不是 9"]
    assert ComparisonScore.objects.count() == 3


def test_scores_save_refuses_a_competitor_of_another_series(field, region_a):
    with pytest.raises(ValidationError):
        scores_save(region=region_a, product_series="语音业务", scores={(field["alpha"], "pricing"): 3})


def test_scores_save_touches_the_region(field, region_a):
    before = Region.objects.get(pk=region_a.pk).data_version
    scores_save(region=region_a, product_series="数据业务", scores={(None, "pricing"): 3})
    assert Region.objects.get(pk=region_a.pk).data_version == before + 1


def test_competitor_save_keeps_a_competitors_series(field, region_a):
    with pytest.raises(ValidationError) as error:
        competitor_save(region=region_a, competitor=field["alpha"], version=0, product_series="语音业务", name="联通",
                        rank=1)
    assert error.value.message_dict == {"product_series": ["不能更改竞争对手的产品系列"]}


def test_competitor_save_refuses_a_stale_version_and_writes_nothing(field, region_a):
    alpha = field["alpha"]
    Competitor.objects.filter(pk=alpha.pk).update(reaction_note="合作", version=1)
    with pytest.raises(StaleEdit) as error:
        # nothing said about what the form showed: named are the fields whose stored value
        # differs from the post, the caller's own changes (反应模式, 产品趋势) among them
        competitor_save(region=region_a, competitor=alpha, version=0, product_series="数据业务", name="联通", rank=1,
                        goal="target_customers", goal_note="抢占金融行业", reaction="selective", reaction_note="价格战",
                        trend_product="降价")
    assert error.value.messages == ["此记录已被他人修改：对我方的反应模式 现为 凶猛，反应说明 现为“合作”，"
                                    "在产品方面可能的发展趋势 现为空白。请核对后再保存。"]
    alpha.refresh_from_db()
    assert (alpha.reaction, alpha.reaction_note, alpha.trend_product, alpha.version) == ("fierce", "合作", "", 1)
    assert Region.objects.get(pk=region_a.pk).data_version == 0


def test_an_edit_without_the_version_it_was_read_at_is_a_programming_error(field, region_a):
    with pytest.raises(TypeError):
        competitor_save(region=region_a, competitor=field["alpha"], product_series="数据业务", name="联通", rank=1)


def test_intelligence_add_refuses_a_disabled_channel(field, region_a):
    channel = IntelligenceChannel.objects.get(code="insider")
    channel.enabled = False
    with pytest.raises(ValidationError) as error:
        intelligence_add(region=region_a, competitor=field["alpha"], channel=channel, date=dt.date(2026, 1, 1),
                         content="内线消息", today=dt.date(2026, 1, 1))
    assert error.value.message_dict == {"channel": ["渠道“安插内线”已停用，不能再记录"]}


def test_intelligence_add_refuses_another_regions_competitor(field, region_b):
    with pytest.raises(ValidationError):
        intelligence_add(region=region_b, competitor=field["alpha"], channel=IntelligenceChannel.objects.first(),
                         date=dt.date(2026, 1, 1), content="x")


# --- query counts ---------------------------------------------------------------------------------------------------


def _many(region, n):
    Product.objects.bulk_create(Product(code=f"S{i}", name=f"产品{i}", series=f"系列{i}") for i in range(n))
    competitors = Competitor.objects.bulk_create(
        Competitor(region=region, name=f"对手{i}-{k}", product_series=f"系列{i}", rank=k) for i in range(n)
        for k in (1, 2, 3))
    ComparisonScore.objects.bulk_create(
        ComparisonScore(region=region, product_series=c.product_series, competitor=c, dimension="pricing", score=3)
        for c in competitors)
    channels = list(IntelligenceChannel.objects.all())
    IntelligenceEntry.objects.bulk_create(
        IntelligenceEntry(region=region, competitor=c, channel=channels[i % len(channels)], date=dt.date(2026, 1, 1),
                          content=f"情报{i}") for i, c in enumerate(competitors * 5))


@pytest.mark.parametrize("n_series", [1, 12])
def test_the_competitors_page_query_count_is_constant(client_for, director, region_a, django_assert_num_queries,
                                                      n_series):
    _many(region_a, n_series)
    client = client_for(director)
    client.get("/r/A/competitors/")
    # session, user, region + settings, channels, entry count, entry page, entries per channel,
    # series (products ∪ competitors), competitors, scores, nav regions
    with django_assert_num_queries(11):
        assert client.get("/r/A/competitors/").status_code == 200

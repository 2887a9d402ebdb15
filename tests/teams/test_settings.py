from decimal import Decimal

import pytest

from teams.forms import RegionSettingsForm
from teams.models import Region, RegionSettings
from tests.html_forms import form_posting_to
from tsm.lib.thresholds import DEFAULTS


def valid_data(**overrides):
    data = {name: str(getattr(DEFAULTS, name)) for name in RegionSettingsForm().fields if name != "version"}
    data["version"] = "0"
    data.update(overrides)
    return data


def test_the_settings_page_shows_every_threshold_with_its_default(client_for, director, region_a):
    body = client_for(director).get("/r/A/settings/").content.decode()
    assert 'name="scale_share" value="0.8000"' in body
    assert 'name="layer_bottom_days" value="14"' in body
    assert "规模+：更大客户的累计收入占比低于此值" in body


def test_saving_a_threshold_changes_it_and_moves_the_data_version(client_for, director, region_a):
    response = client_for(director).post("/r/A/settings/", valid_data(layer_bottom_days="21"))
    assert response.status_code == 302
    region_a.refresh_from_db()
    assert region_a.settings.layer_bottom_days == 21
    assert region_a.thresholds().layer_bottom_days == 21
    assert region_a.data_version == 1
    assert region_a.settings.version == 1


@pytest.mark.parametrize("field,value,message", [
    ("scale_share", "1.5", "不能大于 1"),
    ("scale_share", "-0.1", "不能小于 0"),
    ("high_win_rate", "150", "不能大于 100"),
    ("value_high", "abc", "应为数字"),
    ("amount_b_share", "0.30", "B 类项目占比不能高于 A 类"),
    ("layer_bottom_days", "80", "底层天数不能多于中层天数"),
    ("perf_complete", "0", "必须大于 0"),
])
def test_an_impossible_threshold_is_refused_with_a_message_and_nothing_saved(
    client_for, director, region_a, field, value, message
):
    response = client_for(director).post("/r/A/settings/", valid_data(**{field: value}))
    assert response.status_code == 400 and message in response.content.decode()
    assert RegionSettings.objects.get(region=region_a).scale_share == Decimal("0.8000")
    region_a.refresh_from_db()
    assert region_a.data_version == 0


def test_managers_cannot_change_the_settings(client_for, manager_a1, region_a):
    assert client_for(manager_a1).post("/r/A/settings/", valid_data(layer_bottom_days="1")).status_code == 404


# --- the form carries the version it was read at ----------------------------------------------------------


def _settings_form(client):
    return form_posting_to(client.get("/r/A/settings/").content.decode(), "")


def test_the_form_carries_its_version_and_the_values_it_shows(client_for, director, region_a):
    RegionSettings.objects.filter(region=region_a).update(version=4)
    form = _settings_form(client_for(director))
    assert form.data["version"] == ["4"]
    assert form.data["initial-layer_bottom_days"] == ["14"] and form.data["layer_bottom_days"] == ["14"]


def test_a_fresh_save_lands_and_moves_the_version_on(client_for, director, region_a):
    client = client_for(director)
    response = client.post("/r/A/settings/", _settings_form(client).post(stagnant_weeks="6"))
    assert response.status_code == 302
    stored = RegionSettings.objects.get(region=region_a)
    assert (stored.stagnant_weeks, stored.version) == (6, 1)
    assert _settings_form(client).data["version"] == ["1"]


def test_a_save_read_before_anothers_save_is_refused_naming_what_changed(client_for, director, region_a):
    client = client_for(director)
    mine = _settings_form(client)
    # meanwhile another director saves two thresholds
    assert client.post("/r/A/settings/", _settings_form(client).post(layer_bottom_days="21", scale_share="0.7")
                       ).status_code == 302
    response = client.post("/r/A/settings/", mine.post(stagnant_weeks="6"))
    body = response.content.decode()
    assert response.status_code == 409
    assert ("此记录已被他人修改：规模+：更大客户的累计收入占比低于此值 现为 0.7，"
            "底层：距预计签约 ≤ 此天数 现为 21。请核对后再保存。") in body
    stored = RegionSettings.objects.get(region=region_a)
    assert (stored.stagnant_weeks, stored.layer_bottom_days, stored.version) == (DEFAULTS.stagnant_weeks, 21, 1)
    assert Region.objects.get(pk=region_a.pk).data_version == 1  # only the first save touched the region
    # the page shows the current values at the current version: saving it again lands
    fresh = form_posting_to(body, "")
    assert fresh.data["version"] == ["1"] and fresh.data["layer_bottom_days"] == ["21"]
    assert client.post("/r/A/settings/", fresh.post(stagnant_weeks="6")).status_code == 302
    assert RegionSettings.objects.get(region=region_a).stagnant_weeks == 6


def test_a_save_without_its_version_is_refused(client_for, director, region_a):
    data = valid_data(layer_bottom_days="21")
    del data["version"]
    response = client_for(director).post("/r/A/settings/", data)
    assert response.status_code == 400 and "缺少版本号：请刷新页面后再保存" in response.content.decode()
    assert RegionSettings.objects.get(region=region_a).layer_bottom_days == DEFAULTS.layer_bottom_days

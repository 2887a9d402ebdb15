from decimal import Decimal

import pytest

from teams.forms import RegionSettingsForm
from teams.models import RegionSettings
from tsm.lib.thresholds import DEFAULTS


def valid_data(**overrides):
    data = {name: str(getattr(DEFAULTS, name)) for name in RegionSettingsForm().fields}
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

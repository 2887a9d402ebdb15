"""tsm.lib.versions: what a refusal of a stale save says."""

import datetime as dt
from decimal import Decimal

import pytest

from tsm.lib.versions import StaleEdit, same, stale_message, what_changed


@pytest.mark.parametrize("a,b", [
    (None, ""), ("行动\r\n第二行 ", "行动\n第二行"), (["decider", "user"], ["user", "decider"]),
    (Decimal("0.40"), Decimal("0.4")), (dt.date(2026, 1, 5), dt.date(2026, 1, 5)),
])
def test_values_a_user_would_read_as_the_same_are_the_same(a, b):
    assert same(a, b)


@pytest.mark.parametrize("a,b", [("", "x"), (None, Decimal("0")), (["user"], ["user", "decider"]), (1, 2)])
def test_values_a_user_would_tell_apart_differ(a, b):
    assert not same(a, b)


def test_what_changed_names_each_field_moved_from_what_was_seen_with_its_value_now():
    fields = [("name", "名称"), ("rank", "排名"), ("goals", "在本区域的主要目标"), ("share", "市场份额"),
              ("trends", "可能的动向")]
    seen = {"name": "对手甲", "rank": 1, "goals": "抢占金融行业", "share": Decimal("0.3"), "trends": "降价"}
    now = {"name": "对手乙", "rank": 2, "goals": "抢" * 40, "share": Decimal("0.4"), "trends": ""}
    assert what_changed(fields, seen, now, show={"share": lambda v: f"{v * 100:.0f}%"}) == [
        ("名称", "“对手乙”"), ("排名", " 2"), ("在本区域的主要目标", "“" + "抢" * 30 + "…”"), ("市场份额", " 40%"),
        ("可能的动向", "空白")]


def test_a_field_not_seen_is_not_judged():
    assert what_changed([("name", "名称")], {}, {"name": "对手乙"}) == []


def test_the_message_lists_what_changed_or_says_only_that_the_record_did():
    assert stale_message([("名称", "“对手乙”"), ("排名", " 2")]) == \
        "此记录已被他人修改：名称 现为“对手乙”，排名 现为 2。请核对后再保存。"
    assert stale_message([]) == "此记录已被他人修改。请核对后再保存。"
    assert StaleEdit([("排名", " 2")]).messages == ["此记录已被他人修改：排名 现为 2。请核对后再保存。"]

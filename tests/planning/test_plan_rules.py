"""提交前还需完成 (DOMAIN §5, §6.1): the four categories of indicators and the four families of targets."""

import pytest

from planning.rules import PlanFacts, submission_blockers
from tsm.lib.thresholds import Verdict

CATEGORIES = frozenset({"finance", "image", "management", "market"})
FAMILIES = frozenset({"finance", "growth", "satisfaction", "management"})


def _codes(facts):
    return [b.value for b in submission_blockers(facts)]


def test_a_complete_plan_has_no_blockers():
    assert submission_blockers(PlanFacts(confirmed_categories=CATEGORIES, target_families=FAMILIES)) == []


def test_an_empty_plan_lists_every_category_then_every_family():
    assert _codes(PlanFacts()) == [
        "no_indicator:finance", "no_indicator:image", "no_indicator:management", "no_indicator:market",
        "no_target:finance", "no_target:growth", "no_target:satisfaction", "no_target:management"]


@pytest.mark.parametrize("missing, label", [("finance", "财务类"), ("image", "形象类"), ("management", "管理类"),
                                            ("market", "市场类")])
def test_each_category_without_a_confirmed_indicator_blocks_alone(missing, label):
    blockers = submission_blockers(PlanFacts(confirmed_categories=CATEGORIES - {missing}, target_families=FAMILIES))
    assert [(b.value, b.label) for b in blockers] == [(f"no_indicator:{missing}", label)]
    assert blockers[0].reason.startswith(f"{label}还没有确认的指标")


@pytest.mark.parametrize("missing, label", [("finance", "财务贡献"), ("growth", "客户增长"),
                                            ("satisfaction", "客户满意"), ("management", "管理动作")])
def test_each_family_without_a_target_blocks_alone(missing, label):
    blockers = submission_blockers(PlanFacts(confirmed_categories=CATEGORIES, target_families=FAMILIES - {missing}))
    assert [(b.value, b.label) for b in blockers] == [(f"no_target:{missing}", label)]
    assert blockers[0].reason.startswith(f"{label}还没有目标")


def test_an_unknown_category_or_family_counts_for_nothing():
    facts = PlanFacts(confirmed_categories=CATEGORIES - {"image"} | {"other"}, target_families=FAMILIES)
    assert _codes(facts) == ["no_indicator:image"]


def test_a_further_check_is_listed_after_the_standard_ones():
    def unsigned(facts):
        return [Verdict("unsigned", "客户经理尚未签字")]

    facts = PlanFacts(confirmed_categories=CATEGORIES, target_families=FAMILIES - {"growth"})
    assert [b.value for b in submission_blockers(facts, checks=[unsigned])] == ["no_target:growth", "unsigned"]

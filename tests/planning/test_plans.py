"""A region's plans (DOMAIN §1), 职责确认 (§5) and targets (§6.1): services, pages, access."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from planning import plan_services as services
from planning.models import Indicator, Plan, PlanIndicator, Target
from tsm.lib.versions import StaleEdit

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def plan(region_a):
    return services.plan_create(region=region_a, period="2027", today=TODAY)


def _indicator(family, name=None):
    return Indicator.objects.filter(family=family).order_by("order", "pk").first() if name is None \
        else Indicator.objects.get(family=family, name=name)


# --- creating a plan -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, period", [("2027", "2027"), ("2027H1", "2027H1"), (" 2027h2 ", "2027H2")])
def test_a_plan_is_created_for_a_year_or_a_half_year_fixing_its_as_of_date(region_a, typed, period):
    plan = services.plan_create(region=region_a, period=typed, today=TODAY)
    plan.refresh_from_db()
    assert (plan.period, plan.as_of, plan.status) == (period, TODAY, "draft")


@pytest.mark.parametrize("typed", ["", "27", "2027H3", "2027-H1", "H1", "1999", "2027 H1", "二〇二七"])
def test_a_bad_period_is_refused_naming_the_forms_it_may_take(region_a, typed):
    with pytest.raises(ValidationError) as refused:
        services.plan_create(region=region_a, period=typed, today=TODAY)
    assert "应为年度（如 2027）或半年（如 2027H1、2027H2）" in refused.value.messages[0]
    assert not Plan.objects.exists()


def test_a_second_plan_for_the_same_period_is_refused(plan):
    with pytest.raises(ValidationError, match="计划期 2027 的营销计划已经存在"):
        services.plan_create(region=plan.region, period="2027", today=TODAY)
    assert Plan.objects.count() == 1


def test_another_region_may_have_a_plan_for_the_same_period(plan, region_b):
    assert services.plan_create(region=region_b, period="2027", today=TODAY).region == region_b


@pytest.mark.parametrize("period, previous", [("2027", "2026"), ("2027H1", "2026H2"), ("2027H2", "2027H1")])
def test_the_period_before(period, previous):
    assert services.previous_period(period) == previous


def test_a_plan_copied_from_another_takes_its_indicators_targets_and_texts(plan, director):
    finance = _indicator("finance")
    services.plan_indicator_confirm(plan=plan, indicator=finance, confirmed=True)
    services.plan_indicator_responsible_set(plan=plan, indicator=finance, responsible=director)
    services.target_add(plan=plan, family="growth", name="新增客户", value="12", unit="个")
    Plan.objects.filter(pk=plan.pk).update(sections={"summary": "上年总结"})
    plan.refresh_from_db()

    copy = services.plan_create(region=plan.region, period="2028", today=TODAY, copy_from=plan)

    assert list(copy.indicators.values_list("indicator", "responsible")) == [(finance.pk, director.pk)]
    assert list(copy.targets.values_list("family", "name", "value", "unit")) == [
        ("growth", "新增客户", Decimal("12.00"), "个")]
    assert copy.sections == {"summary": "上年总结"}
    assert plan.targets.count() == 1  # the original keeps its own


def test_a_plan_of_another_region_cannot_be_copied(plan, region_b):
    with pytest.raises(ValidationError, match="只能复制本区域的计划"):
        services.plan_create(region=region_b, period="2028", today=TODAY, copy_from=plan)
    assert not Plan.objects.filter(region=region_b).exists()


# --- 职责确认 ------------------------------------------------------------------------------------


def test_confirming_an_indicator_twice_keeps_one_and_unconfirming_removes_it(plan):
    indicator = _indicator("image")
    services.plan_indicator_confirm(plan=plan, indicator=indicator, confirmed=True)
    services.plan_indicator_confirm(plan=plan, indicator=indicator, confirmed=True)
    assert PlanIndicator.objects.filter(plan=plan).count() == 1
    services.plan_indicator_confirm(plan=plan, indicator=indicator, confirmed=False)
    services.plan_indicator_confirm(plan=plan, indicator=indicator, confirmed=False)
    assert not PlanIndicator.objects.filter(plan=plan).exists()


def test_the_responsible_person_is_a_person_of_the_region(plan, manager_a1, manager_b):
    indicator = _indicator("market")
    services.plan_indicator_confirm(plan=plan, indicator=indicator, confirmed=True)
    services.plan_indicator_responsible_set(plan=plan, indicator=indicator, responsible=manager_a1)
    with pytest.raises(ValidationError, match="不是本区域的人员"):
        services.plan_indicator_responsible_set(plan=plan, indicator=indicator, responsible=manager_b)
    assert PlanIndicator.objects.get(plan=plan).responsible == manager_a1


def test_an_unconfirmed_indicator_gets_no_responsible_person(plan, manager_a1):
    with pytest.raises(ValidationError, match="还没有确认"):
        services.plan_indicator_responsible_set(plan=plan, indicator=_indicator("market"), responsible=manager_a1)
    assert not PlanIndicator.objects.exists()


def test_a_submitted_plan_is_not_changed(plan):
    Plan.objects.filter(pk=plan.pk).update(status="submitted")
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="已提交，不能再修改"):
        services.plan_indicator_confirm(plan=plan, indicator=_indicator("market"), confirmed=True)
    with pytest.raises(ValidationError, match="已提交，不能再修改"):
        services.target_add(plan=plan, family="growth", name="新增客户", value="1", unit="个")
    assert not PlanIndicator.objects.exists() and not Target.objects.exists()


# --- targets -------------------------------------------------------------------------------------------


def test_a_target_is_added_edited_at_its_version_and_deleted(plan):
    target = services.target_add(plan=plan, family="finance", name="区域整体资费贡献", value="180000000",
                                 indicator=_indicator("finance", "区域整体资费贡献"))
    services.target_save(target=target, name="区域整体资费贡献", value="190000000.50", unit="元", indicator=None,
                         version=0)
    target.refresh_from_db()
    assert (target.value, target.indicator, target.version) == (Decimal("190000000.50"), None, 1)
    services.target_delete(target=target)
    assert not Target.objects.exists()


@pytest.mark.parametrize("value, message", [("-1", "目标值 -1 不能为负数"), ("-0.01", "不能为负数"),
                                            ("abc", "不是数字"), ("1.005", "最多两位小数"), ("", "不是数字"),
                                            ("NaN", "不是数字")])
def test_a_bad_target_value_is_refused_naming_the_target_and_nothing_is_written(plan, value, message):
    with pytest.raises(ValidationError) as refused:
        services.target_add(plan=plan, family="satisfaction", name="客户满意度", value=value, unit="%")
    assert message in refused.value.messages[0] and "客户满意“客户满意度”" in refused.value.messages[0]
    assert not Target.objects.exists()


def test_a_zero_target_is_allowed(plan):
    assert services.target_add(plan=plan, family="management", name="投诉", value="0", unit="次").value == 0


def test_a_negative_value_in_an_edit_writes_nothing(plan):
    target = services.target_add(plan=plan, family="growth", name="新增客户", value="10", unit="个")
    with pytest.raises(ValidationError, match="不能为负数"):
        services.target_save(target=target, name="新增客户", value="-3", unit="个", indicator=None, version=0)
    target.refresh_from_db()
    assert (target.value, target.version) == (Decimal("10.00"), 0)


def test_a_stale_target_form_is_refused_naming_what_changed(plan):
    target = services.target_add(plan=plan, family="growth", name="新增客户", value="10", unit="个")
    services.target_save(target=target, name="新增客户", value="20", unit="个", indicator=None, version=0)
    with pytest.raises(StaleEdit) as refused:
        services.target_save(target=target, name="新增大客户", value="10", unit="个", indicator=None, version=0,
                             seen={"name": "新增客户", "value": Decimal("10"), "unit": "个", "indicator": None})
    assert refused.value.messages == ["此记录已被他人修改：目标值 现为 20。请核对后再保存。"]
    target.refresh_from_db()
    assert (target.name, target.value, target.version) == ("新增客户", Decimal("20.00"), 1)

"""Writes of a region's plans (§1, §5, §6.1): creating a plan for a period,
职责确认 (which catalogue indicators the region answers for, and who is
responsible) and the plan's targets in the four families.

Keyword-only, validated before anything is written, saved in one
transaction. A target's form carries its version (StaleEdit, nothing
written, when it moved on); confirming an indicator and naming its
responsible person are one value each, never refused for a version.
A plan is changed only while it is a draft or returned."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from planning.models import Indicator, Plan, PlanIndicator, PlanStatus, Target, TargetFamily
from teams.models import Role, User
from tsm.lib.versions import StaleEdit, update_at_version

PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?P<half>H[12])?$")
YEARS = range(2000, 2100)
NAME_MAX = 200
UNIT_MAX = 16
VALUE_MAX = Decimal("1e14")
TARGET_FIELDS = (("name", "目标"), ("value", "目标值"), ("unit", "单位"), ("indicator", "指标"))


def parse_period(text: str) -> str:
    """A plan period as typed: a year ('2027') or a half-year ('2027H1', '2027H2')."""
    period = (text or "").strip().upper()
    match = PERIOD_RE.match(period)
    if not match or int(match["year"]) not in YEARS:
        raise ValidationError(_("计划期“%(period)s”无效：应为年度（如 2027）或半年（如 2027H1、2027H2）") % {
            "period": (text or "").strip()})
    return period


def previous_period(period: str) -> str:
    """The period before: 2027 → 2026, 2027H1 → 2026H2, 2027H2 → 2027H1."""
    match = PERIOD_RE.match(period)
    year = int(match["year"])
    if not match["half"]:
        return str(year - 1)
    return f"{year}H1" if match["half"] == "H2" else f"{year - 1}H2"


def _editable(plan: Plan) -> None:
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ValidationError(_("计划 %(period)s %(status)s，不能再修改") % {
            "period": plan.period, "status": PlanStatus(plan.status).label})


def plan_create(*, region, period: str, today: dt.date, copy_from: Plan | None = None) -> Plan:
    """A draft plan for a period, fixing its as-of date (today) and so its
    base period; started empty or as a copy of another of the region's plans
    (its confirmed indicators, targets and text parts — not their
    decomposition or signatures, which belong to that plan's own values)."""
    period = parse_period(period)
    if copy_from is not None and copy_from.region_id != region.pk:
        raise ValidationError(_("只能复制本区域的计划"))
    if Plan.objects.filter(region=region, period=period).exists():
        raise ValidationError(_("计划期 %(period)s 的营销计划已经存在，请打开它继续编写") % {"period": period})
    try:
        with transaction.atomic():
            plan = Plan.objects.create(region=region, period=period, as_of=today, status=PlanStatus.DRAFT,
                                       sections=dict(copy_from.sections) if copy_from else {})
            if copy_from is not None:
                PlanIndicator.objects.bulk_create(
                    PlanIndicator(plan=plan, indicator_id=i.indicator_id, responsible_id=i.responsible_id)
                    for i in copy_from.indicators.all())
                Target.objects.bulk_create(
                    Target(plan=plan, family=t.family, indicator_id=t.indicator_id, name=t.name, value=t.value,
                           unit=t.unit)
                    for t in copy_from.targets.order_by("pk"))
    except IntegrityError:  # created by someone else meanwhile
        raise ValidationError(_("计划期 %(period)s 的营销计划已经存在，请打开它继续编写") % {"period": period}) from None
    return plan


# --- §5 职责确认 ----------------------------------------------------------------------------------


def plan_indicator_confirm(*, plan: Plan, indicator: Indicator, confirmed: bool) -> None:
    """Confirm (or unconfirm) that the region answers for an indicator in
    this plan: one value, set to what was asked, so repeating it changes nothing."""
    _editable(plan)
    with transaction.atomic():
        if confirmed:
            PlanIndicator.objects.get_or_create(plan=plan, indicator=indicator)
        else:
            PlanIndicator.objects.filter(plan=plan, indicator=indicator).delete()


def plan_indicator_responsible_set(*, plan: Plan, indicator: Indicator, responsible: User | None) -> None:
    """Who answers for a confirmed indicator: a director or account manager of the region (or nobody yet)."""
    _editable(plan)
    if responsible is not None and not User.objects.filter(
            pk=responsible.pk, regions=plan.region_id, role__in=[Role.DIRECTOR, Role.MANAGER]).exists():
        raise ValidationError(_("%(person)s 不是本区域的人员，不能负责“%(indicator)s”") % {
            "person": responsible, "indicator": indicator.name})
    with transaction.atomic():
        if not PlanIndicator.objects.filter(plan=plan, indicator=indicator).update(responsible=responsible):
            raise ValidationError(_("“%(indicator)s”还没有确认，请先确认再指定负责人") % {"indicator": indicator.name})


# --- §6.1 targets ------------------------------------------------------------------------------


def _target_values(*, family: str, name: str, value, unit: str, indicator: Indicator | None) -> dict:
    if family not in TargetFamily.values:
        raise ValidationError(_("未知的目标类别“%(family)s”（应为 %(choices)s 之一）") % {
            "family": family, "choices": "、".join(map(str, TargetFamily.labels))})
    label = TargetFamily(family).label
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("%(label)s：请填写目标") % {"label": label})
    if len(name) > NAME_MAX:
        raise ValidationError(_("%(label)s：目标过长：%(length)s 字，最多 %(max)s 字") % {
            "label": label, "length": len(name), "max": NAME_MAX})
    try:
        value = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(label)s“%(name)s”：目标值“%(value)s”不是数字") % {
            "label": label, "name": name, "value": value}) from None
    if not value.is_finite():
        raise ValidationError(_("%(label)s“%(name)s”：目标值“%(value)s”不是数字") % {
            "label": label, "name": name, "value": value})
    if value < 0:
        raise ValidationError(_("%(label)s“%(name)s”：目标值 %(value)s 不能为负数") % {
            "label": label, "name": name, "value": value})
    if value != value.quantize(Decimal("0.01")) or value >= VALUE_MAX:
        raise ValidationError(_("%(label)s“%(name)s”：目标值 %(value)s 应为不超过 14 位整数、最多两位小数的数") % {
            "label": label, "name": name, "value": value})
    unit = (unit or "").strip()
    if not unit:
        raise ValidationError(_("%(label)s“%(name)s”：请填写单位（如 元、%%、个）") % {"label": label, "name": name})
    if len(unit) > UNIT_MAX:
        raise ValidationError(_("%(label)s“%(name)s”：单位过长，最多 %(max)s 字") % {
            "label": label, "name": name, "max": UNIT_MAX})
    return {"family": family, "name": name, "value": value, "unit": unit, "indicator": indicator}


def target_add(*, plan: Plan, family: str, name: str, value, unit: str = "元",
               indicator: Indicator | None = None) -> Target:
    _editable(plan)
    values = _target_values(family=family, name=name, value=value, unit=unit, indicator=indicator)
    with transaction.atomic():
        return Target.objects.create(plan=plan, **values)


def _indicator_name(indicator) -> str:
    if indicator is None:
        return ""
    if isinstance(indicator, int):
        return Indicator.objects.filter(pk=indicator).values_list("name", flat=True).first() or ""
    return indicator.name


def target_save(*, target: Target, name: str, value, unit: str, indicator: Indicator | None, version: int,
                seen: dict | None = None) -> Target:
    """A target's name, value, unit and indicator, if nobody saved it since
    its form was read at `version` (its family stays: delete and add to move it)."""
    _editable(target.plan)
    values = _target_values(family=target.family, name=name, value=value, unit=unit, indicator=indicator)
    del values["family"]
    with transaction.atomic():
        if not update_at_version(Target.objects.filter(pk=target.pk), version=version, **values):
            now = Target.objects.filter(pk=target.pk).first()
            if now is None:
                raise ValidationError(_("目标“%(name)s”已被删除") % {"name": target.name})
            posted = {**values, **(seen or {})}
            raise StaleEdit.naming(
                TARGET_FIELDS, {**posted, "indicator": _indicator_name(posted.get("indicator"))},
                {"name": now.name, "value": now.value, "unit": now.unit,
                 "indicator": _indicator_name(now.indicator)})
    for name_, value_ in values.items():
        setattr(target, name_, value_)
    target.version = version + 1
    return target


def target_delete(*, target: Target) -> None:
    _editable(target.plan)
    with transaction.atomic():
        Target.objects.filter(pk=target.pk).delete()

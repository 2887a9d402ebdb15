"""Reads of the plan pages: a region's plans, a plan's confirmed indicators
(职责确认) and targets, and what it still needs before it is submitted."""

from planning import revenue, rules
from planning.choices import IndicatorFamily, TargetFamily
from planning.models import Indicator, Plan, PlanIndicator, PlanStatus, Target
from teams import permissions


def region_plans(region, user) -> list[Plan]:
    """The region's plans the user may open, latest period first (one query)."""
    plans = Plan.objects.filter(region=region).order_by("-period")
    return [p for p in plans if permissions.can_read_plan(user, region, p.status)
            or permissions.can_read_own_targets(user, region)
            or (p.approved_version_id and permissions.can_read_plan_version(user, region, "approved"))]


def indicator_board(plan: Plan, catalogue: list[Indicator] | None = None) -> list[dict]:
    """弹钢琴: the four categories side by side, each with the catalogue's
    indicators and, for a confirmed one, its row (responsible person) — two
    queries, one if the catalogue is given."""
    confirmed = {pi.indicator_id: pi for pi in PlanIndicator.objects.filter(plan=plan).select_related("responsible")}
    catalogue = indicators() if catalogue is None else catalogue
    return [{"family": family.value, "label": family.label,
             "indicators": [(i, confirmed.get(i.pk)) for i in catalogue if i.family == family.value],
             "confirmed": sum(1 for i in catalogue if i.family == family.value and i.pk in confirmed)}
            for family in IndicatorFamily]


def plan_targets(plan: Plan, *, manager_id: int | None = None) -> list[dict]:
    """The plan's targets by family, in the order added; `manager_id`: only
    the targets decomposed to that manager (a manager's view of a draft)."""
    targets = Target.objects.filter(plan=plan).select_related("indicator").order_by("pk")
    if manager_id is not None:
        targets = targets.filter(parts__manager_id=manager_id).distinct()
    targets = list(targets)
    return [{"family": family.value, "label": family.label,
             "targets": [t for t in targets if t.family == family.value]} for family in TargetFamily]


def plan_facts(plan: Plan) -> rules.PlanFacts:
    """What the submission checks read: the confirmed categories, the target
    families, and what the revenue decomposition still lacks."""
    return rules.PlanFacts(
        confirmed_categories=frozenset(PlanIndicator.objects.filter(plan=plan)
                                       .values_list("indicator__family", flat=True).distinct()),
        target_families=frozenset(Target.objects.filter(plan=plan).values_list("family", flat=True).distinct()),
        revenue_split=tuple(revenue.decomposition(plan, with_suggestion=False).blockers()),
    )


def indicators() -> list[Indicator]:
    return list(Indicator.objects.order_by("order", "pk"))


def is_draft(plan: Plan) -> bool:
    return plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


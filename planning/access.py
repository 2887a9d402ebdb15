"""Access helpers for plans: the plan within the user's scope
(teams.permissions decides), or 404 — never 403."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from planning.models import Plan, PlanStatus, PlanVersion, Target
from planning.plan_data import plan_version_chosen
from teams import permissions
from teams.access import region_for, region_for_director


def may_open_plan(user, region, plan: Plan) -> bool:
    """The whole plan (can_read_plan), or in a draft a manager's own targets."""
    return (permissions.can_read_plan(user, region, plan.status)
            or permissions.can_read_own_targets(user, region))


def plan_for(request, code: str, period: str) -> Plan:
    """A plan of a region the user reads, if they may open it in its state:
    executives never see a draft (404)."""
    region = region_for(request, code)
    plan = get_object_or_404(Plan, region=region, period=period)
    plan.region = region
    if not may_open_plan(request.user, region, plan):
        raise Http404("plan")
    return plan


def plan_as_data_for(user, region, period: str, number: int | None) -> tuple[Plan, PlanVersion | None, str | None]:
    """The plan of INTERFACES §4 in a region the user reads (region_for):
    (plan, the version chosen or None for the live draft, the username whose
    own rows are all the user sees of the draft, or None for all), or 404.

    A frozen version was submitted, so whoever reads a submitted plan reads
    it (a returned one included: the executive returned it). The live draft
    is the plan page's: its director whole, a manager their own targets,
    never an executive."""
    plan = get_object_or_404(Plan, region=region, period=period)
    plan.region = region
    try:
        version = plan_version_chosen(plan, number)
    except PlanVersion.DoesNotExist:
        raise Http404("version") from None
    if version is not None:
        if not permissions.can_read_plan(user, region, PlanStatus.SUBMITTED):
            raise Http404("plan")
        return plan, version, None
    if permissions.can_read_plan(user, region, plan.status):
        return plan, None, None
    if permissions.can_read_own_targets(user, region):
        return plan, None, user.username
    raise Http404("plan")


def plan_for_director(request, code: str, period: str) -> Plan:
    """A plan the user may change: its region's director."""
    region = region_for_director(request, code)
    plan = get_object_or_404(Plan, region=region, period=period)
    plan.region = region
    return plan


def target_for_director(request, code: str, period: str, pk: int) -> Target:
    plan = plan_for_director(request, code, period)
    target = get_object_or_404(Target, plan=plan, pk=pk)
    target.plan = plan
    return target

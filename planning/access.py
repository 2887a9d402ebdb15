"""Access helpers for plans: the plan within the user's scope
(teams.permissions decides), or 404 — never 403."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from planning.models import Plan, PlanRender, PlanStatus, PlanVersion, Target
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


# --- the plan's PDF: a frozen version is read by whoever reads a submitted
# plan of the region; a preview of the live draft only as the draft itself
# (its director; executives never see drafts).


def may_read_render(user, region, render: PlanRender) -> bool:
    status = PlanStatus.DRAFT if render.version_id is None else PlanStatus.SUBMITTED
    return permissions.can_read_plan(user, region, status)


def _plan_in(request, code: str, period: str) -> Plan:
    region = region_for(request, code)
    plan = get_object_or_404(Plan, region=region, period=period)
    plan.region = region
    return plan


def pdf_render_for(request, code: str, period: str, token: str) -> PlanRender:
    """A rendering of a plan in the user's scope, by its random token, that
    the user may read; else 404."""
    plan = _plan_in(request, code, period)
    render = get_object_or_404(PlanRender.objects.select_related("version"), plan=plan, token=token)
    if not may_read_render(request.user, plan.region, render):
        raise Http404("render")
    render.plan = plan
    return render


def pdf_version_for(request, code: str, period: str, number: int) -> PlanVersion:
    """A frozen version of a plan of a region the user reads a submitted plan of."""
    plan = _plan_in(request, code, period)
    if not permissions.can_read_plan(request.user, plan.region, PlanStatus.SUBMITTED):
        raise Http404("version")
    version = get_object_or_404(PlanVersion.objects.defer("pdf", "content"), plan=plan, number=number)
    version.plan = plan
    return version

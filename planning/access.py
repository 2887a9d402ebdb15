"""Access helpers for plans: the plan within the user's scope
(teams.permissions decides), or 404 — never 403."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from planning.models import Plan, PlanRender, PlanStatus, PlanVersion, Target
from planning.plan_data import plan_version_chosen
from teams import permissions
from teams.access import region_for, region_for_director


def may_open_plan(user, region, plan: Plan) -> bool:
    """The whole plan (can_read_plan), in a draft a manager's own targets, or
    — while a revision is drafted — its approved version."""
    return (permissions.can_read_plan(user, region, plan.status)
            or permissions.can_read_own_targets(user, region)
            or reads_approved_version(user, region, plan))


def reads_approved_version(user, region, plan: Plan) -> bool:
    """A revision of an approved plan is drafted: its readers read the approved version instead."""
    return bool(plan.approved_version_id) and permissions.can_read_plan_version(user, region, "approved")


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


def plan_for_decider(request, code: str, period: str) -> Plan:
    """A plan the user may approve or return: an executive's (404 for anyone else)."""
    region = region_for(request, code)
    if not permissions.can_decide_plan(request.user):
        raise Http404("plan")
    plan = get_object_or_404(Plan, region=region, period=period)
    plan.region = region
    if not may_open_plan(request.user, region, plan):
        raise Http404("plan")
    return plan


def version_for(request, code: str, period: str, number: int, *, defer: tuple[str, ...] = ()) -> PlanVersion:
    """A frozen version of a plan, if the user reads it (can_read_plan_version);
    `defer`: large fields the caller does not read (its content, its PDF)."""
    region = region_for(request, code)
    version = get_object_or_404(PlanVersion.objects.select_related("plan", "decided_by", "submitted_by")
                                .defer(*defer), plan__region=region, plan__period=period, number=number)
    if not permissions.can_read_plan_version(request.user, region, version.status):
        raise Http404("version")
    version.plan.region = region
    return version


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

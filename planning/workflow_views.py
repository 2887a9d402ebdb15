"""The plan's workflow pages (DOMAIN §6.2): submit, approve, return and
revise a plan; its frozen versions, one version, what changed since the
previous submission; the executives' all-regions page; 待办.

Thin views: access helper -> form -> service or selector -> render or
redirect. A refused move writes nothing and shows its reasons on the plan
page (400)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from planning import workflow
from planning import workflow_selectors as sel
from planning.access import plan_for, plan_for_decider, plan_for_director, version_for
from planning.document import SECTIONS
from planning.plan_forms import DecisionForm
from planning.plan_views import _check, _plan_context
from planning.versions_compare import compare
from teams import permissions


def _back(plan, anchor="plan-workflow"):
    return redirect(reverse("plan", args=[plan.region.code, plan.period]) + f"#{anchor}")


def _refused(request, plan, error: ValidationError, form=None):
    context = _plan_context(request, plan, errors={"workflow": error.messages})
    if form is not None:
        context["decision_form"] = form
    return render(request, "planning/plan.html", context, status=400)


@require_POST
def plan_submit(request, region, period):
    plan = plan_for_director(request, region, period)
    try:
        workflow.plan_submit(plan=plan, user=request.user)
    except ValidationError as error:
        return _refused(request, plan, error)
    return _back(plan)


def _decide(request, region, period, move):
    plan = plan_for_decider(request, region, period)
    form = DecisionForm(request.POST, sections=SECTIONS)
    try:
        _check(form)
        version = move(plan=plan, user=request.user, **form.service_kwargs())
    except ValidationError as error:
        return _refused(request, plan, error, form)
    # A returned plan is a draft again, which executives never see (the plan
    # page would be 404): the decider lands on the version they decided.
    return redirect("plan_version", region=plan.region.code, period=plan.period, number=version.number)


@require_POST
def plan_approve(request, region, period):
    return _decide(request, region, period, workflow.plan_approve)


@require_POST
def plan_return(request, region, period):
    return _decide(request, region, period, workflow.plan_return)


@require_POST
def plan_revise(request, region, period):
    plan = plan_for_director(request, region, period)
    try:
        workflow.plan_revise(plan=plan, user=request.user)
    except ValidationError as error:
        return _refused(request, plan, error)
    return _back(plan)


@require_GET
def plan_versions(request, region, period):
    """The plan's submissions, newest first, with who decided what."""
    plan = plan_for(request, region, period)
    versions = sel.plan_versions(plan, request.user)
    if not versions and not permissions.can_edit_plan(request.user, plan.region):
        raise Http404("versions")
    return render(request, "planning/versions.html", {"region": plan.region, "plan": plan, "versions": versions})


def _comments(version) -> list[tuple[str, str, str]]:
    """(key, title, comment) of the sections the executive commented on, in the document's order."""
    given = version.section_comments or {}
    return [(key, str(title), given[key]) for key, title in SECTIONS if given.get(key)]


@require_GET
def plan_version(request, region, period, number):
    """A frozen version as it was submitted, with the executive's comments."""
    version = version_for(request, region, period, number)
    plan = version.plan
    return render(request, "planning/version.html", {
        "region": plan.region, "plan": plan, "version": version, "doc": version.content, "charts": {},
        "comments": _comments(version), "previous": sel.previous_version(version),
        "standing": plan.approved_version_id == version.pk})


@require_GET
def plan_version_compare(request, region, period, number):
    """What changed since the previous submission, section by section."""
    version = version_for(request, region, period, number)
    previous = sel.previous_version(version)
    return render(request, "planning/version_compare.html", {
        "region": version.plan.region, "plan": version.plan, "version": version, "previous": previous,
        "changes": compare(previous.content if previous else None, version.content)})


@require_GET
def plans_overview(request):
    """The executives' page of every region's plan for a period."""
    if not permissions.sees_all_plans(request.user):
        raise Http404("overview")
    periods = sel.periods()
    period = request.GET.get("period") or (periods[0] if periods else "")
    if period and period not in periods:
        raise Http404("period")
    rows = sel.overview(request.user, period) if period else []
    return render(request, "planning/overview.html", {"periods": periods, "period": period, "rows": rows})


@require_GET
def todo(request):
    """待办: a fragment of the home pages (and a page of its own without JavaScript)."""
    context = {"todos": sel.todos(request.user)}
    if request.htmx:
        return render(request, "planning/todo.html#todo", context)
    return render(request, "planning/todo.html", context)

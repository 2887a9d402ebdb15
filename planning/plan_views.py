"""The plan pages (§1, §5, §6.1): a region's plans, and a plan's 职责确认,
targets and what it still needs before it is submitted.

Thin views: access helper -> form -> service or selector -> render or
redirect. A POST redirects a normal request and answers htmx with the
section it changed; on bad input nothing is written and the message shows
in that section (400, or 409 for a target's form read at an older version)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from planning import plan_selectors as sel
from planning import plan_services as services
from planning import rules, selectors
from planning import workflow_selectors as wsel
from planning.access import plan_for, plan_for_director, target_for_director
from planning.document import SECTIONS
from planning.models import Indicator, PlanStatus, PlanVersion, TargetFamily
from planning.plan_forms import (DecisionForm, IndicatorConfirmForm, PlanCreateForm, ResponsibleForm, TargetAddForm,
                                 TargetEditForm)
from teams import permissions
from teams.access import region_for, region_for_director
from tsm.lib.periods import base_period
from tsm.lib.versions import StaleEdit


def _check(form) -> None:
    if not form.is_valid():
        raise ValidationError([m for errors in form.errors.values() for m in errors])


@require_http_methods(["GET", "POST"])
def plans(request, region):
    """The region's plans; the director creates one for a period, empty or as a copy of another."""
    region = region_for_director(request, region) if request.method == "POST" else region_for(request, region)
    can_edit = permissions.can_edit_plan(request.user, region)
    listed = sel.region_plans(region, request.user)
    form = PlanCreateForm(request.POST or None, plans=listed if can_edit else ())
    error = None
    if request.method == "POST":
        try:
            _check(form)
            plan = services.plan_create(region=region, today=timezone.localdate(), **form.service_kwargs())
            return redirect("plan", region=region.code, period=plan.period)
        except ValidationError as e:
            error = e
    elif listed and can_edit:  # a new plan starts, by default, as a copy of the latest one
        form.initial["copy_from"] = listed[0].period
    return render(request, "planning/plans.html", {
        "region": region, "plans": listed, "can_edit": can_edit, "form": form,
        "errors": error.messages if error else []}, status=400 if error else 200)


def _plan_context(request, plan, *, errors=None, add_form=None) -> dict:
    region, user = plan.region, request.user
    full = permissions.can_read_plan(user, region, plan.status)
    can_edit = permissions.can_edit_plan(user, region) and sel.is_draft(plan)
    indicators = sel.indicators() if can_edit else []
    context = {
        "region": region, "plan": plan, "full": full, "can_edit": can_edit, "errors": errors or {},
        "base_period": base_period(plan.as_of),
        "targets": sel.plan_targets(plan, manager_id=None if full else user.pk),
        "families": TargetFamily.choices,
    }
    context.update(_workflow_context(user, plan, full))
    if full:
        context["board"] = sel.indicator_board(plan, indicators or None)
        context["blockers"] = rules.submission_blockers(sel.plan_facts(plan)) if sel.is_draft(plan) else []
    if can_edit:
        context["people"] = selectors.region_people(region)
        context["add_form"] = add_form or TargetAddForm(indicators=indicators, auto_id="new-target-%s")
        for family in context["targets"]:
            for t in family["targets"]:
                t.form = TargetEditForm(version=t.version, indicators=indicators, auto_id=f"target-{t.pk}-%s",
                                        initial={"name": t.name, "value": t.value, "unit": t.unit,
                                                 "indicator": t.indicator_id})
    return context


def _workflow_context(user, plan, full: bool) -> dict:
    """The plan's workflow actions for this user: submit (the director, a
    draft), approve or return (an executive, a submitted plan), revise (the
    director, an approved plan), and the versions so far."""
    region = plan.region
    draft = sel.is_draft(plan)
    can_decide = permissions.can_decide_plan(user) and plan.status == PlanStatus.SUBMITTED
    return {
        "can_submit": permissions.can_submit_plan(user, region) and draft,
        "can_decide": can_decide,
        "can_revise": permissions.can_submit_plan(user, region) and plan.status == PlanStatus.APPROVED,
        "decision_form": DecisionForm(sections=SECTIONS) if can_decide else None,
        # a draft never submitted (no approved version behind it) has no versions: no query
        "versions": (wsel.plan_versions(plan, user)
                     if plan.status != PlanStatus.DRAFT or plan.approved_version_id else []),
        "returned": (PlanVersion.objects.filter(plan=plan, status=PlanStatus.RETURNED).order_by("-number").first()
                     if full and plan.status == PlanStatus.RETURNED else None),
    }


def plan(request, region, period):
    """A plan: its period and base period, 职责确认 (the four categories side
    by side), its targets in the four families and 提交前还需完成. While a
    revision is drafted, a reader who may not read the draft gets the approved version."""
    plan = plan_for(request, region, period)
    if (not permissions.can_read_plan(request.user, plan.region, plan.status)
            and not permissions.can_read_own_targets(request.user, plan.region)):
        return redirect("plan_version", region=plan.region.code, period=plan.period,
                        number=plan.approved_version.number)
    return render(request, "planning/plan.html", _plan_context(request, plan))


def _answer(request, plan, section: str, error: ValidationError | None = None, prefix: str = "", add_form=None):
    if error is None and not request.htmx:
        return redirect(reverse("plan", args=[plan.region.code, plan.period]) + f"#plan-{section}")
    errors = {section: [prefix + m for m in error.messages]} if error else {}
    status = 409 if isinstance(error, StaleEdit) else (400 if error else 200)
    context = _plan_context(request, plan, errors=errors, add_form=add_form)
    if request.htmx:
        # the whole work area: a toggle or a target also changes 提交前还需完成
        return render(request, "planning/plan.html#work", context, status=409 if status == 409 else 200)
    return render(request, "planning/plan.html", context, status=status)


@require_POST
def plan_indicator_confirm(request, region, period, pk):
    plan = plan_for_director(request, region, period)
    indicator = get_object_or_404(Indicator, pk=pk)
    form = IndicatorConfirmForm(request.POST)
    try:
        _check(form)
        services.plan_indicator_confirm(plan=plan, indicator=indicator, confirmed=form.cleaned_data["confirmed"])
    except ValidationError as error:
        return _answer(request, plan, "indicators", error, f"{indicator.name}：")
    return _answer(request, plan, "indicators")


@require_POST
def plan_indicator_responsible(request, region, period, pk):
    plan = plan_for_director(request, region, period)
    indicator = get_object_or_404(Indicator, pk=pk)
    form = ResponsibleForm(request.POST, people=selectors.region_people(plan.region))
    try:
        _check(form)
        services.plan_indicator_responsible_set(plan=plan, indicator=indicator, **form.service_kwargs())
    except ValidationError as error:
        return _answer(request, plan, "indicators", error, f"{indicator.name}：")
    return _answer(request, plan, "indicators")


@require_POST
def plan_target_add(request, region, period):
    plan = plan_for_director(request, region, period)
    form = TargetAddForm(request.POST, indicators=sel.indicators(), auto_id="new-target-%s")
    try:
        _check(form)
        services.target_add(plan=plan, **form.service_kwargs())
    except ValidationError as error:
        return _answer(request, plan, "targets", error, add_form=form)
    return _answer(request, plan, "targets")


@require_POST
def plan_target_edit(request, region, period, pk):
    target = target_for_director(request, region, period, pk)
    form = TargetEditForm(request.POST, indicators=sel.indicators())
    try:
        _check(form)
        services.target_save(target=target, **form.service_kwargs())
    except ValidationError as error:
        return _answer(request, target.plan, "targets", error, f"{target.get_family_display()}“{target.name}”：")
    return _answer(request, target.plan, "targets")


@require_POST
def plan_target_delete(request, region, period, pk):
    target = target_for_director(request, region, period, pk)
    try:
        services.target_delete(target=target)
    except ValidationError as error:
        return _answer(request, target.plan, "targets", error)
    return _answer(request, target.plan, "targets")

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from customers import charts as ccharts
from customers.access import customer_for
from customers.analysis import missing_scores_check
from customers.views import owner_names, visible_customers
from pipeline import charts
from pipeline import selectors as psel
from pipeline.access import project_for_update
from pipeline.analysis import (
    coverage, coverage_check, empty_funnel_health, focus_check, funnel_health, funnel_table,
)
from pipeline.forms import EvidenceForm, EvidenceTickForm, FunnelFilterForm
from pipeline.rules import FUNNEL_SLOGAN, LEVELS
from pipeline.selectors import project_analysis, project_analysis_after_change
from pipeline.services import project_evidence_apply, project_evidence_toggle
from teams import permissions
from teams.access import region_for
from teams.selectors import region_managers
from tsm.lib.xlsx import xlsx_response


def _scope(user):
    return permissions.owner_scope(user)


def _visible(analysis, user):
    """The projects this user may see (permissions.own_part), computed once per analysis."""
    return analysis.memo(("projects", _scope(user)), lambda: permissions.own_part(user, analysis.projects.values()))


def funnel(request, region):
    """区域大漏斗: chart, health per manager, the filterable project list."""
    region = region_for(request, region)
    managers = region_managers(region)
    data = request.GET.copy()
    data.setdefault("per_page", "100")  # shown as selected, so 筛选 keeps the page size
    form = FunnelFilterForm(data, managers=managers)
    if not form.is_valid():
        return HttpResponseBadRequest(render(request, "pipeline/funnel_bad_filter.html", {"form": form}))
    analysis = project_analysis(region, timezone.localdate())
    projects = form.apply(_visible(analysis, request.user))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"区域大漏斗-{region.code}.xlsx", "区域大漏斗", *charts.project_table(analysis, projects, managers))
    page = Paginator(projects, form.cleaned_data["per_page"]).get_page(form.cleaned_data.get("page"))
    return render(request, "pipeline/funnel.html", {
        "region": region, "form": form, "page": page, "slogan": FUNNEL_SLOGAN, "levels": LEVELS,
        "evidence": psel.evidence_wording(), **_funnel_context(analysis, request.user, managers),
    })


def _funnel_context(analysis, user, managers):
    names = {m.pk: str(m) for m in managers}
    layers, health, region_health, chart = analysis.memo(
        ("funnel", _scope(user)), lambda: _funnel_summary(analysis, _visible(analysis, user)))
    # A manager without open projects is the first in danger (稀稀落落, 危机立显).
    shown = [m for m in managers if _scope(user) in (None, m.pk)]
    health = {**{m.pk: empty_funnel_health(analysis.thresholds) for m in shown if m.pk not in health}, **health}
    cover, region_cover = analysis.memo(("coverage", _scope(user)), lambda: _coverages(
        analysis, _visible(analysis, user), list(health)))
    return {
        "analysis": analysis, "layers": layers, "chart": chart,
        "health": [(names.get(owner, "—"), verdict, cover.get(owner))
                   for owner, verdict in sorted(health.items(), key=lambda i: names.get(i[0], ""))],
        "region_cover": region_cover,
        "region_health": region_health, "names": names,
        "customer_names": analysis.customer_names, "product_names": analysis.product_names,
    }


def _funnel_summary(analysis, projects):
    layers = funnel_table(projects)
    region_health, health = funnel_health(projects, analysis.thresholds)
    return layers, health, region_health, charts.funnel_figure(layers)


def _coverages(analysis, projects, owners):
    """Pipeline coverage per manager and for the managers shown together."""
    by_owner: dict = {}
    for p in projects:
        by_owner.setdefault(p.owner_id, []).append(p)
    targets, done = analysis.targets, analysis.year_to_date
    per_owner = {o: coverage(by_owner.get(o, []), targets.get(o), done.get(o, Decimal("0"))) for o in owners}
    total_target = sum((targets.get(o, Decimal("0")) for o in owners), Decimal("0"))
    total_done = sum((done.get(o, Decimal("0")) for o in owners if o in targets), Decimal("0"))
    return per_owner, coverage([p for p in projects if p.owner_id in targets], total_target, total_done)


@require_http_methods(["GET", "POST"])
def project_evidence(request, region, code):
    """Tick win-rate evidence. With htmx a tick posts one box's change and the
    answer goes into what holds the form (the HX-Target): on the funnel the
    row's cells, with the funnel's figures and chart out of band; on this
    page the panel with the new win rate.

    GET gives the form (a fragment for htmx, loaded when a row is opened, so
    the list does not render 12 checkboxes per row)."""
    region = region_for(request, region)
    project = project_for_update(request, region, code, open_only=True)
    if request.method == "GET":
        return _evidence_form(request, region, project)
    previous = region.data_version
    try:
        _save_evidence(request, project)
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0], content_type="text/plain; charset=utf-8")
    if not request.htmx:
        return redirect(_safe_next(request, request.POST.get("next"), region))
    analysis = project_analysis_after_change(
        region, previous_version=previous, as_of=timezone.localdate(), project_ids=[project.pk])
    context = {"region": region, "p": analysis.projects[project.pk], "evidence": psel.evidence_wording(),
               "levels": LEVELS, "next": _safe_next(request, request.POST.get("next"), region)}
    if request.htmx.target == f"project-{project.code}":
        return render(request, "pipeline/funnel.html#evidence_response",
                      {**context, **_funnel_context(analysis, request.user, region_managers(region))})
    return render(request, "pipeline/project_evidence.html#panel", context)


def _save_evidence(request, project):
    """One box's change (htmx: `code`, `ticked`), or the form posted without
    JavaScript: the boxes it showed ticked and those chosen."""
    tick = "code" in request.POST
    form = (EvidenceTickForm if tick else EvidenceForm)(request.POST)
    if not form.is_valid():
        raise ValidationError(next(iter(form.errors.values()))[0])
    data = form.cleaned_data
    if tick:
        project_evidence_toggle(project=project, code=data["code"], ticked=data["ticked"], user=request.user)
    else:
        project_evidence_apply(project=project, shown=data["shown"], chosen=data["evidence"], user=request.user)


def _safe_next(request, target, region):
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse("funnel", kwargs={"region": region.code})


def _evidence_form(request, region, project):
    analysis = project_analysis(region, timezone.localdate())
    template = "pipeline/funnel.html#evidence_form" if request.htmx else "pipeline/project_evidence.html"
    return render(request, template, {
        "region": region, "project": project, "p": analysis.projects[project.pk], "levels": LEVELS,
        "evidence": psel.evidence_wording(), "next": _safe_next(request, request.GET.get("next"), region),
    })


# --- panels of this floor shown on the customer floor's pages ---------------------------------------


def director_checks(request, region):
    """The director's checks of §3.1 (客户贡献分析 loads this panel): the
    projects on hares and rats, the five roles' coverage, the missing scores."""
    region = region_for(request, region)
    analysis = project_analysis(region, timezone.localdate())
    names = owner_names(region_managers(region), analysis.customers.values())
    projects = _visible(analysis, request.user)
    checks = [focus_check(analysis.customers, projects, analysis.thresholds, names), coverage_check(projects),
              missing_scores_check(visible_customers(analysis, request.user).values())]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"主任检查-{region.code}.xlsx", "主任检查", *ccharts.checks_table(checks))
    template = "pipeline/checks.html" + ("#checks" if request.htmx else "")
    return render(request, template, {"region": region, "analysis": analysis, "checks": checks})


def customer_projects(request, region, code):
    """A customer's open projects (the customer page loads this panel)."""
    region = region_for(request, region)
    customer = customer_for(request, region, code)
    analysis = project_analysis(region, timezone.localdate())
    projects = sorted((p for p in _visible(analysis, request.user) if p.customer_id == customer.pk),
                      key=lambda p: p.code)
    template = "pipeline/customer_projects.html" + ("#projects" if request.htmx else "")
    return render(request, template, {"region": region, "customer": customer, "projects": projects,
                                      "product_names": analysis.product_names})

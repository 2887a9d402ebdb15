from decimal import Decimal
from urllib.parse import quote

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
from customers import rules as crules
from customers import selectors as csel
from customers.analysis import missing_scores_check_of
from customers.views import owner_names
from pipeline import charts
from pipeline import selectors as psel
from pipeline.access import project_for_update
from pipeline import rules
from pipeline.analysis import (
    coverage_check_of, coverage_of, empty_funnel_health, focus_check_of, needs_check_of,
)
from pipeline.forms import EvidenceForm, EvidenceTickForm, FunnelFilterForm
from pipeline.models import Project, Status
from pipeline.rules import FUNNEL_SLOGAN, LEVELS
from pipeline.services import project_evidence_apply, project_evidence_toggle
from pipeline.standings import project_standings_rejudge, results_ensure
from teams import permissions
from tsm.lib.urls import links
from teams.access import region_for
from teams.selectors import region_managers
from tsm.lib.xlsx import xlsx_response


def _scope(user):
    return permissions.owner_scope(user)


def funnel(request, region):
    """区域大漏斗: chart, health per manager, the filterable project list.

    Read from the stored results: the list is filtered, sorted and paged in
    SQL, the figures are one GROUP BY, and only the rows shown are judged in
    full (with their reasons)."""
    region = region_for(request, region)
    managers = region_managers(region)
    data = request.GET.copy()
    data.setdefault("per_page", "25")  # shown as selected, so 筛选 keeps the page size
    form = FunnelFilterForm(data, managers=managers)
    if not form.is_valid():
        return render(request, "pipeline/funnel_bad_filter.html", {"form": form}, status=400)
    today = timezone.localdate()
    freshness = results_ensure(region, today)
    listed = form.apply_sql(psel.standings(region, request.user))
    targets = psel.revenue_targets(region, today)
    if request.GET.get("format") == "xlsx":
        judged = psel.projects_judged(region, today, listed.values_list("pk", flat=True), targets=targets)
        projects = [judged[pk] for pk in listed.values_list("pk", flat=True) if pk in judged]
        return xlsx_response(f"区域大漏斗-{region.code}.xlsx", "区域大漏斗",
                             *charts.project_table(projects, managers, psel.names_of(projects)))
    page = Paginator(listed.only("pk", "coverage", "stagnant"), form.cleaned_data["per_page"]).get_page(
        form.cleaned_data.get("page"))
    judged = psel.projects_listed(region, today, page.object_list, targets=targets)
    page.object_list = [judged[s.pk] for s in page.object_list if s.pk in judged]
    return render(request, "pipeline/funnel.html", {
        **_row_links(request, region, page.object_list, None),
        "region": region, "form": form, "page": page, "slogan": FUNNEL_SLOGAN, "levels": LEVELS,
        "evidence": psel.evidence_wording(), "as_of": today, "freshness": freshness,
        "can_edit_projects": permissions.can_add_projects_in(request.user, region),
        **psel.names_of(page.object_list), **_funnel_context(region, request.user, managers, today, targets),
    })


def _row_links(request, region, projects, next_url) -> dict:
    """Each shown row's links (tsm.lib.urls: each pattern reversed once a
    page), and where its 编辑 / 关闭 come back to."""
    return {"row_links": links(ROW_LINKS, [p.code for p in projects], region=region.code),
            "back": quote(next_url or request.get_full_path(), safe="/")}  # as |urlencode quotes


ROW_LINKS = ["project_edit", "project_close", "project_evidence"]


def _funnel_context(region, user, managers, today, targets=None):
    """The funnel's figures for what the user sees: layers, health per
    manager and for all shown, pipeline coverage — from one GROUP BY."""
    t = region.thresholds()
    names = {m.pk: str(m) for m in managers}
    layers, by_owner, weighted = psel.funnel_figures(psel.standings(region, user))
    health = {owner: rules.funnel_health(rows, t=t) for owner, rows in by_owner.items()}
    # A manager without open projects is the first in danger (稀稀落落, 危机立显).
    shown = [m for m in managers if _scope(user) in (None, m.pk)]
    health = {**{m.pk: empty_funnel_health(t) for m in shown if m.pk not in health}, **health}
    region_health = rules.funnel_health([row for rows in by_owner.values() for row in rows], t=t)
    if targets is None:
        targets = psel.revenue_targets(region, today)
    cover, region_cover = _coverages(region, today, weighted, list(health), targets)
    return {
        "target_choice": targets.choice,
        "layers": layers, "chart": charts.funnel_figure(layers),
        "health": [(names.get(owner, "—"), verdict, cover.get(owner))
                   for owner, verdict in sorted(health.items(), key=lambda i: names.get(i[0], ""))],
        "region_cover": region_cover, "region_health": region_health, "names": names,
    }


def _coverages(region, today, weighted, owners, revenue_targets):
    """Pipeline coverage per manager and for the managers shown together:
    against the chosen plan period's own target (not doubled: what is left
    of it is what the weighted pipeline has to cover), less what was met
    since the period's first month."""
    targets = revenue_targets.amounts
    done = psel.revenue_done(region, today, revenue_targets) if targets else {}
    zero = Decimal("0")
    per_owner = {o: coverage_of(weighted.get(o, zero), targets.get(o), done.get(o, zero)) for o in owners}
    total_target = sum((targets.get(o, zero) for o in owners), zero)
    total_done = sum((done.get(o, zero) for o in owners if o in targets), zero)
    total_weighted = sum((weighted.get(o, zero) for o in owners if o in targets), zero)
    return per_owner, coverage_of(total_weighted, total_target, total_done)


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
    try:
        _save_evidence(request, project)
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0], content_type="text/plain; charset=utf-8")
    today = timezone.localdate()
    targets = psel.revenue_targets(region, today)  # read once: the project's amount class and the funnel's coverage
    judged = project_standings_rejudge(region=region, project_ids=[project.pk], as_of=today, targets=targets)
    if not request.htmx:
        return redirect(_safe_next(request, request.POST.get("next"), region))
    p = judged[project.pk]
    context = {"region": region, "p": p, "evidence": psel.evidence_wording(), "levels": LEVELS,
               "next": _safe_next(request, request.POST.get("next"), region), "can_edit_projects": True}
    if request.htmx.target == f"project-{project.code}":
        return render(request, "pipeline/funnel.html#evidence_response", {
            **context, **psel.names_of([p]), **_row_links(request, region, [p], context["next"]), **_funnel_context(region, request.user, region_managers(region), today, targets)})
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
    if request.htmx:
        # The boxes only: the row or panel around them shows the verdicts already.
        p = {"code": project.code, "evidence": [code for code in project.evidence if code in rules.EVIDENCE]}
    else:
        p = psel.projects_judged(region, timezone.localdate(), [project.pk])[project.pk]
    template = "pipeline/funnel.html#evidence_form" if request.htmx else "pipeline/project_evidence.html"
    return render(request, template, {
        "region": region, "project": project, "p": p, "levels": LEVELS,
        "evidence": psel.evidence_wording(), "next": _safe_next(request, request.GET.get("next"), region),
    })


# --- panels of this floor shown on the customer floor's pages ---------------------------------------


def director_checks(request, region):
    """The director's four checks of §3.1 (客户贡献分析 loads this panel): the
    projects on hares and rats, the five roles' coverage, the customers with
    an open project whose three needs are not all written, the missing scores."""
    region = region_for(request, region)
    today = timezone.localdate()
    freshness = results_ensure(region, today)
    t = region.thresholds()
    names = owner_names(region_managers(region), [])
    projects = psel.standings(region, request.user)
    checks = [
        focus_check_of({owner: crules.focus_check(on, total, t=t) for owner, (total, on) in
                        psel.hare_rat_counts(projects).items()}, t, names),
        coverage_check_of(psel.coverage_counts(projects)),
        needs_check_of(*psel.needs_unknown(region, request.user), names),
        missing_scores_check_of(csel.missing_scores_by_class(csel.standings(region, request.user))),
    ]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"主任检查-{region.code}.xlsx", "主任检查", *ccharts.checks_table(checks))
    template = "pipeline/checks.html" + ("#checks" if request.htmx else "")
    return render(request, template, {"region": region, "as_of": freshness.as_of, "checks": checks})


def customer_projects(request, region, code):
    """A customer's open projects (the customer page loads this panel)."""
    region = region_for(request, region)
    customer = customer_for(request, region, code)
    ids = Project.objects.visible_to(request.user).filter(region=region, customer=customer, status=Status.OPEN)
    judged = psel.projects_judged(region, timezone.localdate(), ids.values_list("pk", flat=True))
    projects = sorted(judged.values(), key=lambda p: p.code)
    template = "pipeline/customer_projects.html" + ("#projects" if request.htmx else "")
    return render(request, template, {"region": region, "customer": customer, "projects": projects,
                                      "closed": psel.closed_projects(customer, request.user),
                                      "can_add_project": permissions.can_add_project(request.user, customer),
                                      "can_edit_projects": permissions.can_add_projects_in(request.user, region),
                                      **psel.names_of(projects)})

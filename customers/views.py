"""做分析 (A): 客户贡献分析, 决策与需求, 竞争对手与自己平台 (DOMAIN §3.1–§3.3).

Thin views: access helper → form → selector or service → render or redirect.
Pages work without JavaScript; with htmx a filter, a page turn or a write
swaps a named fragment of the page (`{% partialdef %}`). Every table is
also an Excel download (`?format=xlsx&table=…`).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from customers import charts
from customers import selectors as sel
from customers.access import competitor_for, customer_for
from customers.analysis import (
    ComparisonRow, class_summary_of, class_summary_per_product_of, comparison_grid, grouped, matrix_columns_of,
    matrix_rows,
)
from customers.forms import (
    CompetitorForm, ContributionFilterForm, CustomerForm, CustomerListForm, IntelligenceFilterForm, IntelligenceForm,
    ScoresForm,
)
from customers import services
from customers.services import MAX_COMPETITORS_PER_SERIES
from customers.models import Competitor, Customer, CustomerStanding, Product
from customers.rules import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS, CONTRIBUTION_CLASS_ADVICE, ROLES, VALUE_CLASS_LABELS

from customers.standings import customers_ensure
from tsm.lib.periods import base_period
from teams import permissions
from teams.access import region_for, region_for_director
from teams.selectors import region_managers
from tsm.lib.versions import StaleEdit
from tsm.lib.xlsx import xlsx_response


def owner_names(managers, customers) -> dict:
    """Owner id -> name, for managers and for anyone else who owns a customer."""
    return {r.owner_id: r.owner for r in customers} | {m.pk: str(m) for m in managers} | {None: "（未分配）"}


def _refused(message: str):
    """A request no form of ours sends (a forged series…): 400, the reason as plain text."""
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def bad_filter(request, form):
    template = "customers/contribution_bad_filter.html"
    return render(request, template + ("#errors" if request.htmx else ""), {"form": form}, status=400)


# --- 客户贡献分析 -------------------------------------------------------------------------------------


def contribution(request, region):
    """客户贡献分析: the matrix as a heat-map, the five classes, the director's checks.

    Read from the stored results: the summaries are GROUP BYs, the matrix is
    filtered, sorted and paged in SQL, and only the rows shown are rebuilt."""
    region = region_for(request, region)
    managers = region_managers(region)
    products = sel.product_rows()
    form = ContributionFilterForm(request.GET, managers=managers, products=products)
    if not form.is_valid():
        return bad_filter(request, form)
    freshness = customers_ensure(region, timezone.localdate())
    visible = sel.standings(region, request.user)
    listed = form.apply_sql(visible)
    names = dict(_owners(visible)) | owner_names(managers, [])
    # The whole region's sums from the cache (sel.region_sums); a manager's own read each time.
    sums = None if permissions.owner_scope(request.user) else sel.region_sums(region)
    used = sums["products_used"] if sums and not form.filtered else sel.products_used(listed)
    columns = matrix_columns_of(products, used, form.cleaned_data["product"])
    if form.wants_xlsx:
        return _contribution_xlsx(region, form.table_name, visible, listed, columns, names, products)
    page = Paginator(listed.select_related("owner"), form.cleaned_data["per_page"]).get_page(form.cleaned_data["page"])
    cells = sel.cells_of(s.pk for s in page.object_list)
    page.object_list = sel.results_of(page.object_list, cells)
    rows = matrix_rows(page.object_list, columns, cells)
    context = {"region": region, "form": form, "page": page, "columns": columns, "freshness": freshness,
               "as_of": freshness.as_of, "period": base_period(freshness.as_of or timezone.localdate()),
               "labels": charts.product_labels(columns), "rows": rows, "names": names,
               "chart": charts.heatmap_figure(rows, columns, unit=request.session.get("money_unit", "yuan"))}
    if request.htmx:
        return render(request, "customers/contribution.html#matrix", context)
    return render(request, "customers/contribution.html", context | _contribution_summaries(
        visible, names, products, sums or sel.sums_of(visible)))


def _owners(standings):
    """(id, name) of everybody who owns one of these customers (not only the managers)."""
    rows = standings.filter(owner__isnull=False).values_list("owner_id", "owner__display_name", "owner__username")
    return [(pk, display or username) for pk, display, username in rows.distinct().order_by()]


def _contribution_summaries(visible, names, products, sums) -> dict:
    return {
        "totals": sums["totals"],
        "summary": class_summary_of(sums["class_sums"]),
        # by owner: read each time (a customer handed over moves it without a new judgement)
        "by_manager": sorted(grouped(class_summary_of(sel.class_sums(visible, by_owner=True))),
                             key=lambda g: names.get(g[0], "")),
        "by_product": grouped(class_summary_per_product_of(sums["by_product"])),
        "product_names": {p["id"]: p["name"] for p in products},
        "advice": CONTRIBUTION_CLASS_ADVICE,
    }


def _contribution_xlsx(region, table, visible, listed, columns, names, products):
    title = ContributionFilterForm.TABLES[table]
    if table == "matrix":
        customers = list(listed.select_related("owner"))
        cells = sel.cells_of(s.pk for s in customers)
        sheet = charts.matrix_table(matrix_rows(sel.results_of(customers, cells), columns, cells), columns, names)
    elif table == "summary":
        sheet = charts.summary_table(class_summary_of(sel.class_sums(visible)))
    elif table == "by_manager":
        sheet = charts.summary_table(class_summary_of(sel.class_sums(visible, by_owner=True)), "客户经理", names)
    else:
        sheet = charts.summary_table(class_summary_per_product_of(sel.class_sums_by_product(visible)), "产品",
                                     {p["id"]: p["name"] for p in products})
    return xlsx_response(f"{title}-{region.code}.xlsx", title, *sheet)


def customer_detail(request, region, code):
    """One customer: its signals, class, matrix row, value class, publicity and
    contacts; its projects are the pipeline floor's panel, loaded into the page."""
    region = region_for(request, region)
    customer = customer_for(request, region, code)
    freshness = customers_ensure(region, timezone.localdate())
    standing = CustomerStanding.objects.filter(pk=customer.pk).select_related("owner").first()
    cells = sorted(sel.cells_of([customer.pk]), key=lambda c: c["product_id"])
    result = sel.results_of([standing], cells)[0] if standing else None
    for cell in cells:
        cell["profit"] = cell["revenue"] - cell["cost"]
        cell["sign"] = result.cells.get(cell["product_id"]) if result else None
    as_of = freshness.as_of or timezone.localdate()
    return render(request, "customers/customer_detail.html", {
        "region": region, "customer": customer, "as_of": as_of, "period": base_period(as_of), "r": result,
        "cells": cells, "freshness": freshness, "product_names": dict(Product.objects.values_list("pk", "name")),
        "contacts": with_roles(sel.contacts_of([customer.pk])),
        "advice": CONTRIBUTION_CLASS_ADVICE, "value_labels": VALUE_CLASS_LABELS,
        "can_manage": permissions.can_manage_customer(request.user, customer),
        "can_add_project": permissions.can_add_project(request.user, customer),
        "factors": [(label, getattr(customer, field)) for field, label in ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS],
    })


@require_http_methods(["GET", "POST"])
def customer_list(request, region):
    """The director's customer list (客户名单), filtered and paged, with 新建客户:
    POST creates a customer and goes to its page; a refused one shows the
    form again with its errors, nothing written."""
    region = region_for_director(request, region)
    managers = region_managers(region)
    form = CustomerListForm(request.GET, managers=managers)
    if not form.is_valid():
        return bad_filter(request, form)
    new = CustomerForm(request.POST if request.method == "POST" else None, region=region, auto_id="new_%s")
    if new.is_bound:
        try:
            if new.is_valid():
                customer = services.customer_create(region=region, **new.service_kwargs())
                messages.success(request, _("已新建客户“%(name)s”（%(code)s）") % {"name": customer.name,
                                                                            "code": customer.code})
                return redirect("customer_detail", region=region.code, code=customer.code)
        except ValidationError as error:
            new.add_error(None, error)
    customers = form.apply(Customer.objects.filter(region=region).select_related("owner"))
    if form.wants_xlsx:
        return xlsx_response(f"客户名单-{region.code}.xlsx", "客户名单", *charts.customers_table(customers))
    page = Paginator(customers, form.cleaned_data["per_page"]).get_page(form.cleaned_data["page"])
    return render(request, "customers/customer_list.html", {"region": region, "form": form, "page": page,
                                                            "new": new}, status=400 if new.errors else 200)


def with_roles(contacts):
    """Each contact with `held`: one flag per buying role, in the five roles' order."""
    for k in contacts:
        k.held = [role in (k.roles or []) for role in ROLES]
    return contacts


# --- 竞争对手与自己平台 --------------------------------------------------------------------------------------


@dataclass
class SeriesBlock:
    """One product series: its (up to) three competitors, the nine scores and the radar."""

    series: str
    competitors: list[Competitor]
    grid: list[ComparisonRow]
    subjects: list[str]
    chart: dict
    scores_form: ScoresForm | None = None
    competitor_form: CompetitorForm | None = None

    @property
    def key(self) -> str:
        return series_key(self.series)

    @property
    def chart_id(self) -> str:
        return "radar-" + self.key

    @property
    def rows(self) -> list[tuple]:
        """(ComparisonRow, its form fields or None) per dimension: the grid is the radar's table."""
        fields = self.scores_form.grid() if self.scores_form else [None] * len(self.grid)
        return list(zip(self.grid, fields))

    @property
    def full(self) -> bool:
        return len(self.competitors) >= MAX_COMPETITORS_PER_SERIES


def series_key(series: str) -> str:
    """An HTML id for a series (its name may be any text)."""
    return "series-" + hashlib.sha1(series.encode()).hexdigest()[:10]


def _series_blocks(all_series, competitors, score_rows, *, only=None, can_edit=False, forms=None):
    """A block per series (or only the one named), with its forms when the user edits;
    `forms` replaces a block's forms with bound ones that carry errors."""
    by_series, scores = defaultdict(list), defaultdict(list)
    for c in competitors:
        by_series[c.product_series].append(c)
    for row in score_rows:
        scores[row["product_series"]].append(row)
    blocks = []
    for series in ([only] if only is not None else all_series):
        own = by_series[series]
        grid = comparison_grid(own, scores[series])
        subjects = ["自己平台"] + [c.name for c in own]
        block = SeriesBlock(series, own, grid, subjects, charts.radar_figure(subjects, grid))
        if can_edit:
            block.scores_form = ScoresForm(competitors=own, auto_id=f"{block.key}-%s", initial={"series": series} | {
                f"{'own' if s is None else f'c{s.pk}'}-{row.dimension}": row.scores[i]
                for row in grid for i, s in enumerate([None, *own])})
            taken = {c.rank for c in own}
            block.competitor_form = CompetitorForm(series=all_series, auto_id=f"{block.key}-add-%s", initial={
                "product_series": series, "rank": next((r for r in (1, 2, 3) if r not in taken), 3)})
            if forms and forms[0] == series:
                for name, form in forms[1].items():
                    setattr(block, name, form)
        blocks.append(block)
    return blocks


def _can_edit_competitors(user, region) -> bool:
    return permissions.can_edit_region(user, region)


def competitors(request, region):
    """竞争对手与自己平台: per series the competitors, the nine scores and a radar; the intelligence log."""
    region = region_for(request, region)
    channels = sel.intelligence_channels()
    form = IntelligenceFilterForm(request.GET, channels=channels)
    if not form.is_valid():
        return bad_filter(request, form)
    channel = next((c for c in channels if c.code == form.cleaned_data["channel"]), None)
    if form.wants_xlsx:
        return _competitors_xlsx(region, form.table_name, channel)
    if request.htmx:
        return render(request, "customers/competitors.html#log",
                      _log_context(request, region, channels, form, channel))
    return render(request, "customers/competitors.html",
                  _competitors_context(request, region, channels, form, channel))


def _competitors_context(request, region, channels, form, channel, forms=None) -> dict:
    can_edit = _can_edit_competitors(request.user, region)
    blocks = _series_blocks(sel.series_names(region), sel.region_competitors(region),
                            sel.comparison_score_rows(region), can_edit=can_edit, forms=forms)
    return _log_context(request, region, channels, form, channel) | {
        "blocks": blocks, "intel_form": IntelligenceForm(channels=channels, auto_id=False) if can_edit else None}


def _log_context(request, region, channels, form, channel) -> dict:
    page = Paginator(sel.intelligence_entries(region, channel), form.cleaned_data["per_page"]).get_page(
        form.cleaned_data["page"])
    counts = sel.intelligence_counts(region)
    return {"region": region, "form": form, "page": page, "channel": channel,
            "can_edit": _can_edit_competitors(request.user, region),
            "channel_counts": [(c, counts.get(c.pk, 0)) for c in channels if c.enabled or counts.get(c.pk)],
            "total_entries": sum(counts.values())}


def _competitors_xlsx(region, table, channel):
    title = IntelligenceFilterForm.TABLES[table]
    if table == "competitors":
        sheet = charts.competitors_table(sel.region_competitors(region))
    elif table == "scores":
        sheet = charts.scores_table(_series_blocks(sel.series_names(region), sel.region_competitors(region),
                                                   sel.comparison_score_rows(region)))
    else:
        sheet = charts.intelligence_table(sel.intelligence_entries(region, channel))
    return xlsx_response(f"{title}-{region.code}.xlsx", title, *sheet)


def _unfiltered():
    form = IntelligenceFilterForm({})
    form.is_valid()
    return form


def _series_written(request, region, series, *, errors=None):
    """After a write to a series: its block (htmx) or back to the page at the block.

    `errors`: {form name: bound form} of a refused write, shown with a 400."""
    status = 400 if errors else 200
    if not request.htmx:
        if not errors:
            return redirect(reverse("competitors", kwargs={"region": region.code}) + "#" + series_key(series))
        channels = sel.intelligence_channels()
        return render(request, "customers/competitors.html", _competitors_context(
            request, region, channels, _unfiltered(), None, forms=(series, errors)), status=status)
    block = _series_blocks(sel.series_names(region), sel.region_competitors(region, series),
                           sel.comparison_score_rows(region, series), only=series, can_edit=True,
                           forms=(series, errors or {}))[0]
    return render(request, "customers/competitors.html#series", {
        "region": region, "block": block, "can_edit": True,
        "intel_form": IntelligenceForm(channels=sel.intelligence_channels(), auto_id=False)}, status=status)


@require_POST
def competitor_add(request, region):
    region = region_for_director(request, region)
    all_series = sel.series_names(region)
    series = request.POST.get("product_series", "")
    if series not in all_series:
        return _refused(f"没有名为“{series}”的产品系列")
    form = CompetitorForm(request.POST, series=all_series, auto_id=f"{series_key(series)}-add-%s")
    try:
        if form.is_valid():
            services.competitor_save(region=region, **form.service_kwargs())
    except ValidationError as error:
        form.add_error(None, error)
    return _series_written(request, region, series, errors={"competitor_form": form} if form.errors else None)


@require_http_methods(["GET", "POST"])
def competitor_edit(request, region, pk):
    """GET: the competitor's form (a fragment for htmx); POST: save it.

    A save read before someone else's is refused with 409, the form showing
    the competitor as it is now and naming what changed."""
    region = region_for_director(request, region)
    competitor = competitor_for(request, region, pk)
    form = CompetitorForm.for_competitor(competitor, request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        try:
            if form.is_valid():
                services.competitor_save(region=region, competitor=competitor, **form.service_kwargs())
                return _series_written(request, region, competitor.product_series)
        except StaleEdit as stale:
            competitor = competitor_for(request, region, pk)  # as it is now
            form, status = CompetitorForm.for_competitor(competitor), 409
            form.conflict = stale.message
        except ValidationError as error:
            form.add_error(None, error)
    context = {"region": region, "competitor": competitor, "form": form,
               "key": series_key(competitor.product_series)}
    if not request.htmx:
        return render(request, "customers/competitors_edit.html", context, status=status)
    response = render(request, "customers/competitors.html#competitor_form", context, status=status)
    return reswap(retarget(response, f"#competitor-{competitor.pk}"), "outerHTML")


@require_POST
def comparison_scores(request, region):
    """The nine 1–5 scores of a series, for us and each competitor: only the
    cells changed from what the grid showed are saved."""
    region = region_for_director(request, region)
    series = request.POST.get("series", "")
    if series not in sel.series_names(region):
        return _refused(f"没有名为“{series}”的产品系列")
    form = ScoresForm(request.POST, competitors=sel.region_competitors(region, series),
                      auto_id=f"{series_key(series)}-%s")
    try:
        if form.is_valid():
            services.scores_save(region=region, product_series=series, scores=form.scores())
    except ValidationError as error:
        form.add_error(None, error)
    return _series_written(request, region, series, errors={"scores_form": form} if form.errors else None)


@require_POST
def intelligence_add(request, region, pk):
    """Record intelligence about a competitor; the log updates in place."""
    region = region_for_director(request, region)
    competitor = competitor_for(request, region, pk)
    channels = sel.intelligence_channels()
    form = IntelligenceForm(request.POST, channels=channels, auto_id=False)
    try:
        if form.is_valid():
            services.intelligence_add(region=region, competitor=competitor, author=request.user, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
    if form.errors:
        context = {"region": region, "competitor": competitor, "c": competitor, "intel_form": form}
        if not request.htmx:
            return render(request, "customers/competitors_edit.html", context, status=400)
        response = render(request, "customers/competitors.html#intel_form", context, status=400)
        return reswap(retarget(response, f"#intel-form-{competitor.pk}"), "outerHTML")
    if not request.htmx:
        return redirect(reverse("competitors", kwargs={"region": region.code}) + "#intel-log")
    return render(request, "customers/competitors.html#log",
                  _log_context(request, region, channels, _unfiltered(), None))

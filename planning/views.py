from decimal import Decimal
from html import escape

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from customers import rules as crules
from customers.models import Competitor, Customer, CustomerStanding
from customers.rules import (
    ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS, CONTRIBUTION_CLASS_LABELS, VALUE_CLASS_LABELS, fmt_num,
)
from pipeline.standings import customer_changed
from planning import charts, selectors, services
from customers.access import customer_for, customer_for_update
from customers import selectors as csel
from customers.standings import customers_ensure
from planning.forms import (
    ExportForm, FitPagesForm, PositionForm, PositioningForm, ScoresForm, SpecialActionForm, StanceForm,
    SuggestionAcceptForm, SwotActionForm, SwotAdvancedForm, SwotItemForm, ValueFitAcceptForm,
)
from planning.models import OpportunitySource, Pairing, Position, SpecialAction, Stance, SwotItem
from planning.rules import SWOT_KIND_LABELS, advanced_swot_valid
from teams import permissions
from teams.access import region_for, region_for_director
from tsm.lib.versions import StaleEdit
from tsm.lib.xlsx import xlsx_response


def region_home(request, region):
    """The region's front page: headline figures of every floor, in a constant number of queries."""
    region = region_for(request, region)
    headline = selectors.region_headline(region=region, user=request.user, as_of=timezone.localdate(),
                                         t=region.thresholds())
    return render(request, "teams/region_home.html", {"region": region, "headline": headline,
                                                      "can_edit": permissions.can_edit_region(request.user, region)})


# --- pages of A 做分析 and S 定策略: SWOT, value grid, competition strategy --------------------------
#
# Thin views: access helper -> form -> service or selector -> render or
# redirect. A POST redirects a normal request and answers htmx with the
# fragment it changed; on bad input nothing is written and the message shows
# where the form was (400 for a normal request, the fragment for htmx).


def _edits_region(user, region) -> bool:
    return permissions.can_edit_region(user, region)


def _check(form) -> None:
    if not form.is_valid():
        raise ValidationError([m for errors in form.errors.values() for m in errors])


def _export(request, *, filename: str, titles: dict[str, str], tables: dict):
    """?format=xlsx[&table=name]: one of the page's tables as a workbook; None for the page itself."""
    export = ExportForm(request.GET, tables=titles)
    if not export.is_valid():
        return HttpResponseBadRequest("；".join(m for e in export.errors.values() for m in e),
                                      content_type="text/plain; charset=utf-8")
    if not export.wants_xlsx:
        return None
    name = export.table_name
    return xlsx_response(f"{filename}-{titles[name]}.xlsx", titles[name], *tables[name]())


def _answer(request, *, page: str, fragment: str, context, to: str, error: ValidationError | None):
    """After a POST: redirect (normal request) or the changed fragment (htmx);
    with an error, the page again with status 400, or the fragment showing it.
    A save refused because the record moved on since its form was read
    (StaleEdit) answers 409, page or fragment, showing the record as it is
    now. `context` is a callable: a redirect needs none of the page's reads."""
    if error is None and not request.htmx:
        return redirect(to)
    stale = isinstance(error, StaleEdit)
    if request.htmx:
        return render(request, f"{page}#{fragment}", context(), status=409 if stale else 200)
    return render(request, page, context(), status=409 if stale else 400)


# --- §3.4 SWOT ----------------------------------------------------------------------------------

SWOT_TABLES = {"items": "SWOT 条目", "suggestions": "优势劣势建议", "actions": "高阶 SWOT 组合行动"}


def _swot_item_for(request, region, pk: int) -> SwotItem:
    return get_object_or_404(SwotItem, region=region, pk=pk)


def _swot_context(request, region, *, error=None, item_form=None, prefix="") -> dict:
    items = selectors.swot_items(region)
    records = selectors.swot_actions(region)
    actions = {p: a.action for p, a in records.items()}
    suggestions = selectors.swot_suggestion_rows(selectors.comparison_scores(region), items, t=region.thresholds())
    by_kind = {k: [i for i in items if i.kind == k] for k in SWOT_KIND_LABELS}
    picked = {k: [i for i in by_kind[k] if i.advanced] for k in SWOT_KIND_LABELS}
    ready = advanced_swot_valid({k: len(v) for k, v in picked.items()})
    return {
        "region": region, "can_edit": _edits_region(request.user, region),
        "errors": [prefix + m for m in error.messages] if error else [],
        "kinds": [(k, label, by_kind[k]) for k, label in SWOT_KIND_LABELS.items()],
        "items": items, "suggestions": suggestions, "sources": dict(OpportunitySource.choices),
        "source_choices": OpportunitySource.choices, "item_form": item_form or SwotItemForm(),
        "pairings": [(p, label, picked[p[0]] + picked[p[1]], actions.get(p, ""),
                      records[p].version if p in records else 0) for p, label in Pairing.choices],
        "advanced_counts": {k: len(v) for k, v in picked.items()},
        "advanced_ready": ready.value, "advanced_reason": ready.reason, "gap": fmt_num(region.thresholds().swot_gap),
        "tables": {
            "items": lambda: charts.swot_item_table(items),
            "suggestions": lambda: charts.swot_suggestion_table(suggestions),
            "actions": lambda: charts.swot_action_table(items, actions),
        },
    }


def swot(request, region):
    """SWOT 初阶 (items, suggestions from the comparison) and 高阶 (2+2+2+2 and the four combined actions)."""
    region = region_for(request, region)
    context = _swot_context(request, region)
    exported = _export(request, filename=f"SWOT-{region.code}", titles=SWOT_TABLES, tables=context["tables"])
    return exported or render(request, "planning/swot.html", context)


def _swot_answer(request, region, error=None, item_form=None, prefix=""):
    return _answer(request, page="planning/swot.html", fragment="board", to=reverse("swot", args=[region.code]),
                   context=lambda: _swot_context(request, region, error=error, item_form=item_form, prefix=prefix),
                   error=error)


@require_POST
def swot_item_add(request, region):
    region = region_for_director(request, region)
    form = SwotItemForm(request.POST)
    try:
        _check(form)
        services.swot_item_add(region=region, **form.cleaned_data)
    except ValidationError as error:
        return _swot_answer(request, region, error, item_form=form)
    return _swot_answer(request, region)


@require_POST
def swot_item_delete(request, region, pk):
    region = region_for_director(request, region)
    services.swot_item_delete(region=region, item=_swot_item_for(request, region, pk))
    return _swot_answer(request, region)


@require_POST
def swot_advanced(request, region):
    region = region_for_director(request, region)
    form = SwotAdvancedForm(request.POST, items=selectors.swot_items(region))
    try:
        _check(form)
        services.swot_advanced_set(region=region, item_ids=form.cleaned_data["items"])
    except ValidationError as error:
        return _swot_answer(request, region, error)
    return _swot_answer(request, region)


@require_POST
def swot_action(request, region):
    region = region_for_director(request, region)
    form = SwotActionForm(request.POST)
    try:
        _check(form)
        services.swot_action_save(region=region, **form.cleaned_data, seen=form.seen())
    except StaleEdit as stale:  # name the pairing: the board has four
        return _swot_answer(request, region, stale, prefix=f"{Pairing(form.cleaned_data['pairing']).label}：")
    except ValidationError as error:
        return _swot_answer(request, region, error)
    return _swot_answer(request, region)


# --- §4.1 customer value grid ---------------------------------------------------------------------

GRID_TABLES = {"customers": "客户价值评估", "quadrants": "四类客户与市场动作", "pending": "待评估客户",
               "fit": "价值类别与贡献类别", "misfits": "价值类别与贡献类别不符的客户"}
GRID_PAGE = 100
FIT_PAGE = 50


def _customer_for(request, region, code: str, *, write: bool = False) -> Customer:
    """A customer to read, or to score (the director any, a manager their own): else 404."""
    return customer_for_update(request, region, code) if write else customer_for(request, region, code)


def _page(qs, number, per_page, *, count: int | None = None):
    """A page of a queryset, paged in SQL; its count is a query unless the
    cross-table's GROUP BY already gave it."""
    paginator = Paginator(qs, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not counted again
    return paginator.get_page(number)


def _fit_context(request, region, visible, *, pages: dict, errors=(), done: str = "", misfits=None) -> dict:
    """The two misfit lists (not yet accepted; accepted), each paged in SQL;
    given all misfits (the cross-table's count), the open ones are not counted again."""
    accepted_page = _page(selectors.accepted_misfits(visible), pages.get("accepted_page"), FIT_PAGE)
    open_count = None if misfits is None else misfits - accepted_page.paginator.count
    open_page = _page(selectors.misfits(visible), pages.get("fit_page"), FIT_PAGE, count=open_count)
    return {"region": region, "can_accept": permissions.can_edit_plan(request.user, region),
            "misfits": selectors.fit_rows(open_page.object_list), "misfits_page": open_page,
            "accepted": selectors.fit_rows(accepted_page.object_list), "accepted_page": accepted_page,
            "fit_errors": list(errors), "fit_done": done,
            "value_labels": VALUE_CLASS_LABELS, "class_labels": CONTRIBUTION_CLASS_LABELS}


def _grid_tables(visible, fit, quadrants) -> dict:
    """Every table of the page, whole, for Excel (a download reads every row once)."""
    return {
        "customers": lambda: charts.customer_table(csel.results_of(selectors.assessed(visible), [])),
        "quadrants": lambda: charts.quadrant_table(quadrants),
        "pending": lambda: charts.pending_table(selectors.pending_rows(selectors.pending(visible))),
        "fit": lambda: charts.fit_table(fit),
        "misfits": lambda: charts.misfit_table(selectors.fit_rows(selectors.accepted_misfits(visible))
                                               + selectors.fit_rows(selectors.misfits(visible))),
    }


def _grid_summary(request, region) -> dict:
    """What the page and its exports share: the visible stored results, the
    cross-table and the quadrants' counts (one GROUP BY)."""
    freshness = customers_ensure(region, timezone.localdate())
    visible = csel.standings(region, request.user)
    sums = selectors.value_contribution_sums(visible)
    fit = selectors.fit_table(sums)
    quadrants = charts.quadrants(selectors.value_class_counts(sums), selectors.market_action_texts())
    return {"region": region, "freshness": freshness, "as_of": freshness.as_of or timezone.localdate(),
            "visible": visible, "fit": fit, "quadrants": quadrants, "customers": sum(n for _, _, n, _ in sums),
            "assessed": fit.count + fit.unclassified, "tables": _grid_tables(visible, fit, quadrants)}


def _grid_context(request, region, summary, *, fit_pages=None, fit_errors=()) -> dict:
    """The page: the chart's columns, the lists paged in SQL."""
    visible, high = summary["visible"], region.thresholds().value_high
    fit = summary["fit"]
    rows = _page(selectors.assessed(visible), request.GET.get("page"), GRID_PAGE, count=summary["assessed"])
    pending = _page(selectors.pending(visible), request.GET.get("pending_page"), GRID_PAGE, count=fit.pending)
    pages = fit_pages or {k: request.GET.get(k) for k in ("fit_page", "accepted_page")}
    return {
        **summary, "high": fmt_num(high),
        "rows": csel.results_of(rows.object_list, []), "rows_page": rows,
        "pending": selectors.pending_rows(pending.object_list), "pending_page": pending,
        "chart": charts.value_grid_figure(selectors.grid_points(visible), high=high) if summary["assessed"] else None,
        **_fit_context(request, region, visible, pages=pages, errors=fit_errors, misfits=fit.misfits),
    }


def value_grid(request, region):
    """客户价值评估: the grid, the four classes and their market actions, the
    value × contribution cross-table and its misfits, the 待评估 customers."""
    region = region_for(request, region)
    summary = _grid_summary(request, region)
    exported = _export(request, filename=f"客户价值评估-{region.code}", titles=GRID_TABLES, tables=summary["tables"])
    return exported or render(request, "planning/value_grid.html", _grid_context(request, region, summary))


def _fit_answer(request, region, form, *, error=None, done=""):
    """After an accept or undo: the value grid at the lists' pages (normal
    request), or the lists' fragment (htmx); a refusal says why, nothing written."""
    pages = form.pages() if form.is_valid() else {}
    errors = error.messages if error else []
    if request.htmx:
        customers_ensure(region, timezone.localdate())
        visible = csel.standings(region, request.user)
        return render(request, "planning/value_grid.html#fit", _fit_context(
            request, region, visible, pages=pages, errors=errors, done=done))
    if error:
        return render(request, "planning/value_grid.html", _grid_context(
            request, region, _grid_summary(request, region), fit_pages=pages, fit_errors=errors), status=400)
    query = "&".join(f"{k}={v}" for k, v in pages.items() if v != 1)
    return redirect(reverse("value_grid", args=[region.code]) + (f"?{query}" if query else "") + "#fit")


@require_POST
def value_fit_accept(request, region, code):
    """接受: the director accepts the pair of classes the page showed (a toggle: never refused for a version)."""
    region = region_for_director(request, region)
    customer = _customer_for(request, region, code)
    form = ValueFitAcceptForm(request.POST)
    try:
        _check(form)
        services.value_fit_accept(customer=customer, user=request.user, value_class=form.cleaned_data["value_class"],
                                  contribution_class=form.cleaned_data["contribution_class"])
    except ValidationError as error:
        return _fit_answer(request, region, form, error=error)
    return _fit_answer(request, region, form, done=gettext("已接受%(name)s的类别不符") % {"name": customer.name})


@require_POST
def value_fit_undo(request, region, code):
    """撤销接受: the customer is listed as a misfit again."""
    region = region_for_director(request, region)
    customer = _customer_for(request, region, code)
    form = FitPagesForm(request.POST)
    try:
        _check(form)
        services.value_fit_undo(customer=customer)
    except ValidationError as error:
        return _fit_answer(request, region, form, error=error)
    return _fit_answer(request, region, form, done=gettext("已撤销对%(name)s的接受") % {"name": customer.name})


def _stored_result(region, customer):
    """The customer's stored result (classes, reasons, the data's suggestions),
    None while it has never been judged — not the whole region's analysis."""
    customers_ensure(region)
    standing = CustomerStanding.objects.filter(pk=customer.pk).select_related("owner").first()
    return csel.result_of(standing, {}) if standing else None


def _score_panel(request, region, customer, *, form=None, error=None, saved="", status=200):
    """The scoring form with the data's suggestions; the page, or its panel for htmx."""
    result = _stored_result(region, customer)
    form = form or ScoresForm(initial={f: getattr(customer, f) for f, _ in ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS})
    can_edit = permissions.can_edit_customer(request.user, customer)
    for field in form.fields.values():
        field.disabled = not can_edit
    template = "planning/value_grid_customer.html"
    return render(request, f"{template}#score_panel" if request.htmx else template, {
        "region": region, "customer": customer, "result": result, "form": form, "saved": saved,
        "errors": error.messages if error else [], "can_edit": can_edit,
        "value_labels": VALUE_CLASS_LABELS, "class_labels": CONTRIBUTION_CLASS_LABELS,
        "axes": [("客户群本身的吸引力", [form[f] for f, _ in ATTRACTIVENESS_FACTORS]),
                 ("我们的相对优势", [form[f] for f, _ in ADVANTAGE_FACTORS])],
        "suggestions": [(f, services.FACTOR_LABELS[f], result.suggestions[f], getattr(customer, f))
                        for f in services.SUGGESTED_FACTORS if result and f in result.suggestions],
    }, status=200 if request.htmx else status)


@require_http_methods(["GET", "POST"])
def value_grid_customer(request, region, code):
    """The 13 factors of one customer: GET shows the form (read-only for executives), POST saves."""
    region = region_for(request, region)
    if request.method == "GET":
        return _score_panel(request, region, _customer_for(request, region, code))
    customer = _customer_for(request, region, code, write=True)
    form = ScoresForm(request.POST)
    if form.is_valid():
        try:
            changed = form.changed()
            services.customer_scores_save(customer=customer, scores=changed)
            if changed:
                customer_changed(region=region, customer_ids=[customer.pk])
            return _scored(request, region, customer, "已保存评分" if changed else "评分没有改动")
        except ValidationError as error:
            form.add_error(None, error)
    return _score_panel(request, region, customer, form=form, status=400)


def _scored(request, region, customer, message):
    if request.htmx:
        # the panel shows every factor as stored now, other people's scores included
        customer.refresh_from_db(fields=[f for f, _ in ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS])
        return _score_panel(request, region, customer, saved=message)
    messages.success(request, f"{customer.name}：{message}")
    return redirect("value_grid_customer", region=region.code, code=customer.code)


@require_POST
def value_grid_accept(request, region, code):
    """Accept the data's suggestion for 利润贡献 or 持续采购 — only ever explicitly."""
    region = region_for(request, region)
    customer = _customer_for(request, region, code, write=True)
    form = SuggestionAcceptForm(request.POST)
    result = _stored_result(region, customer)
    try:
        _check(form)
        services.customer_suggestion_accept(customer=customer, suggestions=result.suggestions if result else {},
                                            **form.cleaned_data)
        customer_changed(region=region, customer_ids=[customer.pk])
    except ValidationError as error:
        return _score_panel(request, region, customer, error=error, status=400)
    return _scored(request, region, customer, f"已采纳{services.FACTOR_LABELS[form.cleaned_data['factor']]}的建议")


# --- §4.5 competition strategy and §4.6 push and pull --------------------------------------------------

STRATEGY_TABLES = {"positions": "竞争地位与策略", "stances": "对竞争对手的策略", "actions": "市场推拉动作",
                   "targets": "定位目标（客户价值类别）"}


def _competitor_for(request, region, pk: int) -> Competitor:
    return get_object_or_404(Competitor, region=region, pk=pk)


def _special_action_for(request, region, pk: int) -> SpecialAction:
    return get_object_or_404(SpecialAction, region=region, pk=pk)


def _customer_picker(region) -> str:
    """The <option>s of the region's customers for the target-customer fields: a region has
    thousands, joined here at once rather than one template loop turn each."""
    return mark_safe("".join(f'<option value="{escape(code)}">{escape(name)}</option>'
                             for code, name in selectors.customer_choices(region)))


def _strategy_context(request, region, *, errors=None, action_form=None) -> dict:
    competitors = selectors.competitors(region)
    rows = selectors.series_positions(
        series=selectors.product_series(region), records=selectors.positions(region), all_competitors=competitors,
        scores=selectors.comparison_scores(region), t=region.thresholds())
    options = selectors.strategy_options()
    people = selectors.region_people(region)
    actions = selectors.special_actions(region)
    can_edit = _edits_region(request.user, region)
    # 明确定位目标: the value classes from the customers' stored results (a manager: their own).
    freshness = customers_ensure(region, timezone.localdate())
    scope = permissions.owner_scope(request.user)
    by_series = selectors.value_classes_by_series(region, owner_id=scope)
    totals = selectors.value_classes(region, owner_id=scope)
    return {
        "region": region, "can_edit": can_edit, "errors": errors or {},
        "rows": rows, "competitors": competitors, "actions": actions, "freshness": freshness,
        "value_totals": totals, "own_customers": scope is not None,
        "value_by_series": {r.series: by_series.get(r.series) or selectors.empty_value_classes() for r in rows},
        # called by the template only where it is drawn: not for a fragment, nor a redirect
        "customer_picker": (lambda: _customer_picker(region)) if can_edit else "",
        "option_groups": [(p, label, [o for o in options if o.position == p]) for p, label in Position.choices],
        "positions": dict(Position.choices), "stances": Stance.choices,
        "positioning_fields": services.POSITIONING_FIELDS, "positioning_notes": services.POSITIONING_NOTES,
        "kinds": services.SPECIAL_ACTION_KINDS, "family_focus": services.FAMILY_FOCUS,
        "target_classes": services.TARGET_CLASSES,
        "action_form": action_form or SpecialActionForm(people=people),
        "budget_totals": {f: sum((a.budget for a in actions if a.family == f), Decimal("0")) for f in ("push", "pull")},
        "tables": {
            "positions": lambda: charts.position_table(rows), "stances": lambda: charts.stance_table(competitors),
            "actions": lambda: charts.special_action_table(actions),
            "targets": lambda: charts.value_class_table(rows, by_series, totals),
        },
    }


def strategy(request, region):
    """竞争策略与市场推拉: 4P1S positioning, position and strategies per product series,
    stance toward each competitor, push and pull special actions."""
    region = region_for(request, region)
    context = _strategy_context(request, region)
    exported = _export(request, filename=f"竞争策略-{region.code}", titles=STRATEGY_TABLES, tables=context["tables"])
    return exported or render(request, "planning/strategy.html", context)


def _strategy_answer(request, region, section, error=None, prefix="", action_form=None):
    errors = {section: [prefix + m for m in error.messages]} if error else {}
    return _answer(request, page="planning/strategy.html", fragment=section,
                   to=reverse("strategy", args=[region.code]) + f"#strategy-{section}", error=error,
                   context=lambda: _strategy_context(request, region, errors=errors, action_form=action_form))


@require_POST
def strategy_positioning(request, region):
    region = region_for_director(request, region)
    form = PositioningForm(request.POST)
    try:
        _check(form)
        services.positioning_save(region=region, **form.service_kwargs())
    except ValidationError as error:
        return _strategy_answer(request, region, "positions", error, f"{request.POST.get('product_series', '')}：")
    return _strategy_answer(request, region, "positions")


@require_POST
def strategy_position(request, region):
    region = region_for_director(request, region)
    form = PositionForm(request.POST, options=selectors.strategy_options())
    try:
        _check(form)
        services.competitive_position_save(region=region, **form.service_kwargs())
    except ValidationError as error:
        return _strategy_answer(request, region, "positions", error, f"{request.POST.get('product_series', '')}：")
    return _strategy_answer(request, region, "positions")


@require_POST
def strategy_stance(request, region, pk):
    region = region_for_director(request, region)
    competitor = _competitor_for(request, region, pk)
    form = StanceForm(request.POST, region=region)
    try:
        _check(form)
        services.competitor_stance_save(region=region, competitor=competitor, **form.service_kwargs())
    except ValidationError as error:
        return _strategy_answer(request, region, "stances", error, f"{competitor.name}：")
    return _strategy_answer(request, region, "stances")


@require_POST
def special_action_add(request, region):
    region = region_for_director(request, region)
    form = SpecialActionForm(request.POST, people=selectors.region_people(region), region=region)
    try:
        _check(form)
        services.special_action_add(region=region, **form.service_kwargs())
    except ValidationError as error:
        return _strategy_answer(request, region, "actions", error, action_form=form)
    return _strategy_answer(request, region, "actions")


@require_POST
def special_action_delete(request, region, pk):
    region = region_for_director(request, region)
    services.special_action_delete(region=region, action=_special_action_for(request, region, pk))
    return _strategy_answer(request, region, "actions")


# --- a customer's page: the push and pull actions and the stances aimed at it -----------------------------


def _actions_aimed_at(customer) -> list:
    """The special actions aimed at a customer by name or by its value or contribution class."""
    classes = {c for c in selectors.customer_classes(customer) if c in services.TARGET_CLASSES}
    return selectors.actions_aimed_at(customer, classes=classes)


def customer_publicity(request, region, code):
    """接触宣传's four elements for a customer, done or not yet (DOMAIN §3.2):
    on this floor because 结合新业务宣传 reads the special actions; the
    customer page loads it beside the publicity state."""
    region = region_for(request, region)
    customer = customer_for(request, region, code)
    elements = crules.publicity_elements(
        actions_aimed=len(_actions_aimed_at(customer)),
        last_met=customer.contacts.values_list("last_met", flat=True),
        procedure=customer.procurement_procedure,
        needs=[getattr(customer, field) for field, _label in crules.NEEDS],
        as_of=timezone.localdate(), t=region.thresholds())
    template = "planning/customer_publicity.html" + ("#elements" if request.htmx else "")
    return render(request, template, {"region": region, "customer": customer, "elements": elements})


def customer_actions(request, region, code):
    """The special actions aimed at a customer — by name or by its class —
    and the competitor stances that name it: the customer page loads this
    panel (customers is a lower floor); without JavaScript it is a page."""
    region = region_for(request, region)
    customer = customer_for(request, region, code)
    template = "planning/customer_actions.html" + ("#actions" if request.htmx else "")
    return render(request, template, {
        "region": region, "customer": customer, "target_classes": services.TARGET_CLASSES,
        "actions": _actions_aimed_at(customer),
        "stances": selectors.stances_naming(customer),
    })

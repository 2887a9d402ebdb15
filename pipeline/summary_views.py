"""客户策略总结 (DOMAIN §4.2): one row per customer with open projects, read
from the stored results — sorted, filtered and paged in SQL; only the page's
rows are judged in full (with their reasons)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from pipeline import selectors as psel
from pipeline.forms import StrategySummaryForm
from pipeline.rules import FUNNEL_SLOGAN, TACTIC_SLOGANS
from pipeline.standings import results_ensure
from teams import permissions
from teams.access import region_for
from teams.selectors import region_managers
from tsm.lib.xlsx import xlsx_response


def _form(request, region):
    """The filter form; a manager chooses among themselves only (they see their own customers)."""
    scope = permissions.owner_scope(request.user)
    managers = [m for m in region_managers(region) if scope in (None, m.pk)]
    return StrategySummaryForm(request.GET, managers=managers), managers


def _bad_filter(request, form):
    # status=400 on render itself: an HttpResponseBadRequest wrapping a rendered
    # response closes that one, and with it (request_finished) the database connection.
    return render(request, "pipeline/funnel_bad_filter.html", {"form": form}, status=400)


def strategy_summary(request, region):
    region = region_for(request, region)
    form, managers = _form(request, region)
    if not form.is_valid():
        return _bad_filter(request, form)
    today = timezone.localdate()
    freshness = results_ensure(region, today)
    manager = form.cleaned_data["manager"]
    listed = psel.strategy_summary(region, request.user, manager=manager, sort=form.sort_key)
    page = Paginator(listed, form.cleaned_data["per_page"]).get_page(form.cleaned_data.get("page"))
    page.object_list = psel.summary_rows(region, today, page.object_list, request.user, manager=manager)
    return render(request, "pipeline/strategy_summary.html", {
        "region": region, "form": form, "page": page, "as_of": today, "freshness": freshness,
        "flagged": listed.filter(focus=1).count(), "names": {m.pk: str(m) for m in managers},
        "slogan": FUNNEL_SLOGAN, "tactic_slogans": TACTIC_SLOGANS,
    })


def strategy_summary_xlsx(request, region):
    """The same rows, filter and order as the page (all pages), one line per project."""
    region = region_for(request, region)
    form, _ = _form(request, region)
    if not form.is_valid():
        return _bad_filter(request, form)
    results_ensure(region, timezone.localdate())
    manager = form.cleaned_data["manager"]
    listed = psel.strategy_summary(region, request.user, manager=manager, sort=form.sort_key)
    return xlsx_response(f"客户策略总结-{region.code}.xlsx", "客户策略总结",
                         *psel.summary_export(region, listed, request.user, manager=manager))

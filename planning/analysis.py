"""The whole region's picture as of a date: the analysis document of
INTERFACES.md §3, read from what each floor computed.

The customer floor judges the customers (customers.selectors.customer_analysis),
the pipeline floor the projects, reading the customers' classes
(pipeline.selectors.project_analysis); both are kept under the region's data
version by tsm.lib.cache. This floor only puts them together."""

import datetime as dt
import functools

from customers import selectors as csel
from customers.analysis import document_rows as customer_document_rows
from customers.analysis import fit_of
from customers.selectors import compute_customer_analysis
from pipeline import selectors as psel
from pipeline.analysis import ProjectAnalysis
from pipeline.analysis import document_rows as project_document_rows
from pipeline.selectors import compute_project_analysis, project_analysis
from teams import permissions
from tsm.lib.bulk import gc_paused
from tsm.lib.periods import base_period

RegionAnalysis = ProjectAnalysis


def region_analysis(region, as_of: dt.date) -> RegionAnalysis:
    """The region's analysis (customers and open projects), cached per data version."""
    return project_analysis(region, as_of)


def compute(region, as_of: dt.date) -> RegionAnalysis:
    """The analysis computed afresh from the raw rows, customers and projects
    alike, nothing read from a cache (the export command and the benchmark)."""
    with gc_paused():  # tsm.lib.bulk
        return compute_project_analysis(region, as_of, customers=compute_customer_analysis(region, as_of))


def to_json(analysis: RegionAnalysis, user=None) -> dict:
    """The document of INTERFACES.md §3 (lists sorted by code, money as
    2-place strings); for an account manager, only what they own."""
    with gc_paused():  # 25,000 small dicts for a large region (tsm.lib.bulk)
        return _document(analysis, user)


def _document(analysis: RegionAnalysis, user) -> dict:
    # The judged values as the analyses left them (or, cached, their results): no result object is built here.
    narrow = functools.partial(permissions.own_part, user) if user else None
    return {
        "region": analysis.region_code,
        "as_of": analysis.as_of.isoformat(),
        "base_period": analysis.period.as_dict(),
        "customers": customer_document_rows(analysis.customers, narrow),
        "projects": project_document_rows(analysis.projects, narrow),
    }


def stored_json(region, as_of: dt.date, user=None) -> dict:
    """The same document from the stored results (they must be as of `as_of`,
    results_ensure says so): two ordered reads, no judgement — what the API
    answers for today instead of analysing the whole region again."""
    customers = csel.standings(region, user).order_by("code").values_list(
        "code", "combination", "scale", "growth", "contribution_class", "value_class", "publicity", "revenue",
        "profit")
    projects = psel.standings(region, user).order_by("code").values_list(
        "code", "win_rate", "layer", "overdue", "amount_class", "category", "tactic", "conclusion", "coverage")
    return {
        "region": region.code,
        "as_of": as_of.isoformat(),
        "base_period": base_period(as_of).as_dict(),
        "customers": [
            {"code": code, "combination": combination, "scale": scale, "growth": growth,
             "contribution_class": contribution_class, "value_class": value_class, "publicity": publicity,
             "value_fit": fit_of(value_class, contribution_class), "revenue": f"{revenue:.2f}",
             "profit": f"{profit:.2f}"}
            for code, combination, scale, growth, contribution_class, value_class, publicity, revenue, profit
            in customers
        ],
        "projects": [
            {"code": code, "win_rate": win_rate, "layer": layer, "overdue": overdue, "amount_class": amount_class,
             "category": category, "tactic": tactic, "conclusion": conclusion, "role_coverage": coverage}
            for code, win_rate, layer, overdue, amount_class, category, tactic, conclusion, coverage in projects
        ],
    }

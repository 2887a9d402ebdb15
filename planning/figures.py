"""The analysis figures the plan document reads, as of the plan's date.

A plan fixes its as-of date when it is drafted (DOMAIN §1), and its
document's classes, funnel, checks and lists are the region's analysis as of
that date:

- the date of the stored results (today's, normally): read from
  customers.CustomerStanding and pipeline.ProjectStanding — a few GROUP BYs,
  lists ordered and cut in SQL (`StoredFigures`);
- another date (a draft begun on an earlier day): the region's analysis as
  of that date, computed on demand and kept in the cache under its date and
  data version (`planning.analysis.region_analysis`), summed and ordered
  here in Python (`DatedFigures`).

Both answer the same questions in the same shapes; a test holds them equal
on the same data."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.utils import timezone

from customers import selectors as csel
from customers.rules import value_fit
from pipeline import selectors as psel
from pipeline.analysis import HARE_RAT
from planning import selectors
from planning.analysis import region_analysis
from planning.models import ValueFitAcceptance
from teams.models import User

ZERO = Decimal("0")


def figures_for(region, as_of: dt.date):
    """The figures as of `as_of`: the stored results when they are of that
    date (or it is today: the stored results then, marked updating while the
    region is judged again), else the analysis of that date."""
    if reads_stored(region, as_of):
        return StoredFigures(region)
    return DatedFigures(region, region_analysis(region, as_of))


def reads_stored(region, as_of: dt.date) -> bool:
    """Whether the figures as of `as_of` are the stored results (and so
    shown as updating while the region is judged again)."""
    return as_of == region.results_as_of or as_of == timezone.localdate()


def _person(display_name, username) -> str:
    return display_name or username or ""


class StoredFigures:
    """The stored results, summed and ordered in SQL."""

    def __init__(self, region):
        self.region = region
        self.as_of = region.results_as_of
        self.customers = csel.standings(region)
        self.projects = psel.standings(region)

    def class_sums(self) -> list[tuple]:
        return csel.class_sums(self.customers)

    def class_sums_by_product(self) -> list[tuple]:
        return csel.class_sums_by_product(self.customers)

    def funnel_figures(self):
        return psel.funnel_figures(self.projects)

    def hare_rat_counts(self) -> dict[int, tuple[int, int]]:
        return psel.hare_rat_counts(self.projects)

    def coverage_counts(self) -> list[int]:
        return psel.coverage_counts(self.projects)

    def missing_scores_by_class(self) -> dict[str, tuple[int, int]]:
        return csel.missing_scores_by_class(self.customers)

    def value_classes(self):
        return selectors.value_classes(self.region)

    def misfits(self, limit: int | None = None) -> tuple[list[dict], int]:
        """Customers whose classes do not fit and whose pair nobody accepted,
        largest revenue first: ({code, name, value_class, contribution_class}, how many in all)."""
        qs = selectors.misfits(self.customers).values("code", "name", "value_class", "contribution_class")
        return _cut(qs, limit)

    def overdue(self, limit: int | None = None) -> tuple[list[tuple], int]:
        """Overdue open projects, earliest close first: ((code, expected_close, owner_id, amount), how many)."""
        qs = self.projects.filter(overdue=True).order_by("expected_close", "code").values_list(
            "code", "expected_close", "owner_id", "amount")
        return _cut(qs, limit)

    def sales(self, limit: int | None = None) -> tuple[list[dict], int]:
        """Every open project, most pressing conclusion first, then by close
        date: ({code, name, customer_code, customer_name, owner, layer,
        expected_close, amount, conclusion, tactic, overdue}, how many)."""
        qs = (self.projects.order_by(psel.conclusion_rank(), "expected_close", "code")
              .values("code", "project__name", "customer__code", "customer__name", "owner__display_name",
                      "owner__username", "layer", "expected_close", "amount", "conclusion", "tactic", "overdue"))
        rows, total = _cut(qs, limit)
        return [{"code": r["code"], "name": r["project__name"], "customer_code": r["customer__code"],
                 "customer_name": r["customer__name"], "owner": _person(r["owner__display_name"], r["owner__username"]),
                 "layer": r["layer"], "expected_close": r["expected_close"], "amount": r["amount"],
                 "conclusion": r["conclusion"], "tactic": r["tactic"], "overdue": r["overdue"]} for r in rows], total


def _cut(qs, limit):
    if limit is None:
        rows = list(qs)
        return rows, len(rows)
    return list(qs[:limit]), qs.count()


class DatedFigures:
    """The region's analysis as of another date (its results in memory),
    summed and ordered as StoredFigures does in SQL."""

    def __init__(self, region, analysis):
        self.region = region
        self.as_of = analysis.as_of
        self.analysis = analysis
        self._customers = {pk: analysis.customers[pk] for pk in analysis.customers}
        self._projects = [analysis.projects[pk] for pk in analysis.projects]

    def _class(self, customer_id) -> str | None:
        c = self._customers.get(customer_id)
        return None if c is None else c.contribution_class.value

    def class_sums(self) -> list[tuple]:
        sums = defaultdict(lambda: [0, ZERO, ZERO])
        for c in self._customers.values():
            s = sums[c.contribution_class.value]
            s[0] += 1
            s[1] += c.revenue
            s[2] += c.profit
        return [(None, cls, n, revenue, profit) for cls, (n, revenue, profit) in sums.items()]

    def class_sums_by_product(self) -> list[tuple]:
        sums = defaultdict(lambda: [0, ZERO, ZERO])
        for x in self.analysis.cells:
            if not (x["revenue"] or x["cost"]):
                continue  # an empty cell is not stored either
            s = sums[(x["product_id"], self._class(x["customer_id"]))]
            s[0] += 1
            s[1] += x["revenue"]
            s[2] += x["cost"]
        return [(product, cls, n, revenue, revenue - cost) for (product, cls), (n, revenue, cost) in sums.items()]

    def funnel_figures(self):
        groups = defaultdict(lambda: {"n": 0, "amount": ZERO, "weighted": ZERO, "stuck": 0})
        for p in self._projects:
            g = groups[(p.owner_id, p.layer.value)]
            g["n"] += 1
            g["amount"] += p.amount
            g["weighted"] += p.weighted
            g["stuck"] += bool(p.stagnant.value)
        return psel.funnel_figures_of([{"owner_id": owner, "layer": layer, **g} for (owner, layer), g in groups.items()])

    def hare_rat_counts(self) -> dict[int, tuple[int, int]]:
        counts = defaultdict(lambda: [0, 0])
        for p in self._projects:
            c = counts[p.owner_id]
            c[0] += 1
            c[1] += self._class(p.customer_id) in HARE_RAT
        return {owner: (total, on) for owner, (total, on) in counts.items()}

    def coverage_counts(self) -> list[int]:
        counts = Counter(p.coverage.value for p in self._projects)
        return [counts.get(k, 0) for k in range(6)]

    def missing_scores_by_class(self) -> dict[str, tuple[int, int]]:
        counts = defaultdict(lambda: [0, 0])
        for c in self._customers.values():
            s = counts[c.contribution_class.value]
            s[0] += c.value_class.value is None
            s[1] += 1
        return {cls: (missing, total) for cls, (missing, total) in counts.items()}

    def value_classes(self):
        sums = defaultdict(lambda: [0, ZERO])
        for c in self._customers.values():
            s = sums[c.value_class.value]
            s[0] += 1
            s[1] += c.revenue
        return selectors.value_class_counts_of({vc: tuple(s) for vc, s in sums.items()})

    def misfits(self, limit: int | None = None) -> tuple[list[dict], int]:
        accepted = set(ValueFitAcceptance.objects.filter(customer__region=self.region).values_list(
            "customer_id", "value_class", "contribution_class"))
        rows = sorted(
            (c for c in self._customers.values()
             if value_fit(c.value_class.value, c.contribution_class.value).value is False
             and (c.id, c.value_class.value, c.contribution_class.value) not in accepted),
            key=lambda c: (-c.revenue, c.code))
        return [{"code": c.code, "name": c.name, "value_class": c.value_class.value,
                 "contribution_class": c.contribution_class.value} for c in rows[:limit]], len(rows)

    def overdue(self, limit: int | None = None) -> tuple[list[tuple], int]:
        rows = sorted((p for p in self._projects if p.overdue), key=lambda p: (p.expected_close, p.code))
        return [(p.code, p.expected_close, p.owner_id, p.amount) for p in rows[:limit]], len(rows)

    def sales(self, limit: int | None = None) -> tuple[list[dict], int]:
        rank = psel.CONCLUSION_RANK
        rows = sorted(self._projects, key=lambda p: (rank[p.conclusion.value], p.expected_close, p.code))
        listed = rows[:limit]
        names = {pk: _person(display_name, username) for pk, display_name, username in User.objects.filter(
            pk__in={p.owner_id for p in listed}).values_list("pk", "display_name", "username")}
        out = []
        for p in listed:
            customer = self._customers.get(p.customer_id)
            out.append({"code": p.code, "name": p.name, "customer_code": customer.code if customer else "",
                        "customer_name": customer.name if customer else "", "owner": names.get(p.owner_id, ""),
                        "layer": p.layer.value, "expected_close": p.expected_close, "amount": p.amount,
                        "conclusion": p.conclusion.value, "tactic": p.tactic.value, "overdue": p.overdue})
        return out, len(rows)

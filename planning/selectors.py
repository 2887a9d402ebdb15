"""Reads for the SWOT, value-grid and strategy pages.

Each read is one query (a prefetch counts as its own), so a page costs the
same number of queries whatever the region holds. The small pure helpers at
the bottom combine those rows with the rules of `planning.rules`.
"""

import datetime as dt
import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from typing import NamedTuple

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Count, DecimalField, Exists, OuterRef, Prefetch, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from customers import selectors as csel
from customers.analysis import CustomerResult
from customers.choices import ContributionClass
from customers.models import (
    FACTORS, ComparisonScore, Competitor, Contribution, Customer, CustomerCell, CustomerStanding, Product,
)
from customers.rules import (
    CONTRIBUTION_CLASS_LABELS, DIMENSIONS, VALUE_CLASS_LABELS, VALUE_FIT_EXPECTED, VALUE_PENDING_LABEL, value_fit,
)
from planning import rules
from pipeline.models import Project
from pipeline.rules import LAYER_LABELS
from planning.models import (
    CompetitivePosition, CompetitorStance, MarketAction, SpecialAction, StrategyOption, SwotAction, SwotItem,
    ValueFitAcceptance,
)
from teams.models import Role, User
from tsm.lib.periods import BasePeriod, base_period
from tsm.lib.thresholds import Thresholds, Verdict

# --- queries ------------------------------------------------------------------------------------


def swot_items(region) -> list[SwotItem]:
    """In the order S, W, O, T, then as entered."""
    items = SwotItem.objects.filter(region=region).order_by("order", "id")
    return sorted(items, key=lambda i: "SWOT".index(i.kind))


def swot_actions(region) -> dict[str, SwotAction]:
    """pairing -> its combined action (the text and the version its form is read at)."""
    return {a.pairing: a for a in SwotAction.objects.filter(region=region)}


@dataclass
class SeriesScores:
    """The nine-dimension comparison of one product series."""

    ours: dict[str, int] = field(default_factory=dict)  # dimension -> our score
    theirs: dict[str, dict[str, int]] = field(default_factory=dict)  # competitor name -> dimension -> score


def comparison_scores(region) -> dict[str, SeriesScores]:
    """product series -> scores, competitors in rank order (one query)."""
    rows = (
        ComparisonScore.objects.filter(region=region)
        .values_list("product_series", "competitor__name", "dimension", "score")
        .order_by("product_series", "competitor__rank", "competitor__name", "dimension")
    )
    out: dict[str, SeriesScores] = defaultdict(SeriesScores)
    for series, competitor, dimension, score in rows:
        if competitor is None:
            out[series].ours[dimension] = score
        else:
            out[series].theirs.setdefault(competitor, {})[dimension] = score
    return dict(out)


def product_series(region) -> list[str]:
    """The company's product series plus any the region's competitors or
    positions name (one UNION query), sorted."""
    products = Product.objects.order_by().values_list("series")
    competitors = Competitor.objects.filter(region=region).order_by().values_list("product_series")
    positions = CompetitivePosition.objects.filter(region=region).order_by().values_list("product_series")
    return sorted({s for (s,) in products.union(competitors, positions).order_by() if s})


_NAMED = Customer.objects.only("pk", "code", "name").order_by("code")


def competitors(region) -> list[Competitor]:
    """The region's competitors with their stance (the stance is joined) and
    the customers it names (one more query)."""
    return list(Competitor.objects.filter(region=region).select_related("stance")
                .prefetch_related(Prefetch("stance__target_customers", queryset=_NAMED))
                .order_by("product_series", "rank", "name"))


def positions(region) -> dict[str, CompetitivePosition]:
    """product series -> its position record, strategies prefetched (two queries)."""
    qs = CompetitivePosition.objects.filter(region=region).prefetch_related("strategies")
    return {p.product_series: p for p in qs}


def strategy_options() -> list[StrategyOption]:
    return list(StrategyOption.objects.order_by("order", "id"))


def special_actions(region) -> list[SpecialAction]:
    """With their owners (joined) and the customers they name (one more query)."""
    return list(SpecialAction.objects.filter(region=region).select_related("owner")
                .prefetch_related(Prefetch("target_customers", queryset=_NAMED)).order_by("month", "week", "id"))


def customer_choices(region) -> list[tuple[str, str]]:
    """(code, name) of every customer of the region, for the pickers that name target customers (one query)."""
    return list(Customer.objects.filter(region=region).order_by("code").values_list("code", "name"))


# How people list customers in one line: commas, enumeration commas, semicolons, spaces, new lines.
_SEPARATORS = re.compile(r"[,，、;；\s]+")


def customer_references(text: str) -> list[str]:
    """The codes or names typed into a target-customers field, in order, each once."""
    return list(dict.fromkeys(w for w in _SEPARATORS.split(text or "") if w))


def customers_named(region, refs: list[str]) -> tuple[list[Customer], list[str]]:
    """The region's customers that `refs` name — by code, else by a name
    only one customer of the region has — and the messages for the refs
    that name none (one query). Another region's customers are never found."""
    if not refs:
        return [], []
    found = list(Customer.objects.filter(region=region).filter(Q(code__in=refs) | Q(name__in=refs))
                 .only("pk", "code", "name", "region_id"))
    by_code = {c.code: c for c in found}
    by_name = defaultdict(list)
    for c in found:
        by_name[c.name].append(c)
    customers, errors = [], []
    for ref in refs:
        if ref in by_code:
            customers.append(by_code[ref])
        elif len(by_name.get(ref, ())) == 1:
            customers.append(by_name[ref][0])
        elif ref in by_name:
            errors.append(f"客户名称“{ref}”对应 {len(by_name[ref])} 位客户，请输入客户编码")
        else:
            errors.append(f"“{ref}”不是本区域的客户（请输入本区域客户的编码或名称，或从列表中选择）")
    return list({c.pk: c for c in customers}.values()), errors


# --- 明确定位目标: the value classes (§4.1) beside the positioning, from the stored results ------------------

VALUE_CLASS_ORDER = (*VALUE_CLASS_LABELS, None)  # None: 待评估


@dataclass(frozen=True)
class ValueClassCount:
    value_class: str | None  # None: 待评估 (not all 13 factors scored)
    customers: int
    revenue: Decimal

    @property
    def label(self) -> str:
        return VALUE_CLASS_LABELS[self.value_class] if self.value_class else VALUE_PENDING_LABEL


def value_class_counts_of(sums: dict) -> list[ValueClassCount]:
    """In the grid's order, 待评估 last; a class without customers is a row of zeros."""
    return [ValueClassCount(vc, *sums.get(vc, (0, Decimal("0")))) for vc in VALUE_CLASS_ORDER]


def value_classes(region, *, owner_id: int | None = None) -> list[ValueClassCount]:
    """Customers and base-period revenue per value class over the region's
    stored results (a manager: their own customers) — one GROUP BY."""
    qs = CustomerStanding.objects.filter(region=region)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    rows = qs.values("value_class").annotate(n=Count("pk"), revenue=Sum("revenue")).order_by()
    return value_class_counts_of({r["value_class"]: (r["n"], r["revenue"] or Decimal("0")) for r in rows})


def value_classes_by_series(region, *, owner_id: int | None = None) -> dict[str, list[ValueClassCount]]:
    """product series -> customers buying it and their base-period revenue
    from it, per value class, over the stored matrix cells (one GROUP BY);
    a customer counts once in each series it has revenue or cost in."""
    qs = CustomerCell.objects.filter(region=region)
    if owner_id is not None:
        qs = qs.filter(customer__standing__owner_id=owner_id)
    rows = (qs.values("product__series", "customer__standing__value_class")
            .annotate(n=Count("customer", distinct=True), revenue=Sum("revenue")).order_by())
    sums: dict[str, dict] = defaultdict(dict)
    for r in rows:
        sums[r["product__series"]][r["customer__standing__value_class"]] = (r["n"], r["revenue"] or Decimal("0"))
    return {series: value_class_counts_of(by_class) for series, by_class in sums.items()}


def empty_value_classes() -> list[ValueClassCount]:
    return value_class_counts_of({})


# --- a customer's page: the actions aimed at it -----------------------------------------------------------


def actions_aimed_at(customer, *, classes: set[str]) -> list[SpecialAction]:
    """The region's special actions that name the customer or aim at one of
    its `classes` (value class, contribution class), each with `aimed_by`:
    the names and/or the class (two queries: the actions, the named set)."""
    aims = Q(target_customers=customer)
    if classes:
        aims |= Q(target_class__in=classes)
    actions = list(SpecialAction.objects.filter(region_id=customer.region_id).filter(aims).distinct()
                   .select_related("owner").order_by("month", "week", "id"))
    named = set(SpecialAction.target_customers.through.objects.filter(
        customer=customer, specialaction__in=[a.pk for a in actions]).values_list("specialaction_id", flat=True))
    for action in actions:
        action.named = action.pk in named
        action.by_class = action.target_class in classes
    return actions


def stances_naming(customer) -> list[CompetitorStance]:
    """The stances toward the region's competitors that name the customer (one query)."""
    return list(CompetitorStance.objects.filter(target_customers=customer, competitor__region_id=customer.region_id)
                .select_related("competitor").order_by("competitor__product_series", "competitor__rank"))


def customer_classes(customer) -> tuple[str | None, str | None]:
    """(value class, contribution class) of the customer's stored result, (None, None) if not judged yet."""
    row = CustomerStanding.objects.filter(pk=customer.pk).values_list("value_class", "contribution_class").first()
    return row or (None, None)


def region_people(region) -> list[User]:
    """Who may own an action: the region's directors and account managers (one query)."""
    return list(User.objects.filter(regions=region, role__in=[Role.DIRECTOR, Role.MANAGER])
                .order_by("role", "username"))


def market_action_texts() -> dict[int, str]:
    """The market-action catalogue as the admin edited it (one query)."""
    return dict(MarketAction.objects.values_list("number", "text"))


# --- §4.1 the value grid: the customers' stored results, summed and paged in SQL -------------------------
#
# The page reads customers.CustomerStanding (what the customer floor judged and
# stored) and never judges a customer itself: the cross-table is one GROUP BY,
# the lists are paged in SQL, the chart reads the few columns of its points.

VALUE_ORDER = list(VALUE_CLASS_LABELS)  # 一级 … 四级
CONTRIBUTION_ORDER = [c for c in CONTRIBUTION_CLASS_LABELS if c != ContributionClass.UNCLASSIFIED]

# The pairs of value_fit in SQL, built from the rule's own table (a test checks
# the two agree on every pair): judged = both classes present; fits = expected.
JUDGED = Q(value_class__isnull=False) & ~Q(contribution_class=ContributionClass.UNCLASSIFIED)
FITS = reduce(operator.or_, (Q(value_class=v, contribution_class__in=cs) for v, cs in VALUE_FIT_EXPECTED.items()))
MISFIT = JUDGED & ~FITS
_VALUE_RANK = Case(*(When(value_class=v, then=Value(i)) for i, v in enumerate(VALUE_ORDER)), default=Value(9))


def _accepted():
    """The customer's acceptance holds the pair it has now (one that no longer does, counts no more)."""
    return Exists(ValueFitAcceptance.objects.filter(
        customer_id=OuterRef("pk"), value_class=OuterRef("value_class"),
        contribution_class=OuterRef("contribution_class")))


def value_contribution_sums(standings) -> list[tuple[str | None, str, int, Decimal]]:
    """(value class or None for 待评估, contribution class, customers, revenue) in one GROUP BY."""
    rows = standings.values("value_class", "contribution_class").annotate(n=Count("pk"), revenue=Sum("revenue"))
    return [(r["value_class"], r["contribution_class"], r["n"], r["revenue"]) for r in rows.order_by()]


class GridPoint(NamedTuple):
    code: str
    name: str
    value_class: str
    contribution_class: str
    attractiveness: Decimal
    advantage: Decimal
    revenue: Decimal


def grid_points(standings) -> list[GridPoint]:
    """Every assessed customer's dot: only the columns the chart draws (one query)."""
    rows = standings.filter(value_class__isnull=False).order_by("code").values_list(*GridPoint._fields)
    return [GridPoint(*row) for row in rows]


def assessed(standings):
    """The assessed customers by value class (一级 first), then code: a queryset to page."""
    return standings.filter(value_class__isnull=False).select_related("owner").order_by(_VALUE_RANK, "code")


def pending(standings):
    """The 待评估 customers by code, with their factor scores (to name the ones missing)."""
    return standings.filter(value_class__isnull=True).select_related("owner", "customer").order_by("code")


def pending_rows(page) -> list[tuple[CustomerResult, list[str]]]:
    """(result, the factors not yet scored) of stored results read by `pending`."""
    return [(c, [label for f, label in FACTORS if getattr(s.customer, f) is None])
            for s, c in zip(page, csel.results_of(page, []))]


def misfits(standings):
    """Customers whose two classes do not fit and whose pair nobody accepted:
    largest revenue first (a queryset to page)."""
    return (standings.filter(MISFIT).exclude(_accepted()).order_by("-revenue", "code")
            .select_related("owner", "customer__value_fit_acceptance__accepted_by"))


def accepted_misfits(standings):
    """Misfits the director accepted, the pair still the customer's: latest first."""
    return (standings.filter(MISFIT).filter(_accepted())
            .select_related("owner", "customer__value_fit_acceptance__accepted_by")
            .order_by("-customer__value_fit_acceptance__accepted_at", "code"))


@dataclass(frozen=True)
class FitRow:
    """A customer of the misfit lists: its classes with their reasons, why
    they do not fit, and its acceptance — the one that counts (accepted
    list), or one whose pair the customer no longer has (listed again)."""

    customer: CustomerResult
    fit: Verdict
    acceptance: ValueFitAcceptance | None

    @property
    def accepted(self) -> bool:
        a = self.acceptance
        return a is not None and (a.value_class, a.contribution_class) == (
            self.customer.value_class.value, self.customer.contribution_class.value)


def fit_rows(page) -> list[FitRow]:
    """FitRows of stored results read by `misfits` or `accepted_misfits`."""
    return [FitRow(c, value_fit(c.value_class.value, c.contribution_class.value), _acceptance_of(s))
            for s, c in zip(page, csel.results_of(page, []))]


def _acceptance_of(standing: CustomerStanding) -> ValueFitAcceptance | None:
    try:
        return standing.customer.value_fit_acceptance
    except ObjectDoesNotExist:
        return None


@dataclass(frozen=True)
class FitCell:
    contribution_class: str
    label: str
    count: int
    revenue: Decimal
    expected: bool  # a pair the course expects (value_fit True)


@dataclass(frozen=True)
class FitLine:
    value_class: str
    label: str
    cells: list[FitCell]
    unclassified: int  # of this value class but 未分类: no verdict

    @property
    def count(self) -> int:
        return sum(c.count for c in self.cells)

    @property
    def revenue(self) -> Decimal:
        return sum((c.revenue for c in self.cells), Decimal("0"))


@dataclass(frozen=True)
class FitTable:
    """客户群价值类别与贡献类别: value class × contribution class."""

    lines: list[FitLine]
    totals: list[FitCell]  # per contribution class
    pending: int  # 待评估 customers (no value class)

    @property
    def count(self) -> int:
        return sum(c.count for c in self.totals)

    @property
    def revenue(self) -> Decimal:
        return sum((c.revenue for c in self.totals), Decimal("0"))

    @property
    def unclassified(self) -> int:
        return sum(line.unclassified for line in self.lines)

    @property
    def misfits(self) -> int:
        return sum(c.count for line in self.lines for c in line.cells if not c.expected)


def fit_table(sums: list[tuple]) -> FitTable:
    """The cross-table from value_contribution_sums, every cell present (zero when empty)."""
    found = {(v, c): (n, revenue or Decimal("0")) for v, c, n, revenue in sums}
    zero = (0, Decimal("0"))
    lines = [
        FitLine(v, VALUE_CLASS_LABELS[v], [
            FitCell(c, CONTRIBUTION_CLASS_LABELS[c], *found.get((v, c), zero), value_fit(v, c).value is True)
            for c in CONTRIBUTION_ORDER], found.get((v, ContributionClass.UNCLASSIFIED), zero)[0])
        for v in VALUE_ORDER
    ]
    totals = [FitCell(c, CONTRIBUTION_CLASS_LABELS[c], sum(line.cells[i].count for line in lines),
                      sum((line.cells[i].revenue for line in lines), Decimal("0")), False)
              for i, c in enumerate(CONTRIBUTION_ORDER)]
    return FitTable(lines, totals, sum(n for v, _, n, _ in sums if v is None))


def value_class_counts(sums: list[tuple]) -> dict[str, int]:
    """Assessed customers per value class (未分类 included)."""
    counts = dict.fromkeys(VALUE_ORDER, 0)
    for v, _, n, _ in sums:
        if v is not None:
            counts[v] += n
    return counts


# --- pure helpers over those rows ------------------------------------------------------------------


@dataclass(frozen=True)
class SwotSuggestionRow:
    series: str
    kind: str  # 'S' or 'W'
    text: str  # what adopting it writes as the item
    reason: str
    adopted: bool


def swot_suggestion_rows(scores: dict[str, SeriesScores], items: list[SwotItem], *,
                         t: Thresholds) -> list[SwotSuggestionRow]:
    """The S/W suggestions of every product series, marked when an item with
    the same text already exists."""
    existing = {(i.kind, i.text) for i in items}
    rows = []
    for series in sorted(scores):
        s = scores[series]
        for verdict in rules.swot_suggestions(s.ours, s.theirs, t=t):
            kind, dimension, competitor = verdict.value
            verb = "优于" if kind == "S" else "不及"
            text = f"{series}·{DIMENSIONS[dimension]}：我方{verb}{competitor}"
            rows.append(SwotSuggestionRow(series, kind, text, verdict.reason, (kind, text) in existing))
    return rows


def mean_score(scores: dict[str, int]) -> Decimal | None:
    return Decimal(sum(scores.values())) / len(scores) if scores else None


@dataclass
class SeriesPosition:
    """One product series on the strategy page."""

    series: str
    record: CompetitivePosition | None
    competitors: list[Competitor]
    our_capability: Decimal | None
    leader: str | None
    leader_capability: Decimal | None
    suggestion: Verdict | None  # None when our share is not known yet
    capabilities: dict[str, Decimal | None] = field(default_factory=dict)  # competitor name -> mean score

    @property
    def override(self) -> str:
        return self.record.position if self.record else ""

    @property
    def effective(self) -> str | None:
        """The director's choice, else the suggestion."""
        return self.override or (self.suggestion.value if self.suggestion else None)

    @property
    def our_share(self) -> Decimal | None:
        return self.record.our_share if self.record else None

    @property
    def our_share_percent(self) -> str:
        """For the input: 0.3550 -> '35.5'."""
        return "" if self.our_share is None else format((self.our_share * 100).normalize(), "f")

    @property
    def strategy_ids(self) -> set[int]:
        return {o.pk for o in self.record.strategies.all()} if self.record else set()

    @property
    def niche_id(self) -> int | None:
        """The nicher's way of specialising among the chosen strategies (客户, 渠道 or 新品)."""
        return next((o.pk for o in self.record.strategies.all() if o.position == "nicher"), None) if self.record else None

    @property
    def positioning(self) -> dict:
        return self.record.positioning if self.record else {}


def series_position(series: str, *, record: CompetitivePosition | None, series_competitors: list[Competitor],
                    scores: SeriesScores | None, our_share: Decimal | None, t: Thresholds) -> SeriesPosition:
    """The suggested competitive position of one product series (§4.5): our
    share against the competitors' shares, our mean score against the mean
    score of the competitor with the largest share."""
    scores = scores or SeriesScores()
    shares = {c.name: c.market_share for c in series_competitors if c.market_share is not None}
    # The same leader rules.competitive_position picks: the largest share, first in rank order on a tie.
    leader = max(shares, key=shares.__getitem__) if shares else None
    ours = mean_score(scores.ours)
    theirs = mean_score(scores.theirs.get(leader, {})) if leader else None
    suggestion = None
    if our_share is not None:
        suggestion = rules.competitive_position(our_share, shares, ours, theirs, t=t)
    capabilities = {c.name: mean_score(scores.theirs.get(c.name, {})) for c in series_competitors}
    return SeriesPosition(series, record, series_competitors, ours, leader, theirs, suggestion, capabilities)


def series_positions(*, series: list[str], records: dict[str, CompetitivePosition],
                     all_competitors: list[Competitor], scores: dict[str, SeriesScores],
                     t: Thresholds) -> list[SeriesPosition]:
    by_series: dict[str, list[Competitor]] = defaultdict(list)
    for c in all_competitors:
        by_series[c.product_series].append(c)
    return [
        series_position(s, record=records.get(s), series_competitors=by_series[s], scores=scores.get(s),
                        our_share=records[s].our_share if s in records else None, t=t)
        for s in series
    ]


# --- the region home: a constant number of queries whatever the size -----------------------------------

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))


@dataclass(frozen=True)
class LayerFigures:
    layer: str
    label: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class Headline:
    as_of: dt.date
    period: BasePeriod
    customers: int
    revenue: Decimal
    profit: Decimal
    layers: list[LayerFigures]
    overdue: int

    @property
    def open_projects(self) -> int:
        return sum(layer.count for layer in self.layers)


def region_headline(*, region, user, as_of: dt.date, t: Thresholds) -> Headline:
    """Three queries: customers, base-period sums, open projects by layer.

    The layers are counted in SQL so the home page never waits for a region's
    analysis; the boundaries are those of pipeline.rules.layer (a test keeps
    the two in step at d = -1, 0, 14, 15, 70, 71)."""
    period = base_period(as_of)
    customers = Customer.objects.visible_to(user).filter(region=region)
    money = Contribution.objects.filter(
        region=region, month__gte=period.start, month__lte=period.end, customer__in=customers
    ).aggregate(revenue=Coalesce(Sum("revenue"), ZERO), cost=Coalesce(Sum("cost"), ZERO))

    bottom_until = as_of + dt.timedelta(days=t.layer_bottom_days)
    middle_until = as_of + dt.timedelta(days=t.layer_middle_days)
    projects = Project.objects.visible_to(user).filter(region=region).open()
    bottom = Q(expected_close__lte=bottom_until)
    middle = Q(expected_close__gt=bottom_until, expected_close__lte=middle_until)
    surface = Q(expected_close__gt=middle_until)
    agg = projects.aggregate(
        bottom_n=Count("id", filter=bottom), bottom_a=Coalesce(Sum("amount", filter=bottom), ZERO),
        middle_n=Count("id", filter=middle), middle_a=Coalesce(Sum("amount", filter=middle), ZERO),
        surface_n=Count("id", filter=surface), surface_a=Coalesce(Sum("amount", filter=surface), ZERO),
        overdue=Count("id", filter=Q(expected_close__lt=as_of)),
    )
    layers = [
        LayerFigures("surface", LAYER_LABELS["surface"], agg["surface_n"], agg["surface_a"]),
        LayerFigures("middle", LAYER_LABELS["middle"], agg["middle_n"], agg["middle_a"]),
        LayerFigures("bottom", LAYER_LABELS["bottom"], agg["bottom_n"], agg["bottom_a"]),
    ]
    return Headline(
        as_of=as_of,
        period=period,
        customers=customers.count(),
        revenue=money["revenue"],
        profit=money["revenue"] - money["cost"],
        layers=layers,
        overdue=agg["overdue"],
    )

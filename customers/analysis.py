"""Customer contribution analysis (DOMAIN §3.1, §3.2, §4.1) from plain rows.

No ORM here: the selectors fetch rows in a few GROUP BY queries, these
functions apply the rules of `customers.rules` to every customer at once.
"""

import datetime as dt
import functools
import operator
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import NamedTuple

from customers import rules
from customers.models import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS
from tsm.lib.lazy import ResultsOnRead
from tsm.lib.memo import Memo
from tsm.lib.periods import BasePeriod
from tsm.lib.money import fen_text, from_fen
from tsm.lib.thresholds import LazyVerdict, Thresholds, Verdict

ZERO = Decimal("0")


class Cells(Mapping):
    """A customer's row of the matrix: product id -> Verdict(+ / -).

    Holds (revenue, cost) — Decimal yuan, or int fen as a region's sums are
    read — and judges a cell when it is read: a region has tens of thousands
    of cells and a page shows a few hundred."""

    __slots__ = ("_raw",)

    def __init__(self, raw: dict[int, tuple[Decimal, Decimal] | tuple[int, int]]):
        self._raw = raw

    def __getitem__(self, product_id) -> Verdict:
        revenue, cost = self._raw[product_id]
        if type(revenue) is int:
            revenue, cost = from_fen(revenue), from_fen(cost)
        return rules.cell_sign(revenue, cost)

    def __iter__(self):
        return iter(self._raw)

    def __len__(self):
        return len(self._raw)

    def __contains__(self, product_id):
        return product_id in self._raw

    def __getstate__(self):
        return self._raw

    def __setstate__(self, raw):
        self._raw = raw


class CellRows(Sequence):
    """The region's base-period cells (customer × product with a base-period
    row) as {customer_id, product_id, revenue, cost} rows in Decimal yuan,
    built from each customer's fen sums {product: (revenue, cost)} when first
    read: the stored results read them, the export never does."""

    __slots__ = ("_fen", "_rows")

    def __init__(self, fen: dict[int, dict[int, tuple[int, int]]]):
        self._fen = fen
        self._rows = None

    def _built(self) -> list[dict]:
        if self._rows is None:
            self._rows = [{"customer_id": cid, "product_id": pid, "revenue": from_fen(r), "cost": from_fen(c)}
                          for cid, cells in self._fen.items() for pid, (r, c) in cells.items()]
        return self._rows

    def __getitem__(self, index):
        return self._built()[index]

    def __len__(self):
        return len(self._built())

    def __iter__(self):
        return iter(self._built())

    def __eq__(self, other):
        return list(self) == (list(other) if isinstance(other, CellRows) else other)

    def __getstate__(self):
        return self._fen

    def __setstate__(self, fen):
        self._fen, self._rows = fen, None


@dataclass(slots=True)
class CustomerResult:
    id: int
    code: str
    name: str
    owner_id: int | None
    owner: str
    industry: str
    revenue: Decimal
    cost: Decimal
    arrears_end: Decimal
    combination: Verdict
    scale: Verdict
    growth: Verdict
    contribution_class: Verdict
    value_class: Verdict
    attractiveness: Decimal | None
    advantage: Decimal | None
    publicity: Verdict
    cells: "Cells" = field(default_factory=lambda: Cells({}))  # product id -> + / - (empty cells absent)
    suggestions: dict[str, Verdict] = field(default_factory=dict)  # factor -> suggested score
    scores: Mapping[str, Decimal | None] = field(default_factory=dict)

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def has_data(self) -> bool:
        return self.combination.value is not None


@dataclass
class CustomerAnalysis(Memo):
    """The customers of a region as of a date (§3.1, §3.2, §4.1): what the
    customer floor owns. The floors above read it; they never recompute it."""

    region_code: str
    as_of: dt.date
    period: BasePeriod
    thresholds: Thresholds
    customers: Mapping[int, CustomerResult]  # CustomerResults when judged here, a dict once cached
    products: list[dict]
    cells: Sequence[dict]  # CellRows
    contacts: list[dict] = field(default_factory=list)  # id, customer_id, roles, last_met: the projects' coverage

    _unpickled = ("_memo", "customer_names", "product_names")

    @cached_property
    def customer_names(self) -> dict[int, str]:
        return {c.id: c.name for c in self.customers.values()}

    @cached_property
    def product_names(self) -> dict[int, str]:
        return {p["id"]: p["name"] for p in self.products}


class _BaseRows:
    """period_fen's last column: a cell's base-period rows counted in the low
    4 bits (at most 12), the months with revenue as bits by month of the year
    above them (1 << (4 + month))."""

    shift = 4
    counted = (1 << shift) - 1

    def count(self, base: int) -> int:
        return base & self.counted

    def months(self, base: int) -> int:
        """The months with revenue, as bits 1–12 (of base, or of several OR-ed)."""
        return base >> self.shift


BASE_ROWS = _BaseRows()


class JudgedCustomer(NamedTuple):
    """One customer as analyse_customers judges it, column-wise: every value
    the rules give (money in whole fen), and what its result object needs to
    be built — the one analysis the result objects and the export both read."""

    customer: dict  # its row (customer_rows): code, name, owner, the 13 factor scores
    code: str
    owner_id: int | None
    combination: str | None
    scale: bool
    growth: bool
    contribution_class: str
    value_class: str | None
    publicity: Verdict
    revenue: int  # base-period revenue, fen
    cost: int  # base-period cost, fen
    arrears_end: int  # fen
    recent: int  # R, P and Y revenue, fen
    prior: int
    year_ago: int
    months: int  # base-period months with revenue, as bits
    cells: dict  # product id -> (revenue, cost) in fen, base-period cells
    filled: list  # the cells' non-empty (revenue, cost)
    above: int  # the revenue of the customers larger than this one, fen
    a_scores: tuple
    b_scores: tuple
    a_sum: Decimal | None
    b_sum: Decimal | None


@dataclass(frozen=True)
class _Region:
    """What a customer's result needs of the whole region: the profit ranking, the total, the thresholds."""

    ranked: list  # every customer's base-period profit in fen, sorted
    total: int
    t: Thresholds
    continuous: Callable  # rules.suggest_continuous_purchase, once per count


class CustomerResults(ResultsOnRead):
    """id -> CustomerResult, in the order of the customers' rows.

    analyse_customers judges the region column-wise into one JudgedCustomer per
    customer; the result objects (lazy verdicts, Decimal yuan, cells and
    suggestions) are built from those rows when a result is first read —
    pages and the stored results read them, the export reads the rows'
    values (export_rows). Pickled (cached) as the plain dict of results."""

    __slots__ = ()

    def __init__(self, rows: dict[int, JudgedCustomer], region: _Region):
        super().__init__(rows, lambda cid, row: _result(cid, row, region))


def document_rows(customers: Mapping, narrow: Callable | None = None) -> list[dict]:
    """The customers as the analysis document says them (INTERFACES.md §3),
    sorted by code: read from the judged rows as analyse_customers left them,
    or (a cached analysis, whose results were pickled as objects) from the
    results — the same values either way (tests/customers/test_analysis.py).
    `narrow` (permissions.own_part) keeps a user's own (by `owner_id`)."""
    if isinstance(customers, CustomerResults):
        judged = sorted(narrow(customers.rows()) if narrow else customers.rows(), key=_code)  # by code already
        return [{"code": r.code, "combination": r.combination, "scale": r.scale, "growth": r.growth,
                 "contribution_class": r.contribution_class, "value_class": r.value_class,
                 "publicity": r.publicity.value, "value_fit": fit_of(r.value_class, r.contribution_class),
                 "revenue": fen_text(r.revenue), "profit": fen_text(r.revenue - r.cost)} for r in judged]
    results = sorted(narrow(customers.values()) if narrow else customers.values(), key=_result_code)
    return [{"code": c.code, "combination": c.combination.value, "scale": bool(c.scale.value),
             "growth": bool(c.growth.value), "contribution_class": c.contribution_class.value,
             "value_class": c.value_class.value, "publicity": c.publicity.value,
             "value_fit": fit_of(c.value_class.value, c.contribution_class.value), "revenue": f"{c.revenue:.2f}",
             "profit": f"{c.profit:.2f}"} for c in results]


_code = operator.itemgetter(1)  # JudgedCustomer.code
_result_code = operator.attrgetter("code")
fit_of = functools.cache(
    lambda value_class, contribution_class: rules.value_fit(value_class, contribution_class).value)
fit_of.__doc__ = "rules.value_fit's value, once per (value class, contribution class): the document's `value_fit`."


def analyse_customers(
    *, customers: list[dict], sums: list[tuple], contacts: list[dict], as_of: dt.date, t: Thresholds,
) -> tuple[CustomerResults, CellRows]:
    """Every rule of §3.1/§3.2/§4.1 for every customer of a region at once,
    column-wise, from `customers.selectors.period_fen`'s sums (whole fen per
    customer × product): the customers' results, and the base-period cells
    (Decimal, for the matrix).

    Each value is the rule's: money is summed in exact integer fen and a
    threshold compared as the rule compares it (a Decimal threshold times
    the same digits — fen are yuan × 100, so nothing rounds differently);
    each reason is the rule's own sentence, written by the rule when it is
    read (LazyVerdict) — a page reads a few hundred of them, the export and
    the region's summaries none. The values are judged here into one row per
    customer (JudgedCustomer), the result objects built from the rows when first
    read (CustomerResults). tests/customers/test_analysis.py holds every
    value and reason to the rules over random regions."""
    # Each customer's sums over its products: R, P, Y, arrears at the end,
    # months with revenue (bits), base-period revenue and cost, and its
    # base-period cells (product -> (revenue, cost)), all in fen.
    sums_of: dict[int, tuple] = {}

    def keep(cid, *figures):
        # rows come ordered by customer (period_fen); any other order only costs a merge
        before = sums_of.get(cid)
        if before is not None:
            cells = {**before[7], **figures[7]}
            figures = (*(a + b for a, b in zip(before[:4], figures[:4])), before[4] | figures[4],
                       *(a + b for a, b in zip(before[5:7], figures[5:7])), cells)
        sums_of[cid] = figures

    current = None
    for cid, product_id, total, r, p, c, arrears_end, base in sums:
        if cid != current:
            if current is not None:
                keep(current, recent, prior, year_ago, arrears, months, revenue, cost, cells)
            current, recent, prior, year_ago, arrears, months, revenue, cost, cells = cid, 0, 0, 0, 0, 0, 0, 0, {}
        recent += r
        prior += p
        year_ago += total - r - p
        arrears += arrears_end
        months |= base  # (the counts in the low bits are dropped at the end)
        if base & BASE_ROWS.counted:
            revenue += r + p
            cost += c
            cells[product_id] = (r + p, c)
    if current is not None:
        keep(current, recent, prior, year_ago, arrears, months, revenue, cost, cells)
    nothing = (0, 0, 0, 0, 0, 0, 0, {})
    own = [sums_of.get(c["id"], nothing) for c in customers]

    # scale (a ranking) and the profit percentiles: over the whole region
    revenues = [x[5] for x in own]
    total = sum(revenues)
    above_of, running = {}, 0
    for value, count in sorted(Counter(revenues).items(), reverse=True):
        above_of[value] = running
        running += value * count
    scale_limit = t.scale_share * total

    # publicity: the roles held by contacts met face to face within the window
    since = as_of - dt.timedelta(days=t.publicity_window_days)
    held: dict[int, frozenset] = {}
    for contact in contacts:
        met = contact["last_met"]
        if met is not None and since <= met <= as_of and contact["roles"]:
            cid = contact["customer_id"]
            held[cid] = held.get(cid, NOBODY) | _roles(contact["roles"])
    publicity = functools.cache(lambda roles: rules.publicity([(roles, as_of)], as_of, t=t))

    growth_factor, rat_months, high = t.growth_factor, t.rat_arrears_months, t.value_high
    a_high, b_high = high * A_COUNT, high * B_COUNT
    rows = {}
    for c, (r, p, y, arrears_end, bits, rev, cst, cells_fen) in zip(customers, own):
        cid = c["id"]
        filled = [x for x in cells_fen.values() if x[0] or x[1]]
        if filled:
            profit = rev - cst
            combination = ("loss" if profit < 0 else "profitable" if any(x[0] < x[1] for x in filled)
                           else "high_profit")
        else:
            combination = None

        above = above_of[rev]
        scale = total > 0 and rev > 0 and above < scale_limit

        base = y if y > 0 else p
        growth = base > 0 and r >= growth_factor * base

        if combination is None:
            klass = "unclassified"
        elif combination == "loss" or (arrears_end > 0 and arrears_end * 12 >= rat_months * rev):
            klass = "rat"
        elif scale:
            klass = "fat_sheep" if combination == "high_profit" else "reindeer"
        else:
            klass = "hound" if growth else "hare"

        a_scores, b_scores = A_SCORES(c), B_SCORES(c)
        a_sum, b_sum = _axis(a_scores), _axis(b_scores)
        if a_sum is BAD or b_sum is BAD:
            rules.value_class(a_scores, b_scores, t=t)  # raises the rule's own error
        value_class = None if a_sum is None or b_sum is None else VALUE_CLASS_BY_AXES[a_sum >= a_high,
                                                                                      b_sum >= b_high]
        rows[cid] = _row((c, c["code"], c["owner_id"], combination, scale, growth, klass, value_class,
                          publicity(held.get(cid, NOBODY)), rev, cst, arrears_end, r, p, y, BASE_ROWS.months(bits),
                          cells_fen, filled, above, a_scores, b_scores, a_sum, b_sum))
    region = _Region(sorted(x[5] - x[6] for x in own), total, t, functools.cache(rules.suggest_continuous_purchase))
    return CustomerResults(rows, region), CellRows({cid: x[7] for cid, x in sums_of.items()})


def _row(values: tuple) -> JudgedCustomer:
    return tuple.__new__(JudgedCustomer, values)  # (a NamedTuple's own __new__ is a Python call)


def _result(cid: int, row: JudgedCustomer, region: _Region) -> CustomerResult:
    """A customer's result object from its judged row: the values as judged,
    the reasons written by the rules when read."""
    (c, code, owner_id, combination, scale, growth, klass, value_class, publicity, rev, cst, arrears_end, r, p, y,
     bits, cells_fen, filled, above, a_scores, b_scores, a_sum, b_sum) = row
    t = region.t
    suggestions = {}
    if combination is not None:
        ranked = region.ranked
        lower, others = bisect_left(ranked, rev - cst), len(ranked) - 1
        score = (5 * rules.percentile_of(lower, others)).quantize(ONE, ROUND_HALF_UP)
        suggestions["profit_contribution"] = LazyVerdict(score, _profit_suggestion, (lower, others))
        suggestions["continuous_purchase"] = region.continuous(bits.bit_count())
    arrears_yuan, revenue_yuan = from_fen(arrears_end), from_fen(rev)
    return CustomerResult(
        cid, code, c["name"], owner_id, c.get("owner__display_name") or c.get("owner__username") or "",
        c.get("industry", ""), revenue_yuan, from_fen(cst), arrears_yuan,
        LazyVerdict(combination, _combination, (filled,)),
        LazyVerdict(scale, _scale, (rev, above, region.total, t)),
        LazyVerdict(growth, _growth, (r, y, p, t)),
        LazyVerdict(klass, _contribution_class, (combination is not None, combination, scale, growth,
                                                 arrears_yuan, revenue_yuan, t)),
        LazyVerdict(value_class, _value_class, (a_scores, b_scores, t)),
        None if a_sum is None else a_sum / A_COUNT,
        None if b_sum is None else b_sum / B_COUNT,
        publicity,
        Cells(cells_fen if len(filled) == len(cells_fen) else {
            product_id: x for product_id, x in cells_fen.items() if x[0] or x[1]}),
        suggestions,
        c,  # the customer's row: its 13 factor scores by field name
    )


A_FIELDS = [f for f, _ in ATTRACTIVENESS_FACTORS]
B_FIELDS = [f for f, _ in ADVANTAGE_FACTORS]
A_SCORES, B_SCORES = operator.itemgetter(*A_FIELDS), operator.itemgetter(*B_FIELDS)
A_COUNT, B_COUNT = len(A_FIELDS), len(B_FIELDS)
VALUE_CLASS_BY_AXES = rules.VALUE_CLASS_BY_AXES
NOBODY = frozenset()
NONE = type(None)
SCORES = frozenset(Decimal(n).scaleb(-1) for n in range(51))  # 0.0 … 5.0
ONE = Decimal("1")
BAD = object()  # a score outside 0–5: the rule refuses it


def _axis(scores: tuple) -> Decimal | None:
    """rules._axis_sum's sum: BAD for a score outside 0–5 (checked first, as
    the rule does), None while a factor is not scored."""
    if SCORES.issuperset(scores):  # every factor scored, 0–5: the usual case, decided by hashing
        return sum(scores, ZERO)
    # (by type: `None in scores` asks each Decimal whether it equals None, a slow question)
    present = scores if NONE not in map(type, scores) else [score for score in scores if score is not None]
    if present and (min(present) < ZERO or max(present) > rules.SCORE_MAX):
        return BAD
    return sum(scores, ZERO) if present is scores else None


@functools.cache
def _roles(roles: tuple) -> frozenset:
    """The buying roles of a contact's list (what rules.publicity counts)."""
    return frozenset(roles) & frozenset(rules.ROLES)


# The rules, called with what the row-wise analysis gave them (yuan, not fen),
# when a reason is read.

def _combination(filled: list[tuple[int, int]]) -> Verdict:
    return rules.combination((from_fen(r), from_fen(c)) for r, c in filled)


def _scale(revenue: int, above: int, total: int, t: Thresholds) -> Verdict:
    return rules.scale_flag(from_fen(revenue), from_fen(above), from_fen(total), t=t)


def _growth(recent: int, year_ago: int, prior: int, t: Thresholds) -> Verdict:
    return rules.growth(from_fen(recent), from_fen(year_ago), from_fen(prior), t=t)


def _contribution_class(has_data: bool, combination: str | None, scale: bool, growth: bool, arrears_end: Decimal,
                        base_revenue: Decimal, t: Thresholds) -> Verdict:
    return rules.contribution_class(has_data, combination, scale, growth, arrears_end, base_revenue, t=t)


def _value_class(a_scores: list, b_scores: list, t: Thresholds) -> Verdict:
    return rules.value_class(a_scores, b_scores, t=t)


def _profit_suggestion(lower: int, others: int) -> Verdict:
    return rules.suggest_profit_contribution(rules.percentile_of(lower, others))


CLASS_ORDER = ["fat_sheep", "reindeer", "hound", "hare", "rat", "unclassified"]




def class_summary_of(sums) -> list[dict]:
    """`class_summary`'s rows from (group, class, count, revenue, profit)
    sums — as the stored results' GROUP BY gives them: every class of each
    group in CLASS_ORDER, with its share of the group's revenue."""
    groups: dict = {}
    for group, cls, count, revenue, profit in sums:
        groups.setdefault(group, {k: {"count": 0, "revenue": ZERO, "profit": ZERO} for k in CLASS_ORDER})
        groups[group][cls] = {"count": count, "revenue": revenue or ZERO, "profit": profit or ZERO}
    out = []
    for group, classes in groups.items():
        total = sum((v["revenue"] for v in classes.values()), ZERO)
        for cls in CLASS_ORDER:
            v = classes[cls]
            out.append({"group": group, "class": cls, "label": rules.CONTRIBUTION_CLASS_LABELS[cls], **v,
                        "share": (v["revenue"] / total) if total else None})
    return out




# --- the contribution page: matrix, summaries and the director's checks (§3.1) ---------------

@dataclass(frozen=True)
class MatrixCell:
    revenue: Decimal
    cost: Decimal
    sign: Verdict  # "+" or "-", with the sentence

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.cost


def matrix_rows(customers: list[CustomerResult], products: list[dict], cells: list[dict]) -> list[tuple]:
    """(customer, [MatrixCell or None per product]) for a page of customers:
    the heat-map and its table are drawn from the same rows."""
    wanted = {c.id for c in customers}
    values: dict[int, dict[int, tuple]] = defaultdict(dict)
    for x in cells:
        if x["customer_id"] in wanted:
            values[x["customer_id"]][x["product_id"]] = (x["revenue"], x["cost"])
    rows = []
    for c in customers:
        own = values.get(c.id, {})
        row = []
        for p in products:
            revenue, cost = own.get(p["id"], (ZERO, ZERO))
            sign = rules.cell_sign(revenue, cost)
            row.append(None if sign.value is None else MatrixCell(revenue, cost, sign))
        rows.append((c, row))
    return rows




def matrix_columns_of(products: list[dict], used: set[int], product_id: int | None) -> list[dict]:
    """The same from the ids of the products with a non-empty cell."""
    if product_id is not None:
        return [p for p in products if p["id"] == product_id]
    return [p for p in products if p["id"] in used]




@dataclass(frozen=True)
class Check:
    """One of the director's questions of §3.1, answered with numbers."""

    question: str
    warning: bool
    reason: str
    rows: tuple = ()


def missing_scores_check(results) -> Check:
    """是否对区域内各类型客户“心中有数、一目了然”: customers with a factor of §4.1 not scored."""
    per_class = {cls: [0, 0] for cls in CLASS_ORDER}
    for r in results:
        n = per_class[r.contribution_class.value]
        n[1] += 1
        if any(r.scores.get(f) is None for f, _ in ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS):
            n[0] += 1
    return missing_scores_check_of(per_class)


def missing_scores_check_of(per_class: dict) -> Check:
    """The check from {class: (customers missing a score, customers)}."""
    per_class = {cls: per_class.get(cls, (0, 0)) for cls in CLASS_ORDER}
    missing = sum(n[0] for n in per_class.values())
    results = range(sum(n[1] for n in per_class.values()))
    rows = tuple((rules.CONTRIBUTION_CLASS_LABELS[cls], m, total) for cls, (m, total) in per_class.items() if total)
    if not results:
        return Check("是否对区域内各类型客户“心中有数、一目了然”", False, "没有客户", rows)
    if missing:
        reason = (f"{len(results)} 个客户中 {missing} 个缺少价值评估评分（13 项因素未评齐），"
                  f"占 {rules.fmt_pct(Decimal(missing) / len(results))}")
    else:
        reason = f"{len(results)} 个客户的 13 项因素均已评分"
    return Check("是否对区域内各类型客户“心中有数、一目了然”", bool(missing), reason, rows)




def class_summary_per_product_of(sums) -> list[dict]:
    """The same from (product, class, count, revenue, profit) sums, products in id order."""
    return [row for row in class_summary_of(sorted(sums, key=lambda x: x[0])) if row["group"] is not None]


def grouped(summary_rows: list[dict]) -> list[tuple]:
    """Summary rows as (group, [one row per class in CLASS_ORDER]) for a table per group."""
    groups: dict = defaultdict(list)
    for row in summary_rows:
        groups[row["group"]].append(row)
    return list(groups.items())


@dataclass(frozen=True)
class ComparisonRow:
    dimension: str
    label: str
    group: str
    scores: tuple  # ours first, then each competitor's; None = not scored


def comparison_grid(competitors, score_rows: list[dict]) -> list[ComparisonRow]:
    """The nine dimensions × (us, each competitor) of one product series (§3.3)."""
    scores = {(r["competitor_id"], r["dimension"]): r["score"] for r in score_rows}
    group_of = {dim: group for group, dims in rules.DIMENSION_GROUPS.items() for dim in dims}
    subjects = [None] + [c.pk for c in competitors]
    return [ComparisonRow(dim, label, group_of[dim], tuple(scores.get((s, dim)) for s in subjects))
            for dim, label in rules.DIMENSIONS.items()]

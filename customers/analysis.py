"""Customer contribution analysis (DOMAIN §3.1, §3.2, §4.1) from plain rows.

No ORM here: the selectors fetch rows in a few GROUP BY queries, these
functions apply the rules of `customers.rules` to every customer at once.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal

from customers import rules
from customers.models import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS
from tsm.lib.memo import Memo
from tsm.lib.periods import BasePeriod
from tsm.lib.thresholds import Thresholds, Verdict

ZERO = Decimal("0")


class Cells(Mapping):
    """A customer's row of the matrix: product id -> Verdict(+ / -).

    Holds (revenue, cost) and judges a cell when it is read: a region has
    tens of thousands of cells and a page shows a few hundred."""

    __slots__ = ("_raw",)

    def __init__(self, raw: dict[int, tuple[Decimal, Decimal]]):
        self._raw = raw

    def __getitem__(self, product_id) -> Verdict:
        return rules.cell_sign(*self._raw[product_id])

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
    customers: dict[int, CustomerResult]
    products: list[dict]
    cells: list[dict]
    contacts: list[dict] = field(default_factory=list)  # id, customer_id, roles, last_met: the projects' coverage

    _unpickled = ("_memo", "customer_names", "product_names")

    @cached_property
    def customer_names(self) -> dict[int, str]:
        return {c.id: c.name for c in self.customers.values()}

    @cached_property
    def product_names(self) -> dict[int, str]:
        return {p["id"]: p["name"] for p in self.products}


def analyse_customers(
    *, customers: list[dict], cells: list[dict], buckets: list[dict], contacts: list[dict], as_of: dt.date,
    t: Thresholds,
) -> dict[int, CustomerResult]:
    """Every rule of §3.1/§3.2/§4.1 for every customer of a region, in one pass."""
    cells_by_customer: dict[int, list[dict]] = defaultdict(list)
    revenue = {c["id"]: ZERO for c in customers}
    cost = dict(revenue)
    for cell in cells:  # one pass: group the cells and total them
        cid = cell["customer_id"]
        cells_by_customer[cid].append(cell)
        if cid in revenue:
            revenue[cid] += cell["revenue"]
            cost[cid] += cell["cost"]
    bucket_by_customer = {b["customer_id"]: b for b in buckets}
    contacts_by_customer: dict[int, list[tuple]] = defaultdict(list)
    for c in contacts:
        contacts_by_customer[c["customer_id"]].append((c["roles"] or [], c["last_met"]))

    scale = rules.scale_flags(revenue, t=t)
    percentiles = rules.profit_percentiles({cid: revenue[cid] - cost[cid] for cid in revenue})

    results = {}
    for c in customers:
        cid = c["id"]
        own_cells = cells_by_customer[cid]
        combination = rules.combination((x["revenue"], x["cost"]) for x in own_cells)
        b = bucket_by_customer.get(cid, {})
        growth = rules.growth(b.get("recent", ZERO), b.get("year_ago", ZERO), b.get("prior", ZERO), t=t)
        arrears_end = b.get("arrears_end", ZERO)
        has_data = combination.value is not None
        klass = rules.contribution_class(has_data, combination.value, scale[cid].value, growth.value,
                                         arrears_end, revenue[cid], t=t)
        suggestions = {}
        if has_data:
            suggestions["profit_contribution"] = rules.suggest_profit_contribution(percentiles[cid])
            suggestions["continuous_purchase"] = rules.suggest_continuous_purchase(b.get("months_with_revenue", 0))
        a_scores = [c[f] for f, _ in ATTRACTIVENESS_FACTORS]
        b_scores = [c[f] for f, _ in ADVANTAGE_FACTORS]
        attractiveness, advantage = rules.value_axes(a_scores, b_scores)
        results[cid] = CustomerResult(
            id=cid, code=c["code"], name=c["name"], owner_id=c["owner_id"],
            owner=c.get("owner__display_name") or c.get("owner__username") or "",
            industry=c.get("industry", ""),
            revenue=revenue[cid], cost=cost[cid], arrears_end=arrears_end,
            combination=combination, scale=scale[cid], growth=growth, contribution_class=klass,
            value_class=rules.value_class(a_scores, b_scores, t=t),
            attractiveness=attractiveness, advantage=advantage,
            publicity=rules.publicity(contacts_by_customer[cid], as_of, t=t),
            cells=Cells({x["product_id"]: (x["revenue"], x["cost"]) for x in own_cells
                         if not (x["revenue"] == 0 and x["cost"] == 0)}),
            suggestions=suggestions,
            scores=c,  # the customer's row: its 13 factor scores by field name
        )
    return results


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

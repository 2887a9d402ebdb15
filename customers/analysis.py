"""Customer contribution analysis (DOMAIN §3.1, §3.2, §4.1) from plain rows.

No ORM here: the selectors fetch rows in a few GROUP BY queries, these
functions apply the rules of `customers.rules` to every customer at once.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from customers import rules
from customers.models import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS
from tsm.lib.thresholds import Thresholds, Verdict

ZERO = Decimal("0")


@dataclass
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
    cells: dict[int, Verdict] = field(default_factory=dict)  # product id -> + / - (empty cells absent)
    suggestions: dict[str, Verdict] = field(default_factory=dict)  # factor -> suggested score
    scores: dict[str, Decimal | None] = field(default_factory=dict)

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def has_data(self) -> bool:
        return self.combination.value is not None


def analyse_customers(
    *, customers: list[dict], cells: list[dict], buckets: list[dict], contacts: list[dict], as_of: dt.date,
    t: Thresholds,
) -> dict[int, CustomerResult]:
    """Every rule of §3.1/§3.2/§4.1 for every customer of a region, in one pass."""
    cells_by_customer: dict[int, list[dict]] = defaultdict(list)
    for cell in cells:
        cells_by_customer[cell["customer_id"]].append(cell)
    bucket_by_customer = {b["customer_id"]: b for b in buckets}
    contacts_by_customer: dict[int, list[tuple]] = defaultdict(list)
    for c in contacts:
        contacts_by_customer[c["customer_id"]].append((c["roles"] or [], c["last_met"]))

    revenue = {c["id"]: sum((x["revenue"] for x in cells_by_customer[c["id"]]), ZERO) for c in customers}
    cost = {c["id"]: sum((x["cost"] for x in cells_by_customer[c["id"]]), ZERO) for c in customers}
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
            cells={x["product_id"]: rules.cell_sign(x["revenue"], x["cost"]) for x in own_cells
                   if not (x["revenue"] == 0 and x["cost"] == 0)},
            suggestions=suggestions,
            scores={f: c[f] for f, _ in ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS},
        )
    return results


CLASS_ORDER = ["fat_sheep", "reindeer", "hound", "hare", "rat", "unclassified"]


def class_summary(results: dict[int, CustomerResult], key=lambda r: None) -> list[dict]:
    """Count, revenue, profit and revenue share per contribution class
    (optionally per group given by `key`, e.g. the owner)."""
    groups: dict = defaultdict(lambda: {k: {"count": 0, "revenue": ZERO, "profit": ZERO} for k in CLASS_ORDER})
    for r in results.values():
        cell = groups[key(r)][r.contribution_class.value]
        cell["count"] += 1
        cell["revenue"] += r.revenue
        cell["profit"] += r.profit
    out = []
    for group, classes in groups.items():
        total = sum((v["revenue"] for v in classes.values()), ZERO)
        for cls in CLASS_ORDER:
            v = classes[cls]
            out.append({"group": group, "class": cls, "label": rules.CONTRIBUTION_CLASS_LABELS[cls], **v,
                        "share": (v["revenue"] / total) if total else None})
    return out


def class_summary_by_product(results: dict[int, CustomerResult], cells: list[dict]) -> list[dict]:
    """Revenue and profit per product × contribution class of the customer."""
    klass = {r.id: r.contribution_class.value for r in results.values()}
    acc: dict = defaultdict(lambda: {"count": 0, "revenue": ZERO, "profit": ZERO})
    for x in cells:
        if x["customer_id"] not in klass:
            continue
        v = acc[(x["product_id"], klass[x["customer_id"]])]
        v["count"] += 1
        v["revenue"] += x["revenue"]
        v["profit"] += x["revenue"] - x["cost"]
    return [{"product_id": p, "class": c, **v} for (p, c), v in acc.items()]

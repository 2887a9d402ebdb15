"""The customers' stored analysis results (CustomerStanding): written here,
read by every process.

A full write stores what `customers.selectors.compute_customer_analysis`
judged for the whole region (an import, a threshold, a new day). A score or
a contact changes only what is the customer's own — its value class, its
axes, its publicity — so `customer_standings_rejudge` judges those few
customers again and leaves the region-relative figures (scale, class) alone.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from customers import rules
from customers import selectors as sel
from customers.analysis import CustomerAnalysis
from customers.models import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS, Customer, CustomerStanding
from tsm.lib.upsert import upsert_unless_newer

FIELDS = ["region", "as_of", "owner", "revenue", "cost", "profit", "arrears_end", "combination", "scale", "growth",
          "contribution_class", "value_class", "publicity", "attractiveness", "advantage", "scores_missing"]
_AXIS = Decimal("0.0001")


def _axis(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_AXIS)


def customer_standings_write(*, region, analysis: CustomerAnalysis, version: int) -> int:
    """Store every analysed customer's values, judged at data `version` (an
    upsert in batches that never replaces a row judged at a newer version)."""
    rows = [
        CustomerStanding(
            customer_id=r.id, region=region, as_of=analysis.as_of, version=version, owner_id=r.owner_id,
            revenue=r.revenue,
            cost=r.cost, profit=r.profit, arrears_end=r.arrears_end, combination=r.combination.value,
            scale=bool(r.scale.value), growth=bool(r.growth.value), contribution_class=r.contribution_class.value,
            value_class=r.value_class.value, publicity=r.publicity.value, attractiveness=_axis(r.attractiveness),
            advantage=_axis(r.advantage), scores_missing=r.value_class.value is None,
        )
        for r in analysis.customers.values()
    ]
    upsert_unless_newer(CustomerStanding, rows, unique="customer", fields=FIELDS)
    return len(rows)


def customer_standings_rejudge(*, region, customer_ids, as_of: dt.date) -> list[int]:
    """Judge again what is each customer's own (value class, axes, publicity)
    after a score or a contact changed; returns the customers whose value
    class changed (their projects' conclusions follow it)."""
    customer_ids = set(customer_ids)
    t = region.thresholds()
    rows = sel.customer_rows(region, Customer.objects.filter(pk__in=customer_ids))
    contacts = defaultdict(list)
    for c in sel.contact_rows(region, customer_ids=customer_ids):
        contacts[c["customer_id"]].append((c["roles"] or [], c["last_met"]))
    before = dict(CustomerStanding.objects.filter(customer_id__in=customer_ids).values_list("customer_id",
                                                                                           "value_class"))
    changed = []
    for row in rows:
        if row["id"] not in before:
            continue  # not yet analysed: the next full judgement stores it
        a_scores = [row[f] for f, _ in ATTRACTIVENESS_FACTORS]
        b_scores = [row[f] for f, _ in ADVANTAGE_FACTORS]
        value_class = rules.value_class(a_scores, b_scores, t=t).value
        attractiveness, advantage = rules.value_axes(a_scores, b_scores)
        CustomerStanding.objects.filter(customer_id=row["id"], version__lte=region.data_version).update(
            version=region.data_version, value_class=value_class, attractiveness=_axis(attractiveness), advantage=_axis(advantage),
            scores_missing=value_class is None, owner_id=row["owner_id"],
            publicity=rules.publicity(contacts[row["id"]], as_of, t=t).value)
        if before[row["id"]] != value_class:
            changed.append(row["id"])
    return changed

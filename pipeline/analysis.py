"""Project analysis (DOMAIN §4.2–§4.3) from plain rows: win rate, layer,
amount class, category, tactic and conclusion for every open project."""

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from customers import rules as crules
from pipeline import rules
from tsm.lib.thresholds import Thresholds, Verdict


@dataclass(slots=True)
class ProjectResult:
    id: int
    code: str
    name: str
    customer_id: int
    product_id: int
    owner_id: int
    amount: Decimal
    expected_close: dt.date
    evidence: list[str]
    win_rate: Verdict
    layer: Verdict  # value: layer code
    overdue: bool
    amount_class: Verdict
    category: Verdict
    tactic: Verdict
    conclusion: Verdict
    coverage: Verdict
    stagnant: Verdict
    weighted: Decimal  # amount × win rate, to the fen


def analyse_projects(
    *, projects: list[dict], value_classes: dict[int, str | None], owner_targets: dict[int, Decimal],
    contact_roles: dict[int, list[str]], customer_contacts: dict[int, list[int]],
    links: list[tuple[int, int]], snapshots: dict[int, list[tuple[str, int]]], as_of: dt.date, t: Thresholds,
) -> dict[int, ProjectResult]:
    linked: dict[int, list[int]] = defaultdict(list)
    for project_id, contact_id in links:
        linked[project_id].append(contact_id)
    customer_coverage: dict[int, Verdict] = {}  # most projects share their customer's contacts

    def coverage(p) -> Verdict:
        if p["id"] in linked:
            return crules.role_coverage(contact_roles.get(c, []) for c in linked[p["id"]])
        cid = p["customer_id"]
        if cid not in customer_coverage:
            customer_coverage[cid] = crules.role_coverage(
                contact_roles.get(c, []) for c in customer_contacts.get(cid, []))
        return customer_coverage[cid]

    # The rules are pure and most projects share their inputs (a layer and a
    # rate give the tactic; a close date gives the layer …): each distinct
    # input is judged once, and equal verdicts are shared, not copied.
    memo = functools.cache
    win_rate = memo(lambda evidence, status: rules.win_rate(evidence, status))
    layer = memo(lambda close: _layer(rules.layer(as_of, close, t=t)))
    category = memo(rules.category)
    tactic = memo(lambda layer_code, rate: rules.tactic(layer_code, rate, t=t))
    conclusion = memo(lambda *args: rules.conclusion(*args, t=t))
    stagnant = memo(lambda history: rules.is_stagnant(history, t=t))

    results = {}
    for p in projects:
        evidence = tuple(p["evidence"] or ())
        rate = win_rate(evidence, p["status"])
        lay, overdue = layer(p["expected_close"])
        amount_cls = rules.amount_class(p["amount"], owner_targets.get(p["owner_id"]), t=t)
        results[p["id"]] = ProjectResult(
            id=p["id"], code=p["code"], name=p["name"], customer_id=p["customer_id"], product_id=p["product_id"],
            owner_id=p["owner_id"], amount=p["amount"], expected_close=p["expected_close"],
            evidence=list(evidence),
            win_rate=rate, layer=lay, overdue=overdue, amount_class=amount_cls,
            category=category(p["tariff_effect"], p["kill_degree"]),
            tactic=tactic(lay.value, rate.value),
            conclusion=conclusion(lay.value, value_classes.get(p["customer_id"]), amount_cls.value, rate.value),
            coverage=coverage(p),  # by the project's own contacts, else by its customer's
            stagnant=stagnant(tuple(snapshots.get(p["id"], ()))),
            weighted=rules.weighted_amount(p["amount"], rate.value),
        )
    return results


def _layer(verdict: Verdict) -> tuple[Verdict, bool]:
    """rules.layer gives ((layer, overdue), reason); results keep the layer as the value."""
    (layer_code, overdue), reason = verdict
    return Verdict(layer_code, reason, verdict.label), overdue


def funnel_table(results) -> list[dict]:
    """Per layer (top first): count, amount, weighted amount."""
    table = {layer: {"layer": layer, "label": rules.LAYER_LABELS[layer], "count": 0,
                     "amount": Decimal("0"), "weighted": Decimal("0")} for layer in rules.LAYERS}
    for r in results:
        row = table[r.layer.value]
        row["count"] += 1
        row["amount"] += r.amount
        row["weighted"] += r.weighted
    return list(table.values())


def funnel_health(results, t: Thresholds) -> tuple[Verdict, dict[int, Verdict]]:
    """Funnel health (§4.3) of the whole set and per owner, in one pass."""
    everyone: list[tuple[str, bool]] = []
    by_owner: dict = defaultdict(list)
    for r in results:
        row = (r.layer.value, bool(r.stagnant.value))
        everyone.append(row)
        by_owner[r.owner_id].append(row)
    return (rules.funnel_health(everyone, t=t),
            {owner: rules.funnel_health(rows, t=t) for owner, rows in by_owner.items()})


def empty_funnel_health(t: Thresholds) -> Verdict:
    """The health of a manager with no open project at all."""
    return rules.funnel_health([], t=t)


def coverage(results, target: Decimal | None, achieved: Decimal) -> Verdict:
    """Pipeline coverage (§4.3) of a set of open projects against the part of
    the revenue target not yet met."""
    if not target:
        return Verdict(None, "未设定收入目标，无法计算漏斗覆盖率")
    weighted = sum((r.weighted for r in results), Decimal("0"))
    return rules.pipeline_coverage(weighted, target - achieved)

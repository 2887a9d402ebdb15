"""Project analysis (DOMAIN §4.2–§4.3) from plain rows: win rate, layer,
amount class, category, tactic and conclusion for every open project."""

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from customers import rules as crules
from customers.analysis import Check, CustomerAnalysis
from pipeline import rules
from tsm.lib.memo import Memo
from tsm.lib.numbers import fmt_pct, fmt_rate
from tsm.lib.thresholds import LazyVerdict, Thresholds, Verdict


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


@dataclass
class ProjectAnalysis(Memo):
    """The open projects of a region as of a date (§4.2, §4.3), with the
    customer analysis they were judged on. The funnel, the API and the plan
    read this; the customer figures are the customer floor's own."""

    customer_analysis: CustomerAnalysis
    projects: dict[int, ProjectResult]
    # Each manager's revenue target for the period containing as_of (handed
    # down by planning), and what their customers have brought in this year.
    targets: dict[int, Decimal] = field(default_factory=dict)
    year_to_date: dict[int, Decimal] = field(default_factory=dict)

    # The customer analysis's figures, read through this one.
    customers = property(lambda self: self.customer_analysis.customers)
    products = property(lambda self: self.customer_analysis.products)
    cells = property(lambda self: self.customer_analysis.cells)
    period = property(lambda self: self.customer_analysis.period)
    thresholds = property(lambda self: self.customer_analysis.thresholds)
    as_of = property(lambda self: self.customer_analysis.as_of)
    region_code = property(lambda self: self.customer_analysis.region_code)
    customer_names = property(lambda self: self.customer_analysis.customer_names)
    product_names = property(lambda self: self.customer_analysis.product_names)



def analyse_projects(
    *, projects: list[dict], value_classes: dict[int, str | None], owner_targets: dict[int, Decimal],
    contact_roles: dict[int, list[str]], customer_contacts: dict[int, list[int]],
    links: list[tuple[int, int]], snapshots: dict[int, list[tuple[str, int]]], as_of: dt.date, t: Thresholds,
) -> dict[int, ProjectResult]:
    """Every rule of §4.2/§4.3 for the given open projects. The rules are pure
    and most projects share their inputs (a layer and a rate give the tactic;
    a close date gives the layer; the roles held give the coverage …): each
    distinct input is judged once, and equal verdicts are shared. The amount
    class, one per project, is judged on its value here, and its reason
    written by the rule when it is read (LazyVerdict;
    tests/pipeline/test_analysis.py holds both to the rule)."""
    linked: dict[int, list[int]] = defaultdict(list)
    for project_id, contact_id in links:
        linked[project_id].append(contact_id)
    roles_of = functools.cache(lambda contact_ids: _held(contact_roles.get(c, ()) for c in contact_ids))
    coverage = functools.cache(lambda held: crules.role_coverage([held]))
    memo = functools.cache
    win_rate = memo(lambda evidence, status: rules.win_rate(evidence, status))
    layer = memo(lambda close: _layer(rules.layer(as_of, close, t=t)))
    category = memo(rules.category)
    tactic = memo(lambda layer_code, rate: rules.tactic(layer_code, rate, t=t))
    conclusion = memo(lambda *args: rules.conclusion(*args, t=t))
    stagnant = memo(lambda history: rules.is_stagnant(history, t=t))
    limits = memo(lambda target: (t.amount_a_yuan, t.amount_b_yuan) if target is None or target <= 0
                  else (t.amount_a_share * target, t.amount_b_share * target))
    customer_held = {}

    results = {}
    for p in projects:
        pid, cid, amount, owner_id = p["id"], p["customer_id"], p["amount"], p["owner_id"]
        evidence = p["evidence"]
        rate = win_rate(evidence, p["status"])
        lay, overdue = layer(p["expected_close"])
        target = owner_targets.get(owner_id)
        a_limit, b_limit = limits(target)
        amount_cls = LazyVerdict("A" if amount >= a_limit else "B" if amount >= b_limit else "C", _amount_class,
                                 (amount, target, t))
        if pid in linked:  # by the project's own contacts, else by its customer's
            held = roles_of(tuple(linked[pid]))
        else:
            held = customer_held.get(cid)
            if held is None:
                held = customer_held[cid] = roles_of(tuple(customer_contacts.get(cid, ())))
        results[pid] = ProjectResult(
            id=pid, code=p["code"], name=p["name"], customer_id=cid, product_id=p["product_id"],
            owner_id=owner_id, amount=amount, expected_close=p["expected_close"],
            evidence=list(evidence),
            win_rate=rate, layer=lay, overdue=overdue, amount_class=amount_cls,
            category=category(p["tariff_effect"], p["kill_degree"]),
            tactic=tactic(lay.value, rate.value),
            conclusion=conclusion(lay.value, value_classes.get(cid), amount_cls.value, rate.value),
            coverage=coverage(held),
            stagnant=stagnant(tuple(snapshots.get(pid, ()))),
            weighted=rules.weighted_amount(amount, rate.value),
        )
    return results


def _held(role_sets) -> frozenset:
    """The buying roles a set of contacts hold (what rules.role_coverage counts)."""
    held = set()
    for roles in role_sets:
        held.update(roles)
    return frozenset(held & ROLE_CODES)


ROLE_CODES = frozenset(crules.ROLES)


def _amount_class(amount: Decimal, target: Decimal | None, t: Thresholds) -> Verdict:
    return rules.amount_class(amount, target, t=t)


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




def coverage_of(weighted: Decimal, target: Decimal | None, achieved: Decimal) -> Verdict:
    """Pipeline coverage (§4.3) of a weighted open amount."""
    if not target:
        return Verdict(None, "未设定收入目标，无法计算漏斗覆盖率")
    return rules.pipeline_coverage(weighted, target - achieved)


# --- the director's checks of §3.1 that read the projects ------------------------------------------------

HARE_RAT = ("hare", "rat")






def focus_check_of(verdicts: dict, t: Thresholds, names: dict) -> Check:
    """The check from each owner's verdict (crules.focus_check on their counts)."""
    rows = tuple(sorted(((names.get(owner, "（未分配）"), v) for owner, v in verdicts.items()),
                        key=lambda row: (not row[1].value, row[0])))
    over = sum(1 for v in verdicts.values() if v.value)
    if not verdicts:
        reason = "没有进行中的项目"
    elif over:
        reason = f"{len(verdicts)} 位客户经理中 {over} 位在野兔、硕鼠上的项目超过 {fmt_rate(t.focus_hare_rat_share)}"
    else:
        reason = f"{len(verdicts)} 位客户经理在野兔、硕鼠上的项目均不超过 {fmt_rate(t.focus_hare_rat_share)}"
    return Check("是否过度关注“野兔、硕鼠”类客户", bool(over), reason, rows)




def coverage_check_of(by_coverage: list[int]) -> Check:
    """The check from the count of open projects at each coverage 0–5."""
    total = sum(by_coverage)
    projects = range(total)
    short = total - by_coverage[5]
    rows = tuple((k, by_coverage[k]) for k in range(6))
    if not total:
        return Check("是否清晰决策流程中的五个关键角色", False, "没有进行中的项目", rows)
    share = Decimal(short) / len(projects)
    if short:
        reason = f"{len(projects)} 个进行中项目中 {short} 个角色覆盖不足 5 个，占 {fmt_pct(share)}"
    else:
        reason = f"{len(projects)} 个进行中项目五个关键角色全部覆盖"
    return Check("是否清晰决策流程中的五个关键角色", bool(short), reason, rows)


NEEDS_QUESTION = "是否清晰了解决策人、公司和产业的需求"


@dataclass(frozen=True)
class NamedCustomer:
    """A customer a check names: where to find it, who owns it, and why (crules.needs_check)."""

    code: str
    name: str
    owner: str
    verdict: Verdict


def needs_check_of(total: int, unknown: int, named: list[dict], names: dict) -> Check:
    """The check from the counts of customers with an open project (`total`)
    and of those whose three needs are not all written (`unknown`), naming
    the rows of `named` (selectors.needs_unknown) with the rule's reason."""
    rows = tuple(NamedCustomer(r["code"], r["name"], names.get(r["owner_id"], "—"), crules.needs_check(
        decider_needs=r["decider_needs_written"], company_needs=r["company_needs_written"],
        industry_needs=r["industry_needs_written"], open_projects=r["open_projects"])) for r in named)
    if not total:
        return Check(NEEDS_QUESTION, False, "没有有进行中项目的客户", rows)
    if unknown:
        reason = (f"{total} 个有进行中项目的客户中 {unknown} 个未写全决策人、公司和产业的需求，"
                  f"占 {fmt_pct(Decimal(unknown) / total)}")
        if unknown > len(rows):
            reason += f"；下列其中基期收入最大的 {len(rows)} 个"
    else:
        reason = f"{total} 个有进行中项目的客户，决策人、公司和产业的需求均已写明"
    return Check(NEEDS_QUESTION, bool(unknown), reason, rows)

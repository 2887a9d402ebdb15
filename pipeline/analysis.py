"""Project analysis (DOMAIN §4.2–§4.3) from plain rows: win rate, layer,
amount class, category, tactic and conclusion for every open project."""

import datetime as dt
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from typing import NamedTuple

from customers import rules as crules
from customers.analysis import Check, CustomerAnalysis
from pipeline import rules
from tsm.lib.jsonlists import parse_list
from tsm.lib.lazy import ResultsOnRead
from tsm.lib.memo import Memo
from tsm.lib.money import from_fen
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
    projects: Mapping[int, ProjectResult]  # ProjectResults when judged here, a dict once cached
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



class ProjectRow(IntEnum):
    """The places in an open project's row (pipeline.selectors.open_project_rows):
    the amount in whole fen, the close date as ISO text, the evidence as JSON text."""

    id = 0
    code = 1
    name = 2
    customer_id = 3
    product_id = 4
    owner_id = 5
    amount = 6
    expected_close = 7
    status = 8
    tariff_effect = 9
    kill_degree = 10
    evidence = 11


def analyse_projects(
    *, projects: list[tuple], value_classes: dict[int, str | None], owner_targets: dict[int, Decimal],
    contacts: list[dict], links: list[tuple[int, int]], snapshots: dict[int, list[tuple[str, int]]], as_of: dt.date,
    t: Thresholds, target_source: str = "",
) -> "ProjectResults":
    """Every rule of §4.2/§4.3 for the given open projects (ProjectRow rows).
    The rules are pure and most projects share their inputs (evidence and a
    close date give the rate, the layer and the tactic; the roles held give
    the coverage …): each distinct input is judged once, and equal verdicts
    are shared. The amount class and the weighted amount, one per project, are
    judged on their values here — the class's reason written by the rule when
    it is read (LazyVerdict); tests/pipeline/test_analysis.py holds both to
    the rules."""
    linked: dict[int, list[int]] = defaultdict(list)
    for project_id, contact_id in links:
        linked[project_id].append(contact_id)
    # The roles held by each customer's contacts, and by each linked contact.
    customer_roles: dict[int, frozenset] = {}
    contact_roles: dict[int, frozenset] = {}
    for c in contacts:
        roles = _roles(c["roles"])
        if roles:
            cid = c["customer_id"]
            customer_roles[cid] = customer_roles.get(cid, NOBODY) | roles
        if linked:
            contact_roles[c["id"]] = roles
    coverage = functools.cache(lambda held: crules.role_coverage([held]))

    # Each rule once per distinct input, and each row's combination of them once.
    @functools.cache
    def win_rate(evidence_text, status):
        # Only the catalogue's codes count: a code typed into the admin that
        # is not E1–E12 must not stop the region's analysis.
        evidence = tuple(code for code in parse_list(evidence_text) if code in rules.EVIDENCE)
        return evidence, rules.win_rate(evidence, status)

    @functools.cache
    def layer(close_text):
        close = dt.date.fromisoformat(close_text)
        return (close, *_layer(rules.layer(as_of, close, t=t)))

    tactic = functools.cache(functools.partial(rules.tactic, t=t))
    category = functools.cache(rules.category)

    @functools.cache
    def judged(evidence_text, status, close_text, tariff_effect, kill_degree):
        """(evidence, close date, win rate, layer, overdue, tactic, category) of a project."""
        evidence, rate = win_rate(evidence_text, status)
        close, lay, overdue = layer(close_text)
        return (evidence, close, rate, lay, overdue, tactic(lay.value, rate.value),
                category(tariff_effect, kill_degree))

    conclusion = functools.cache(functools.partial(rules.conclusion, t=t))
    still = rules.is_stagnant((), t=t)
    stagnant = functools.cache(lambda history: rules.is_stagnant(history, t=t))
    limits = functools.cache(lambda target: tuple(
        limit.scaleb(2) for limit in ((t.amount_a_yuan, t.amount_b_yuan) if target is None or target <= 0
                                  else (t.amount_a_share * target, t.amount_b_share * target))))

    rows = {}
    for row in projects:
        pid, code, name, cid, product_id, owner_id, fen, close, status, tariff_effect, kill_degree, evidence = row
        evidence, close, rate, lay, overdue, tac, kind = judged(evidence, status, close, tariff_effect, kill_degree)
        target = owner_targets.get(owner_id)
        a_limit, b_limit = limits(target)  # in fen: the rule's Decimal limits × 100, compared exactly
        amount_cls = "A" if fen >= a_limit else "B" if fen >= b_limit else "C"
        if pid in linked:  # by the project's own contacts, else by its customer's
            held = NOBODY.union(*(contact_roles.get(c, NOBODY) for c in linked[pid]))
        else:
            held = customer_roles.get(cid, NOBODY)
        history = snapshots.get(pid)
        rows[pid] = _judged((pid, code, name, cid, product_id, owner_id, fen, close, evidence, rate, lay, overdue,
                             amount_cls, target, kind, tac,
                             conclusion(lay.value, value_classes.get(cid), amount_cls, rate.value),
                             coverage(held), stagnant(tuple(history)) if history else still))
    return ProjectResults(rows, t, target_source)


class JudgedProject(NamedTuple):
    """An open project as analyse_projects judges it: every value the rules
    give, and what its result object needs to be built — the one analysis
    the result objects and the export both read."""

    id: int
    code: str
    name: str
    customer_id: int
    product_id: int
    owner_id: int
    amount: int  # fen
    expected_close: dt.date
    evidence: tuple
    win_rate: Verdict
    layer: Verdict
    overdue: bool
    amount_class: str
    target: Decimal | None  # the owner's target the amount class read
    category: Verdict
    tactic: Verdict
    conclusion: Verdict
    coverage: Verdict
    stagnant: Verdict


def _judged(values: tuple) -> JudgedProject:
    return tuple.__new__(JudgedProject, values)  # (a NamedTuple's own __new__ is a Python call)


class ProjectResults(ResultsOnRead):
    """id -> ProjectResult. analyse_projects judges the projects into one
    JudgedProject each; the result objects (the amount in Decimal, the amount
    class's lazy reason, the weighted amount) are built from those when a
    result is first read — pages and the stored results read them, the export
    reads the judged values (export_rows). Pickled (cached) as the plain dict
    of results."""

    __slots__ = ()

    def __init__(self, rows: dict[int, JudgedProject], t: Thresholds, source: str):
        super().__init__(rows, lambda _pid, row: _result(row, t, source))


def _result(row: JudgedProject, t: Thresholds, source: str) -> ProjectResult:
    (pid, code, name, cid, product_id, owner_id, fen, close, evidence, rate, lay, overdue, amount_cls, target, kind,
     tac, concl, cover, still) = row
    amount = from_fen(fen)
    return ProjectResult(
        pid, code, name, cid, product_id, owner_id, amount, close, list(evidence),
        rate, lay, overdue, LazyVerdict(amount_cls, _amount_class, (amount, target, t, source)),
        kind, tac, concl, cover, still, _weighted(fen, rate.value),
    )


def document_rows(projects: Mapping, narrow: Callable | None = None) -> list[dict]:
    """The open projects as the analysis document says them (INTERFACES.md
    §3), sorted by code: read from the judged projects as analyse_projects
    left them, or (a cached analysis, whose results were pickled as objects)
    from the results — the same values either way
    (tests/pipeline/test_analysis.py). `narrow` (permissions.own_part) keeps
    a user's own (by `owner_id`)."""
    if isinstance(projects, ProjectResults):
        judged = sorted(narrow(projects.rows()) if narrow else projects.rows(), key=_code)
        return [{"code": p.code, "win_rate": p.win_rate.value, "layer": p.layer.value, "overdue": p.overdue,
                 "amount_class": p.amount_class, "category": p.category.value, "tactic": p.tactic.value,
                 "conclusion": p.conclusion.value, "role_coverage": p.coverage.value} for p in judged]
    results = sorted(narrow(projects.values()) if narrow else projects.values(), key=_result_code)
    return [{"code": p.code, "win_rate": p.win_rate.value, "layer": p.layer.value, "overdue": p.overdue,
             "amount_class": p.amount_class.value, "category": p.category.value, "tactic": p.tactic.value,
             "conclusion": p.conclusion.value, "role_coverage": p.coverage.value} for p in results]


_code = operator.itemgetter(1)  # JudgedProject.code
_result_code = operator.attrgetter("code")


NOBODY = frozenset()


@functools.cache
def _roles(roles: tuple) -> frozenset:
    """The buying roles of a contact's list (what rules.role_coverage counts)."""
    return frozenset(roles) & frozenset(crules.ROLES)


def _amount_class(amount: Decimal, target: Decimal | None, t: Thresholds, source: str = "") -> Verdict:
    return rules.amount_class(amount, target, t=t, source=source)


def _weighted(fen: int, rate: int) -> Decimal:
    """rules.weighted_amount of an amount in whole fen: amount × rate / 100, half-up (away from zero) to the fen."""
    weighted, rest = divmod(abs(fen) * rate, 100)
    weighted += rest >= 50
    return from_fen(-weighted if fen < 0 else weighted)


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

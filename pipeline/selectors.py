"""Set-based reads of a region's projects for the funnel and the analysis."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BigIntegerField, Case, Count, Exists, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, TextField, Value, When,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Round
from django.utils.translation import gettext_lazy as _

from customers import rules as crules
from customers import selectors as csel
from customers.analysis import CustomerResults
from customers.models import Customer, CustomerStanding
from pipeline.analysis import HARE_RAT, ProjectAnalysis, ProjectResult, ProjectRow, analyse_projects
from pipeline.choices import Conclusion
from pipeline.models import EvidenceCriterion, Project, ProjectStanding, RevenueTarget, Status, WeeklySnapshot
from pipeline import rules
from pipeline.rules import CONCLUSION_LABELS, EVIDENCE, LAYER_LABELS, LAYERS, TACTIC_LABELS
from tsm.lib.thresholds import Verdict
from teams import permissions
from teams.models import User
from tsm.lib import cache
from tsm.lib.bulk import gc_paused
from tsm.lib.raw import raw_rows


def open_project_rows(region, projects=None) -> list[tuple]:
    """The open projects as the driver gives them (pipeline.analysis.ProjectRow):
    the amount in whole fen (exact on PostgreSQL; SQLite's float of a 2-place
    amount rounds to its fen), the close date as ISO text and the evidence as
    JSON text — a region has a few hundred of each, read once each by the
    analysis, rather than a converter per row."""
    qs = projects if projects is not None else Project.objects.filter(region=region)
    return raw_rows(
        qs.filter(status=Status.OPEN)
        .order_by()  # callers sort; a text sort of 20,000 codes is not free
        .values_list("id", "code", "name", "customer_id", "product_id", "owner_id",
                     Cast(Round(F("amount") * Value(100)), BigIntegerField()), Cast("expected_close", TextField()),
                     "status", "tariff_effect", "kill_degree", Cast("evidence", TextField()))
    )


def evidence_wording() -> dict[str, str]:
    """E1–E12 as the EvidenceCriterion table words them (the admin edits it)."""
    wording = dict(EvidenceCriterion.objects.filter(code__in=EVIDENCE).values_list("code", "text"))
    return {code: wording.get(code, code) for code in EVIDENCE}


def project_contact_links(region, project_ids=None) -> list[tuple[int, int]]:
    """(project_id, contact_id) for the region's open projects: one query on the M2M table."""
    qs = Project.contacts.through.objects.filter(project__region=region, project__status=Status.OPEN)
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    return list(qs.values_list("project_id", "contact_id").order_by())


def recent_snapshots(region, as_of: dt.date, weeks: int, project_ids=None) -> dict[int, list[tuple[str, int]]]:
    """(layer, win rate) of each open project's snapshots, oldest first, over
    the last `weeks` ISO weeks up to `as_of` (enough for the stagnation rule)."""
    since = as_of - dt.timedelta(weeks=weeks)
    y0, w0, _ = since.isocalendar()
    y1, w1, _ = as_of.isocalendar()
    rows = (
        WeeklySnapshot.objects.filter(project__region=region, project__status=Status.OPEN)
        .filter(iso_year__gte=y0)
        .filter(**({"project_id__in": project_ids} if project_ids is not None else {}))
        .values_list("project_id", "iso_year", "iso_week", "layer", "win_rate")
        .order_by("project_id", "iso_year", "iso_week")
    )
    out: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for project_id, year, week, layer, rate in rows:
        if (y0, w0) <= (year, week) <= (y1, w1):
            out[project_id].append((layer, rate))
    return out


@dataclass(frozen=True)
class RevenueTargets:
    """The managers' revenue targets as of a date (DOMAIN §4.2): which plan's
    (`choice`, a Verdict of pipeline.rules.revenue_target_choice) and each
    manager's amount in it, as planning handed it down."""

    choice: Verdict
    amounts: dict  # manager id -> the period's target

    @property
    def chosen(self):
        return self.choice.value

    @property
    def source(self) -> str:
        return self.chosen.source if self.chosen else ""

    @property
    def for_amount_class(self) -> dict[int, Decimal]:
        """Each manager's target as the amount class reads it (a half-year's doubled)."""
        factor = self.chosen.factor if self.chosen else 1
        return {m: amount * factor for m, amount in self.amounts.items()}


def revenue_targets(region, as_of: dt.date) -> RevenueTargets:
    """One query: every period's handed-down targets of the region, the
    choice made by the rule, the chosen period's amounts kept."""
    rows = list(RevenueTarget.objects.filter(region=region).values_list("manager_id", "period", "amount", "draft")
                .order_by())
    choice = rules.revenue_target_choice(((period, draft) for _, period, _, draft in rows), as_of)
    chosen = choice.value
    amounts = {m: amount for m, period, amount, _ in rows if chosen and period == chosen.period}
    return RevenueTargets(choice=choice, amounts=amounts)


def manager_revenue_targets(region, as_of: dt.date) -> dict[int, Decimal]:
    """Each manager's revenue target as the amount class reads it (a
    half-year's doubled); empty when no plan hands one down."""
    return revenue_targets(region, as_of).for_amount_class


# --- the project analysis of a region ----------------------------------------------------------------


def _key(region, version: int, as_of: dt.date) -> str:
    return cache.key("projects", region_pk=region.pk, version=version, as_of=as_of, thresholds=region.thresholds())


def project_analysis(region, as_of: dt.date) -> ProjectAnalysis:
    """The region's project analysis as of a date, kept under the data version
    it was computed for; it reads the customer floor's analysis for the value
    classes and the names."""
    return cache.get_or_compute(_key(region, region.data_version, as_of),
                                lambda: compute_project_analysis(region, as_of))


def _analyse(region, as_of, *, t, rows, targets: RevenueTargets, value_classes, contacts=None,
             project_ids=None) -> dict:
    """The rules of pipeline.analysis over `rows`: every open project of the
    region, or (project_ids) a few, whose customers' contacts are read here."""
    if contacts is None:
        contacts = csel.contact_rows(region, customer_ids={r[ProjectRow.customer_id] for r in rows})
    snapshots = recent_snapshots(region, as_of, max(t.stagnant_weeks, 2) + 1, project_ids=project_ids)
    return analyse_projects(
        projects=rows, value_classes=value_classes, owner_targets=targets.for_amount_class,
        target_source=targets.source, contacts=contacts,
        links=project_contact_links(region, project_ids=project_ids), snapshots=snapshots, as_of=as_of, t=t,
    )


def compute_project_analysis(region, as_of: dt.date, *, customers=None) -> ProjectAnalysis:
    customers = customers or csel.customer_analysis(region, as_of)
    targets = revenue_targets(region, as_of)
    with gc_paused():
        projects = _analyse(region, as_of, t=customers.thresholds, rows=open_project_rows(region), targets=targets,
                            value_classes=_value_classes(customers), contacts=customers.contacts)
    done = revenue_done(region, as_of, targets) if targets.amounts else {}
    return ProjectAnalysis(customer_analysis=customers, projects=projects, targets=targets.amounts, year_to_date=done)


def open_projects_judged(region, as_of: dt.date, *, contacts: list[dict]) -> dict[int, ProjectResult]:
    """Every open project of the region judged as of `as_of` on its
    customers' stored value classes (a new day: the customers' classes
    stand). `contacts`: the region's contact_rows."""
    value_classes = dict(CustomerStanding.objects.filter(region=region).values_list("customer_id", "value_class"))
    with gc_paused():
        return _analyse(region, as_of, t=region.thresholds(), rows=open_project_rows(region),
                        targets=revenue_targets(region, as_of), value_classes=value_classes, contacts=contacts)


def _value_classes(customers) -> dict[int, str | None]:
    results = customers.customers
    if isinstance(results, CustomerResults):  # as judged, before any result object is built
        return {r.customer["id"]: r.value_class for r in results.rows()}
    return {cid: r.value_class.value for cid, r in results.items()}


# --- the stored results: read in SQL, judged in full only for the rows shown ------------------------


def projects_judged(region, as_of: dt.date, project_ids, *,
                    targets: RevenueTargets | None = None) -> dict[int, ProjectResult]:
    """The full verdicts (values, labels, reasons) of a few open projects —
    the rows a page shows — from their own data and their customers' stored
    value classes: a handful of queries whatever the region's size."""
    project_ids = list(project_ids)
    if not project_ids:
        return {}
    rows, value_classes = _shown_rows(region, project_ids)
    if targets is None:
        targets = revenue_targets(region, as_of)
    return _analyse(region, as_of, t=region.thresholds(), rows=rows, targets=targets,
                    value_classes=value_classes, project_ids=project_ids)


def _shown_rows(region, project_ids) -> tuple[list[tuple], dict[int, str | None]]:
    """A few open projects' rows and their customers' stored value classes (two queries)."""
    rows = open_project_rows(region, Project.objects.filter(pk__in=project_ids))
    value_classes = dict(CustomerStanding.objects.filter(customer_id__in={r[ProjectRow.customer_id] for r in rows})
                         .values_list("customer_id", "value_class"))
    return rows, value_classes


STORED_ONLY = _("（已存结果）")


def projects_listed(region, as_of: dt.date, shown, *, targets: RevenueTargets) -> dict[int, ProjectResult]:
    """The rows a list shows (`shown`: their stored results, with coverage
    and stagnant loaded): each project judged afresh for what the row shows
    with its reason — win rate, layer, amount class, category, tactic,
    conclusion — by the same analyse_projects as projects_judged; its role
    coverage and stagnation, which the row does not show, as stored (they
    need the customer's contacts, the links and the weekly history: three
    queries a list page does without)."""
    stored = {s.pk: (s.coverage, s.stagnant) for s in shown}
    if not stored:
        return {}
    rows, value_classes = _shown_rows(region, list(stored))
    results = analyse_projects(projects=rows, value_classes=value_classes, owner_targets=targets.for_amount_class,
                               target_source=targets.source, contacts=[], links=[], snapshots={}, as_of=as_of,
                               t=region.thresholds())
    for pk, result in results.items():
        coverage, stagnant = stored[pk]
        result.coverage, result.stagnant = Verdict(coverage, STORED_ONLY), Verdict(stagnant, STORED_ONLY)
    return results


def standings(region, user=None):
    """The region's stored project results (a manager's: their own)."""
    qs = ProjectStanding.objects.filter(region=region)
    scope = permissions.owner_scope(user) if user is not None else None
    return qs if scope is None else qs.filter(owner_id=scope)


def funnel_figures(qs) -> tuple[list[dict], dict[int, list[tuple[str, bool]]]]:
    """One GROUP BY over stored results: per owner and layer, the count, the
    amount, the weighted amount and the stagnant count; returned as the funnel
    table (per layer, top first) and each owner's (layer, stagnant) list for
    the health rule."""
    return funnel_figures_of(qs.values("owner_id", "layer")
                             .annotate(n=Count("pk"), amount=Sum("amount"), weighted=Sum("weighted"),
                                       stuck=Count("pk", filter=Q(stagnant=True)))
                             .order_by())


def funnel_figures_of(rows) -> tuple[list[dict], dict[int, list[tuple[str, bool]]], dict[int, Decimal]]:
    """funnel_figures from its grouped rows ({owner_id, layer, n, amount,
    weighted, stuck}), wherever they were summed."""
    table = {layer: {"layer": layer, "label": LAYER_LABELS[layer], "count": 0, "amount": Decimal("0"),
                     "weighted": Decimal("0")} for layer in LAYERS}
    by_owner: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    weighted_by_owner: dict[int, Decimal] = defaultdict(Decimal)
    for r in rows:
        t = table[r["layer"]]
        t["count"] += r["n"]
        t["amount"] += r["amount"]
        t["weighted"] += r["weighted"]
        by_owner[r["owner_id"]] += [(r["layer"], True)] * r["stuck"] + [(r["layer"], False)] * (r["n"] - r["stuck"])
        weighted_by_owner[r["owner_id"]] += r["weighted"]
    return list(table.values()), by_owner, weighted_by_owner


def period_start(period: str) -> dt.date:
    """The first day of a plan period: '2027' and '2027H1' → 1 January, '2027H2' → 1 July."""
    return rules.plan_period_bounds(period)[0]


def revenue_done(region, as_of: dt.date, targets: RevenueTargets | None = None) -> dict[int, Decimal]:
    """What each manager with a target has brought in from the first month
    of the chosen plan's period to `as_of` (the coverage's "met", DOMAIN
    §4.3): a second half-year counts from July, not from January; a next
    period's plan, not begun yet, has nothing met (no query)."""
    targets = targets or revenue_targets(region, as_of)
    chosen = targets.chosen
    if not chosen or chosen.start > as_of:
        return {m: Decimal("0") for m in targets.amounts}
    done = csel.revenue_by_owner(region, chosen.start, as_of)
    return {m: done.get(m, Decimal("0")) for m in targets.amounts}


def names_of(projects) -> dict:
    """The customer and product names of the projects a page shows (one query through the projects)."""
    rows = (Project.objects.filter(pk__in=[p.id for p in projects]).order_by()
            .values_list("customer_id", "customer__name", "product_id", "product__name"))
    customers, products = {}, {}
    for customer_id, customer, product_id, product in rows:
        customers[customer_id], products[product_id] = customer, product
    return {"customer_names": customers, "product_names": products}


def hare_rat_counts(qs) -> dict[int, tuple[int, int]]:
    """Per owner: (open projects, those on a customer judged 野兔 or 硕鼠)."""
    rows = qs.values("owner_id").annotate(
        total=Count("pk"), on=Count("pk", filter=Q(customer__standing__contribution_class__in=HARE_RAT))).order_by()
    return {r["owner_id"]: (r["total"], r["on"]) for r in rows}


def coverage_counts(qs) -> list[int]:
    """Open projects at each role coverage 0–5."""
    counts = dict(qs.values_list("coverage").annotate(n=Count("pk")).order_by())
    return [counts.get(k, 0) for k in range(6)]


# --- the customer strategy summary (客户策略总结, §4.2) ----------------------------------------------------

# Ascending orders of the summary's ranked columns: publicity from no role met
# to broad; value class 一级 … 四级 (待评估 last); the funnel from its top to
# its bottom; the conclusion actions in the course's order, most pressing first.
_PUBLICITY_RANK = {"blank": 0, "partial": 1, "broad": 2}
_VALUE_RANK = {"consolidate": 0, "invest": 1, "harvest": 2, "maintain": 3}
_LAYER_RANK = {layer: rank for rank, layer in enumerate(LAYERS)}
CONCLUSION_RANK = {value: rank for rank, value in enumerate(Conclusion.values)}  # the most pressing first

# Sort key of the summary → its SQL column (ascending); each sort ends on the customer code.
SUMMARY_ORDER = {
    "customer": "customer_code", "manager": "manager_name", "publicity": "publicity_rank",
    "value_class": "value_rank", "win_rate": "top_win_rate", "amount": "total_amount", "layer": "layer_rank",
    "action": "action_rank",
}


def conclusion_rank():
    """The conclusion's rank in SQL, the most pressing (密集进攻) first."""
    return _rank("conclusion", CONCLUSION_RANK, len(CONCLUSION_RANK))


def _rank(field: str, ranks: dict, default: int):
    return Case(*(When(**{field: value}, then=Value(rank)) for value, rank in ranks.items()),
                default=Value(default), output_field=IntegerField())


def _focus_sql(prefix: str = ""):
    """crules.strategy_focus in SQL (1 flagged, 0 not), on the same tuples, for sorting and counting."""
    return Case(When(Q(**{f"{prefix}value_class__in": crules.FOCUS_VALUE_CLASSES,
                          f"{prefix}publicity__in": crules.FOCUS_PUBLICITY}), then=Value(1)),
                default=Value(0), output_field=IntegerField())


def _summary_projects(region, user, manager):
    """The open projects the user sees (stored), of the customers the user sees:
    a manager their own on their own customers; `manager` narrows to one owner's customers."""
    qs = standings(region, user)
    scope = permissions.owner_scope(user) if user is not None else None
    if scope is not None:
        qs = qs.filter(customer__owner_id=scope)
    if manager is not None:
        qs = qs.filter(customer__owner_id=manager)
    return qs


def strategy_summary(region, user=None, *, manager: int | None = None, sort: str = "value_class"):
    """One row per customer with open projects: its stored publicity and value
    class, whether 重视"巩固和投入" flags it, and its open projects summed —
    the amount, the highest win rate, the deepest layer, the most pressing
    conclusion. One GROUP BY over the stored results, flagged customers first,
    then by `sort` (a SUMMARY_ORDER key, '-' for descending), then by code."""
    c = "customer__standing__"
    column = SUMMARY_ORDER[sort.removeprefix("-")]
    rows = (
        _summary_projects(region, user, manager)
        .values("customer_id", customer_code=F("customer__code"), customer_name=F("customer__name"),
                customer_owner=F("customer__owner_id"), publicity=F(f"{c}publicity"),
                value_class=F(f"{c}value_class"),
                manager_name=Coalesce(NullIf(F("customer__owner__display_name"), Value("")),
                                      F("customer__owner__username"), Value("")),
                publicity_rank=_rank(f"{c}publicity", _PUBLICITY_RANK, len(_PUBLICITY_RANK)),
                value_rank=_rank(f"{c}value_class", _VALUE_RANK, len(_VALUE_RANK)),
                focus=_focus_sql(c))
        .annotate(total_amount=Sum("amount"), top_win_rate=Max("win_rate"),
                  layer_rank=Max(_rank("layer", _LAYER_RANK, 0)),
                  action_rank=Min(conclusion_rank()))
    )
    return rows.order_by("-focus", f"-{column}" if sort.startswith("-") else column, "customer_code")


# A customer's projects in the summary: the deepest layer first, then the largest.
_PROJECT_ORDER = ("-layer_rank", "-amount", "code")


@dataclass
class SummaryRow:
    """One customer of the strategy summary, for a page (verdicts with reasons)."""

    customer_id: int
    code: str
    name: str
    owner_id: int | None
    publicity: Verdict
    value_class: Verdict
    focus: Verdict
    amount: Decimal
    projects: list[ProjectResult]


def summary_rows(region, as_of: dt.date, rows, user=None, *, manager: int | None = None,
                 targets=None) -> list[SummaryRow]:
    """The page's customers (rows of `strategy_summary`) with their reasons
    (stored with the customers' results) and their open projects judged in
    full: a handful of queries whatever the region's size."""
    rows = list(rows)
    ids = [r["customer_id"] for r in rows]
    reasons = dict(CustomerStanding.objects.filter(customer_id__in=ids).values_list("customer_id", "reasons"))
    project_ids = list(_summary_projects(region, user, manager).filter(customer_id__in=ids)
                       .annotate(layer_rank=_rank("layer", _LAYER_RANK, 0))
                       .order_by(*_PROJECT_ORDER).values_list("pk", flat=True))
    judged = projects_judged(region, as_of, project_ids, targets=targets)
    by_customer: dict[int, list[ProjectResult]] = defaultdict(list)
    for pk in project_ids:
        if pk in judged:
            by_customer[judged[pk].customer_id].append(judged[pk])
    return [_summary_row(r, reasons.get(r["customer_id"]) or {}, by_customer[r["customer_id"]]) for r in rows]


def _summary_row(r: dict, why: dict, projects: list[ProjectResult]) -> SummaryRow:
    publicity, value_class = r["publicity"], r["value_class"]
    if publicity is None:  # a customer the region's results have not reached yet
        focus = Verdict(False, "客户尚未分析", "")
        shown_publicity = Verdict(None, "客户尚未分析", "—")
    else:
        focus = crules.strategy_focus(value_class, publicity)
        shown_publicity = Verdict(publicity, why.get("publicity", ""), crules.PUBLICITY_LABELS[publicity])
    shown_class = Verdict(value_class, why.get("value_class", ""),
                          crules.VALUE_CLASS_LABELS[value_class] if value_class else crules.VALUE_PENDING_LABEL)
    return SummaryRow(customer_id=r["customer_id"], code=r["customer_code"], name=r["customer_name"],
                      owner_id=r["customer_owner"], publicity=shown_publicity, value_class=shown_class, focus=focus,
                      amount=r["total_amount"], projects=projects)


def summary_export(region, rows, user=None, *, manager: int | None = None) -> tuple[list[str], list[list]]:
    """The summary as a table, one line per open project, customers in the
    order of `rows` (all of them, not a page): stored values and their labels,
    two queries."""
    projects: dict[int, list[dict]] = defaultdict(list)
    for p in (_summary_projects(region, user, manager).annotate(layer_rank=_rank("layer", _LAYER_RANK, 0))
              .order_by(*_PROJECT_ORDER)
              .values("customer_id", "code", "win_rate", "amount", "layer", "overdue", "tactic", "conclusion",
                      name=F("project__name"))):
        projects[p["customer_id"]].append(p)
    headers = ["重点关注（巩固和投入）", "客户编码", "客户名称", "客户经理", "宣传接触状态", "客户群价值类别",
               "项目编码", "项目名称", "项目赢率 %", "项目金额（元）", "漏斗位置", "逾期", "战法", "结论动作"]
    table = []
    for r in rows:
        flagged = bool(r["focus"])
        publicity = crules.PUBLICITY_LABELS[r["publicity"]] if r["publicity"] else ""
        value_class = (crules.VALUE_CLASS_LABELS[r["value_class"]] if r["value_class"]
                       else str(crules.VALUE_PENDING_LABEL))
        for p in projects[r["customer_id"]]:
            table.append([flagged, r["customer_code"], r["customer_name"], r["manager_name"], publicity, value_class,
                          p["code"], p["name"], p["win_rate"], p["amount"], LAYER_LABELS[p["layer"]], p["overdue"],
                          TACTIC_LABELS[p["tactic"]], CONCLUSION_LABELS[p["conclusion"]]])
    return headers, table


NEEDS_NAMED_MAX = 50


def needs_unknown(region, user=None, *, limit: int = NEEDS_NAMED_MAX) -> tuple[int, int, list[dict]]:
    """是否清晰了解决策人、公司和产业的需求, in two queries whatever the
    region's size: (customers with an open project, those of them one of
    whose three needs is not written, the first `limit` of those — largest
    base-period revenue first — as rows with `<need>_written` and
    `open_projects` for the rule). A manager's: their own customers."""
    open_projects = Project.objects.filter(customer=OuterRef("pk"), status=Status.OPEN)
    customers = Customer.objects.filter(region=region).filter(Exists(open_projects))
    scope = permissions.owner_scope(user) if user is not None else None
    if scope is not None:
        customers = customers.filter(owner_id=scope)
    unwritten = csel.needs_unwritten()
    counts = customers.aggregate(total=Count("pk"), unknown=Count("pk", filter=unwritten))
    n_open = open_projects.order_by().values("customer").annotate(n=Count("pk")).values("n")
    written = csel.needs_written()
    named = list(customers.filter(unwritten).annotate(**written, open_projects=Subquery(n_open))
                 .order_by(F("standing__revenue").desc(nulls_last=True), "code")
                 .values("code", "name", "owner_id", "open_projects", *written)[:limit])
    return counts["total"], counts["unknown"], named


# --- editing: a customer's data, its owners, a customer's projects ---------------------------------


def customer_data_counts(customer) -> dict[str, int]:
    """How many contributions, contacts and projects refer to a customer (its
    code is fixed once any do: customers.rules.customer_code_editable)."""
    return {"contributions": customer.contributions.count(), "contacts": customer.contacts.count(),
            "projects": Project.objects.filter(customer=customer).count()}


def customer_owners(region) -> list:
    """Everybody who owns a customer of the region (a manager who has left
    it too), each with `n`, their number of customers, by name."""
    # the filter comes first, so the count is of the region's customers only
    return list(User.objects.filter(customers__region=region).annotate(n=Count("customers")).order_by("username"))


def open_projects_per_customer(customer_ids) -> dict[int, int]:
    rows = (Project.objects.filter(customer_id__in=list(customer_ids), status=Status.OPEN)
            .values("customer_id").annotate(n=Count("pk")).order_by())
    return {r["customer_id"]: r["n"] for r in rows}


def closed_projects(customer, user) -> list[Project]:
    """A customer's closed projects the user may see, latest first, with the competitor a lost one went to."""
    return list(Project.objects.visible_to(user).filter(customer=customer).exclude(status=Status.OPEN)
                .select_related("lost_to", "owner").order_by("-closed_at", "-updated_at", "code"))

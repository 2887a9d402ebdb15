"""Set-based reads of a region's projects for the funnel and the analysis."""

import datetime as dt
import functools
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum, TextField
from django.db.models.functions import Cast

from customers import selectors as csel
from customers.models import Customer, CustomerStanding, Product
from pipeline.analysis import HARE_RAT, ProjectAnalysis, ProjectResult, analyse_projects
from pipeline.models import EvidenceCriterion, Project, ProjectStanding, RevenueTarget, Status, WeeklySnapshot
from pipeline.rules import EVIDENCE, LAYER_LABELS, LAYERS
from teams import permissions
from teams.models import User
from tsm.lib import cache
from tsm.lib.jsonlists import parse_list


def open_project_rows(region, projects=None) -> list[dict]:
    qs = projects if projects is not None else Project.objects.filter(region=region)
    rows = list(
        qs.filter(status=Status.OPEN)
        .order_by()  # callers sort; a text sort of 20,000 codes is not free
        .values("id", "code", "name", "customer_id", "product_id", "owner_id", "amount", "expected_close",
                "status", "tariff_effect", "kill_degree", evidence_text=Cast("evidence", TextField()))
    )
    for row in rows:
        # Only the catalogue's codes count: a code typed into the admin that
        # is not E1–E12 must not stop the region's analysis.
        row["evidence"] = _known(parse_list(row.pop("evidence_text")))
    return rows


@functools.cache
def _known(codes: tuple) -> tuple:
    return tuple(code for code in codes if code in EVIDENCE)


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


def manager_revenue_targets(region, as_of: dt.date) -> dict[int, Decimal]:
    """Each manager's revenue target for the plan period containing `as_of`
    (the amount-class denominator), as planning handed it down; a half-year
    plan is more specific than the year's. Empty when no plan decomposes one."""
    year = str(as_of.year)
    half = f"{year}H{1 if as_of.month <= 6 else 2}"
    rows = (RevenueTarget.objects.filter(region=region, period__in=[year, half])
            .values("manager_id", "period").annotate(total=Sum("amount")).order_by())
    targets: dict[int, Decimal] = {}
    for row in sorted(rows, key=lambda r: len(r["period"])):
        targets[row["manager_id"]] = row["total"]
    return targets


# --- the project analysis of a region ----------------------------------------------------------------


def _key(region, version: int, as_of: dt.date) -> str:
    return cache.key("projects", region_pk=region.pk, version=version, as_of=as_of, thresholds=region.thresholds())


def project_analysis(region, as_of: dt.date) -> ProjectAnalysis:
    """The region's project analysis as of a date, kept under the data version
    it was computed for; it reads the customer floor's analysis for the value
    classes and the names."""
    return cache.get_or_compute(_key(region, region.data_version, as_of),
                                lambda: compute_project_analysis(region, as_of))


def _analyse(region, as_of, *, t, rows, targets, value_classes, contacts=None, project_ids=None) -> dict:
    """The rules of pipeline.analysis over `rows`: every open project of the
    region, or (project_ids) a few, whose customers' contacts are read here."""
    if contacts is None:
        contacts = csel.contact_rows(region, customer_ids={r["customer_id"] for r in rows})
    customer_contacts: dict[int, list[int]] = defaultdict(list)
    for c in contacts:
        customer_contacts[c["customer_id"]].append(c["id"])
    snapshots = recent_snapshots(region, as_of, max(t.stagnant_weeks, 2) + 1, project_ids=project_ids)
    return analyse_projects(
        projects=rows,
        value_classes=value_classes,
        owner_targets=targets,
        contact_roles={c["id"]: c["roles"] or [] for c in contacts},
        customer_contacts=customer_contacts,
        links=project_contact_links(region, project_ids=project_ids),
        snapshots=snapshots if project_ids is None else {pid: [] for pid in project_ids} | snapshots,
        as_of=as_of, t=t,
    )


def compute_project_analysis(region, as_of: dt.date, *, customers=None) -> ProjectAnalysis:
    customers = customers or csel.customer_analysis(region, as_of)
    targets = manager_revenue_targets(region, as_of)
    projects = _analyse(region, as_of, t=customers.thresholds, rows=open_project_rows(region), targets=targets,
                        value_classes=_value_classes(customers), contacts=customers.contacts)
    done = revenue_done(region, as_of) if targets else {}
    return ProjectAnalysis(customer_analysis=customers, projects=projects, targets=targets, year_to_date=done)


def _value_classes(customers) -> dict[int, str | None]:
    return {cid: r.value_class.value for cid, r in customers.customers.items()}


# --- the stored results: read in SQL, judged in full only for the rows shown ------------------------


def projects_judged(region, as_of: dt.date, project_ids, *, targets=None) -> dict[int, ProjectResult]:
    """The full verdicts (values, labels, reasons) of a few open projects —
    the rows a page shows — from their own data and their customers' stored
    value classes: a handful of queries whatever the region's size."""
    project_ids = list(project_ids)
    if not project_ids:
        return {}
    rows = open_project_rows(region, Project.objects.filter(pk__in=project_ids))
    value_classes = dict(CustomerStanding.objects.filter(customer_id__in={r["customer_id"] for r in rows})
                         .values_list("customer_id", "value_class"))
    if targets is None:
        targets = manager_revenue_targets(region, as_of)
    return _analyse(region, as_of, t=region.thresholds(), rows=rows, targets=targets,
                    value_classes=value_classes, project_ids=project_ids)


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
    rows = (qs.values("owner_id", "layer")
            .annotate(n=Count("pk"), amount=Sum("amount"), weighted=Sum("weighted"),
                      stuck=Count("pk", filter=Q(stagnant=True)))
            .order_by())
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


def revenue_done(region, as_of: dt.date) -> dict[int, Decimal]:
    """What each manager's customers have brought in this year (the coverage's "met")."""
    return csel.revenue_by_owner(region, dt.date(as_of.year, 1, 1), as_of)


def names_of(projects) -> dict:
    """The customer and product names of the projects a page shows (two small queries)."""
    customer_ids = {p.customer_id for p in projects}
    product_ids = {p.product_id for p in projects}
    return {
        "customer_names": dict(Customer.objects.filter(pk__in=customer_ids).values_list("pk", "name")),
        "product_names": dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "name")),
    }


def hare_rat_counts(qs) -> dict[int, tuple[int, int]]:
    """Per owner: (open projects, those on a customer judged 野兔 or 硕鼠)."""
    rows = qs.values("owner_id").annotate(
        total=Count("pk"), on=Count("pk", filter=Q(customer__standing__contribution_class__in=HARE_RAT))).order_by()
    return {r["owner_id"]: (r["total"], r["on"]) for r in rows}


def coverage_counts(qs) -> list[int]:
    """Open projects at each role coverage 0–5."""
    counts = dict(qs.values_list("coverage").annotate(n=Count("pk")).order_by())
    return [counts.get(k, 0) for k in range(6)]


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

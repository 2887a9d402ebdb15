"""绩效分析 (DOMAIN §3.1): actual vs target per product and per account
manager, as of a date, for a plan period — 欠缺 (< 100 %), 完成 (100–110 %),
超越 (≥ 110 %) by planning.rules.performance.

Both sides cover the same months, **to date**: the full months of the plan
period before the month of the as-of date (a plan whose period is over: all
its months). The target is the plan's revenue target decomposition
(TargetPart, planning.revenue) summed over those months — by product (a part
of the by-project table counts for its project's product) and by manager;
the actual is the revenue of the region's customers on that product, and of
that manager's customers, over the same months. A plan not begun yet has no
month to date: no row is judged, the page says so.

The decomposition read is the plan's live one: while a revision is drafted
over an approved plan, these are the revision's figures (marked 草稿), where
the amount class keeps the approved plan's per-manager targets."""

import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from customers import selectors as csel
from customers.models import Product
from pipeline import selectors as psel
from pipeline.rules import plan_period_bounds
from planning import rules
from planning.models import Plan, PlanStatus, TargetFamily, TargetPart
from planning.services import REVENUE_TARGET_NAME
from teams.models import User
from tsm.lib.periods import add_months, month_label, month_start

RATIO = Decimal("0.0001")
CENT = Decimal("0.01")  # money in the rows: to the fen, whatever the database returns


def months_to_date(plan, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """(first month, the month after the last counted): the plan period's
    full months before the as-of date's month; empty when first == after."""
    start, end = plan_period_bounds(plan.period)
    after = min(month_start(as_of), add_months(month_start(end), 1))
    return start, max(start, after)


def performance(plan, as_of: dt.date, *, owner: int | None = None) -> dict:
    """{"by_product": [row…], "by_manager": [row…], "from", "to", "draft"},
    each row {"code", "name", "actual", "target", "ratio", "verdict", "label",
    "reason"} (money and ratio as decimal strings, ratio = actual ÷ target
    rounded down to 4 places, None without a target); "from"/"to" the first
    and last month counted ('YYYY-MM', None when no month of the period has
    ended); `owner` narrows both tables to one manager's own part (a
    manager's view). About six queries."""
    start, after = months_to_date(plan, as_of)
    t = plan.region.thresholds()
    draft = plan.status != PlanStatus.APPROVED
    if after <= start:
        return {"by_product": [], "by_manager": [], "from": None, "to": None, "draft": draft}
    parts = (TargetPart.objects.filter(target__plan=plan, target__family=TargetFamily.FINANCE,
                                       month__gte=start, month__lt=after)
             .filter(Q(target__name=REVENUE_TARGET_NAME) | Q(target__indicator__name=REVENUE_TARGET_NAME)))
    if owner is not None:
        parts = parts.filter(manager_id=owner)
    cells = (parts.annotate(item=Coalesce(F("product_id"), F("project__product_id")))
             .values("manager_id", "item").annotate(total=Sum("amount")).order_by())
    by_product: dict[int, Decimal] = {}
    by_manager: dict[int, Decimal] = {}
    for c in cells:
        if c["item"] is not None:
            by_product[c["item"]] = by_product.get(c["item"], Decimal("0")) + c["total"]
        if c["manager_id"] is not None:
            by_manager[c["manager_id"]] = by_manager.get(c["manager_id"], Decimal("0")) + c["total"]
    product_actual = csel.revenue_by_product(plan.region, start, after, owner=owner)
    manager_actual = csel.revenue_by_owner(plan.region, start, after)
    if owner is not None:
        manager_actual = {m: a for m, a in manager_actual.items() if m == owner}
    products = {p.pk: (p.code, p.name) for p in Product.objects.filter(pk__in=by_product.keys() | product_actual.keys())}
    managers = {u.pk: (u.username, str(u)) for u in User.objects.filter(pk__in=by_manager.keys() | manager_actual.keys())}
    return {
        "by_product": _rows(products, by_product, product_actual, t),
        "by_manager": _rows(managers, by_manager, manager_actual, t),
        "from": month_label(start), "to": month_label(add_months(after, -1)), "draft": draft,
    }


def _rows(names: dict, targets: dict, actuals: dict, t) -> list[dict]:
    rows = []
    for pk, (code, name) in sorted(names.items(), key=lambda item: item[1][0]):
        target = targets.get(pk)
        actual = actuals.get(pk, Decimal("0"))
        verdict = rules.performance(actual, target, t=t)
        rows.append({
            "code": code, "name": name, "actual": str(actual.quantize(CENT)),
            "target": None if target is None else str(target.quantize(CENT)),
            "ratio": str((actual / target).quantize(RATIO, ROUND_FLOOR)) if target else None,
            "verdict": verdict.value, "label": str(verdict.label), "reason": verdict.reason,
        })
    return rows


def current_plan(region, as_of: dt.date) -> Plan | None:
    """The plan 绩效 is shown for: the one whose targets the amount class
    reads (pipeline.rules.revenue_target_choice: containing the date, the
    shortest, else the next period's)."""
    chosen = psel.revenue_targets(region, as_of).chosen
    if chosen is None:
        return None
    plan = Plan.objects.filter(region=region, period=chosen.period).first()
    if plan is not None:
        plan.region = region
    return plan

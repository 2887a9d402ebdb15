"""The region's revenue target and its decomposition (DOMAIN §6.1): reads
and writes of the 收入目标分解 page.

The total is the 财务贡献 target on 区域整体资费贡献 (mirrored in
Plan.revenue_target); the executive sets it, the director proposes one while
none is set. Its decomposition is one table of TargetPart cells — rows by
(manager, product) or by (manager, project), columns the plan's months —
saved a row at a time: each row save replaces that row's cells in one
transaction under the plan's row lock, so two directors saving different
rows both land, and hands the managers' totals down to pipeline. A manager
signs a digest of their own cells; a changed cell changes the digest, which
voids the signature."""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contribution, Product
from pipeline.models import Project, ProjectStanding, RevenueTarget
from pipeline.choices import Status
from planning import notify, rules, split
from planning.models import Plan, PlanStatus, Target, TargetFamily, TargetPart, TargetSignoff
from planning.services import REVENUE_TARGET_NAME, revenue_targets_hand_down
from teams.models import User
from tsm.lib.periods import base_period, month_label

MODES = {"product": "按产品（市场、产品）", "project": "按项目（项目、产品）"}
MAX_AMOUNT = Decimal("99999999999999.99")


# --- the total ------------------------------------------------------------------------------------------


def revenue_target(plan: Plan) -> Target | None:
    return (Target.objects.filter(plan=plan, family=TargetFamily.FINANCE)
            .filter(Q(name=REVENUE_TARGET_NAME) | Q(indicator__name=REVENUE_TARGET_NAME)).order_by("pk").first())


def parse_money(value, what: str, *, required: bool = True) -> Decimal | None:
    """An amount in 元 as typed (commas allowed): not negative, at most two decimals."""
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        if required:
            raise ValidationError(_("请填写%(what)s") % {"what": what})
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("%(what)s“%(value)s”不是数字") % {"what": what, "value": value}) from None
    if not amount.is_finite():
        raise ValidationError(_("%(what)s“%(value)s”不是数字") % {"what": what, "value": value})
    if amount < 0:
        raise ValidationError(_("%(what)s不能为负数：%(text)s") % {"what": what, "text": text})
    if amount != amount.quantize(split.FEN):
        raise ValidationError(_("%(what)s最多两位小数（到分）：%(text)s") % {"what": what, "text": text})
    if amount > MAX_AMOUNT:
        raise ValidationError(_("%(what)s过大：%(text)s") % {"what": what, "text": text})
    return amount


def total_set(*, plan: Plan, value) -> Target:
    """The executive sets (or changes, or adopts the proposed) total."""
    amount = parse_money(value, _("区域整体资费贡献总目标"))
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
            raise ValidationError(_("计划 %(period)s %(status)s，总目标不能再修改") % {
                "period": plan.period, "status": PlanStatus(plan.status).label})
        target = revenue_target(plan)
        if target is None:
            target = Target.objects.create(plan=plan, family=TargetFamily.FINANCE, name=REVENUE_TARGET_NAME,
                                           value=amount, unit="元")
        else:
            Target.objects.filter(pk=target.pk).update(value=amount)
            target.value = amount
        Plan.objects.filter(pk=plan.pk).update(revenue_target=amount, updated_at=timezone.now())
        plan.region.touch()
    return target


def total_propose(*, plan: Plan, value) -> Decimal:
    """The director's 建议 while no total is set."""
    amount = parse_money(value, _("建议总目标"))
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
            raise ValidationError(_("计划 %(period)s %(status)s，总目标不能再修改") % {
                "period": plan.period, "status": PlanStatus(plan.status).label})
        if revenue_target(plan) is not None:
            raise ValidationError(_("公司领导已设定总目标，不再提建议"))
        Plan.objects.filter(pk=plan.pk).update(revenue_proposal=amount, updated_at=timezone.now())
    return amount


# --- the suggested split --------------------------------------------------------------------------------


def suggested_split(plan: Plan, mode: str, total: Decimal) -> dict:
    """{(manager_id, product_id | project_id, month): amount} of the suggestion;
    raises split.NoBasis (its message says what is missing)."""
    months = split.plan_months(plan.period)
    if mode == "product":
        period = base_period(plan.as_of)
        rows = (Contribution.objects.filter(region=plan.region, month__gte=period.start, month__lte=period.end,
                                            customer__owner__isnull=False)
                .values("customer__owner_id", "product_id", "month").annotate(revenue=Sum("revenue")).order_by())
        base = [(r["customer__owner_id"], r["product_id"], r["month"], r["revenue"]) for r in rows]
        parts = split.by_product(total, months, _coded(base))
        return {(p.manager[1], p.product[1], p.month): a for p, a in parts.items()}
    standings = dict(ProjectStanding.objects.filter(region=plan.region).values_list("project_id", "win_rate"))
    projects = Project.objects.filter(region=plan.region, status=Status.OPEN).values(
        "pk", "code", "owner_id", "owner__username", "expected_close", "amount")
    rows = [((p["owner__username"], p["owner_id"]), (p["code"], p["pk"]), p["expected_close"], p["amount"],
             standings.get(p["pk"], 0)) for p in projects]
    parts = split.by_project(total, months, rows)
    return {(p.manager[1], p.project[1], p.month): a for p, a in parts.items()}


def _coded(base):
    """Rows keyed by (code, pk): the tie rule's 'lower code' compares the codes."""
    users = dict(User.objects.filter(pk__in={b[0] for b in base}).values_list("pk", "username"))
    products = dict(Product.objects.filter(pk__in={b[1] for b in base}).values_list("pk", "code"))
    return [((users[m], m), (products[p], p), month, revenue) for m, p, month, revenue in base]


# --- the grid -------------------------------------------------------------------------------------------


@dataclass
class Row:
    manager: User
    item_id: int  # product or project
    item_code: str
    item_name: str
    cells: list  # [(month, amount | None)] in the plan's months
    suggested: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((a for _, a in self.cells if isinstance(a, Decimal)), Decimal("0.00"))

    @property
    def suggested_total(self) -> Decimal | None:
        amounts = [a for _, a in self.suggested if a is not None]
        return sum(amounts, Decimal("0.00")) if amounts else None


@dataclass
class Decomposition:
    plan: Plan
    mode: str
    months: list
    target: Target | None
    rows: list
    suggestion_error: str = ""
    signatures: dict = field(default_factory=dict)  # manager -> (state, signoff | None)
    handed: dict = field(default_factory=dict)  # manager id -> pipeline's RevenueTarget (amount, draft)

    @property
    def total(self) -> Decimal | None:
        return self.target.value if self.target else None

    @property
    def parts_sum(self) -> Decimal:
        return sum((r.total for r in self.rows), Decimal("0.00"))

    @property
    def off(self) -> Decimal | None:
        return None if self.total is None else self.parts_sum - self.total

    def by_manager(self) -> list[tuple[User, Decimal, RevenueTarget | None]]:
        """Each manager's sum, and the revenue target pipeline holds for them (草稿 while the plan is not approved)."""
        sums: dict = {}
        for r in self.rows:
            sums[r.manager] = sums.get(r.manager, Decimal("0.00")) + r.total
        return [(m, amount, self.handed.get(m.pk)) for m, amount in sorted(sums.items(), key=lambda kv: kv[0].username)]

    def by_month(self) -> list[tuple[dt.date, Decimal]]:
        return [(m, sum((r.cells[i][1] or Decimal(0) for r in self.rows), Decimal("0.00")))
                for i, m in enumerate(self.months)]

    def blockers(self) -> list[tuple[str, str]]:
        return rules.split_blockers(total=self.total, parts_sum=self.parts_sum,
                                    signatures={m.display_name or m.username: s
                                                for m, (s, _) in self.signatures.items()})


def mode_of(target: Target | None, asked: str | None) -> str:
    """The table in use: the one the parts are in, else the one asked for (by product by default)."""
    if target is not None:
        part = TargetPart.objects.filter(target=target).order_by("pk").first()
        if part is not None:
            return "project" if part.project_id else "product"
    return asked if asked in MODES else "product"


def _parts(target, manager_id=None):
    qs = TargetPart.objects.filter(target=target)
    if manager_id is not None:
        qs = qs.filter(manager_id=manager_id)
    return qs


def digest(target: Target | None, manager_id: int) -> str:
    """sha256 of a manager's parts' values, in a fixed order."""
    lines = []
    if target is not None:
        for p in _parts(target, manager_id).values("product__code", "project__code", "month", "amount"):
            item = f"P:{p['product__code']}" if p["product__code"] else f"J:{p['project__code']}"
            lines.append(f"{item}|{month_label(p['month'])}|{p['amount']:.2f}")
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def decomposition(plan: Plan, *, mode: str | None = None, manager_id: int | None = None,
                  with_suggestion: bool = True) -> Decomposition:
    """The grid: the parts' rows, plus the suggestion's rows not yet in it
    (empty cells); only `manager_id`'s rows when given (a manager's view)."""
    target = revenue_target(plan)
    mode = mode_of(target, mode)
    months = split.plan_months(plan.period)
    index = {m: i for i, m in enumerate(months)}
    item = "project" if mode == "project" else "product"
    rows: dict = {}

    def row(manager_id, item_id):
        key = (manager_id, item_id)
        if key not in rows:
            rows[key] = [[None] * len(months), [None] * len(months)]
        return rows[key]

    if target is not None:
        for p in _parts(target, manager_id).exclude(**{f"{item}__isnull": True}):
            if p.month in index:
                cells = row(p.manager_id, getattr(p, f"{item}_id"))[0]
                cells[index[p.month]] = (cells[index[p.month]] or Decimal(0)) + p.amount
    error = ""
    if with_suggestion and target is not None:
        try:
            for (m, i, month), amount in suggested_split(plan, mode, target.value).items():
                if manager_id is None or m == manager_id:
                    row(m, i)[1][index[month]] = amount
        except (split.NoBasis, ValueError) as e:
            error = str(e)
    elif target is None:
        error = _("总目标尚未设定，设定后才有建议分解")
    users = {u.pk: u for u in User.objects.filter(pk__in={k[0] for k in rows})}
    model = Project if mode == "project" else Product
    items = {o.pk: o for o in model.objects.filter(pk__in={k[1] for k in rows})}
    out = [Row(manager=users[m], item_id=i, item_code=items[i].code, item_name=items[i].name,
               cells=list(zip(months, cells)), suggested=list(zip(months, sugg)))
           for (m, i), (cells, sugg) in rows.items()]
    out.sort(key=lambda r: (r.manager.username, r.item_code))
    result = Decomposition(plan=plan, mode=mode, months=months, target=target, rows=out, suggestion_error=error)
    result.signatures = signatures(plan, target, manager_id=manager_id)
    handed = RevenueTarget.objects.filter(region=plan.region, period=plan.period)
    if manager_id is not None:
        handed = handed.filter(manager_id=manager_id)
    result.handed = {t.manager_id: t for t in handed}
    return result


def signatures(plan: Plan, target: Target | None, *, manager_id: int | None = None) -> dict:
    """Each manager with parts -> ('valid' | 'void' | 'missing', signoff)."""
    if target is None:
        return {}
    ids = set(_parts(target, manager_id).exclude(manager=None).values_list("manager_id", flat=True))
    signed = {s.manager_id: s for s in TargetSignoff.objects.filter(plan=plan, manager_id__in=ids)}
    out = {}
    for user in User.objects.filter(pk__in=ids).order_by("username"):
        s = signed.get(user.pk)
        state = "missing" if s is None else ("valid" if s.digest == digest(target, user.pk) else "void")
        out[user] = (state, s)
    return out


# --- writes ---------------------------------------------------------------------------------------------


def _locked(plan: Plan) -> tuple[Plan, Target]:
    plan = Plan.objects.select_for_update().select_related("region").get(pk=plan.pk)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ValidationError(_("计划 %(period)s %(status)s，目标分解不能再修改") % {
            "period": plan.period, "status": PlanStatus(plan.status).label})
    target = revenue_target(plan)
    if target is None:
        raise ValidationError(_("公司领导尚未设定总目标，请先设定（或提出建议）后再分解"))
    return plan, target


def row_save(*, plan: Plan, mode: str, manager: User, item_id: int, values: dict[str, str]) -> list[TargetPart]:
    """One row of the grid: its cells replace the row's stored ones (blank: no
    part). Every cell is checked first; a bad one names its row and month and
    nothing is written."""
    if mode not in MODES:
        raise ValidationError(_("未知的分解方式“%(mode)s”") % {"mode": mode})
    months = split.plan_months(plan.period)
    if mode == "project":
        item = Project.objects.filter(region=plan.region, pk=item_id).first()
        if item is None:
            raise ValidationError(_("该项目不属于本区域"))
        if item.owner_id != manager.pk:
            raise ValidationError(_("项目 %(code)s 的负责人不是 %(manager)s") % {
                "code": item.code, "manager": manager.display_name or manager.username})
    else:
        item = Product.objects.filter(pk=item_id).first()
        if item is None:
            raise ValidationError(_("未知的产品"))
    if not plan.region.members.filter(pk=manager.pk).exists():
        raise ValidationError(_("该客户经理不属于本区域"))
    where = f"{manager.display_name or manager.username} · {item.code}"
    amounts = {}
    for month in months:
        label = month_label(month)
        amount = parse_money(values.get(label), _("%(where)s %(month)s 的目标") % {"where": where, "month": label},
                             required=False)
        if amount is not None:
            amounts[month] = amount
    with transaction.atomic():
        plan, target = _locked(plan)
        if mode_of(target, mode) != mode:
            raise ValidationError(_("本计划已%(stored)s分解，不能再%(mode)s保存") % {
                "stored": MODES[mode_of(target, mode)], "mode": MODES[mode]})
        valid = _valid_signatures(plan, target)
        _parts(target, manager.pk).filter(**{mode: item}).delete()
        parts = TargetPart.objects.bulk_create(
            TargetPart(target=target, manager=manager, month=month, amount=amount, **{mode: item})
            for month, amount in amounts.items())
        revenue_targets_hand_down(plan=plan)
        _tell_voided(plan, target, valid)
    return parts


def suggestion_adopt(*, plan: Plan, mode: str) -> int:
    """采用建议分解: the suggested split replaces every part."""
    if mode not in MODES:
        raise ValidationError(_("未知的分解方式“%(mode)s”") % {"mode": mode})
    with transaction.atomic():
        plan, target = _locked(plan)
        try:
            suggestion = suggested_split(plan, mode, target.value)
        except split.NoBasis as e:
            raise ValidationError(str(e)) from None
        valid = _valid_signatures(plan, target)
        TargetPart.objects.filter(target=target).delete()
        TargetPart.objects.bulk_create(
            TargetPart(target=target, manager_id=m, month=month, amount=amount, **{f"{mode}_id": i})
            for (m, i, month), amount in suggestion.items())
        revenue_targets_hand_down(plan=plan)
        _tell_voided(plan, target, valid)
    return len(suggestion)


def _valid_signatures(plan: Plan, target: Target) -> list[TargetSignoff]:
    return [s for s in TargetSignoff.objects.filter(plan=plan).select_related("manager")
            if s.digest == digest(target, s.manager_id)]


def _tell_voided(plan: Plan, target: Target, valid: list[TargetSignoff]) -> None:
    """Mail each manager whose valid signature this change voided (planning.notify)."""
    notify.signatures_voided(plan, [s.manager for s in valid if s.digest != digest(target, s.manager_id)])


def sign(*, plan: Plan, manager: User) -> TargetSignoff:
    """签字画押: the manager confirms their own parts as they are now."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        target = revenue_target(plan)
        if target is None or not _parts(target, manager.pk).exists():
            raise ValidationError(_("您在本计划中还没有分解目标，无需签字"))
        TargetSignoff.objects.filter(plan=plan, manager=manager).delete()
        return TargetSignoff.objects.create(plan=plan, manager=manager, digest=digest(target, manager.pk))

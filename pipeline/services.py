"""Writes to projects, and to a customer's account manager (its open
projects follow it): keyword-only, validated, in a transaction, and each
marks the region's data as changed (cached analyses are keyed on it).

A project form and a customer form carry their version (STYLE.md): a save
read before someone else's is refused (StaleEdit) naming what changed. An
evidence tick is one value and never refused, nor does it move the version.
The services that write a project or a customer's owner judge its stored
results again once their transaction is done (pipeline.standings)."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import services as cservices
from customers.models import Competitor, Contact, Customer, Product
from pipeline import rules
from pipeline.models import KillDegree, Project, Status, TariffEffect
from pipeline.rules import EVIDENCE
from pipeline.standings import customer_changed, project_standings_rejudge
from teams import permissions
from teams.models import User
from tsm.lib.numbers import fmt_money
from tsm.lib.versions import StaleEdit, update_at_version, what_changed


def project_evidence_toggle(*, project: Project, code: str, ticked: bool, user) -> Project:
    """Tick or untick one win-rate criterion; the win rate follows from them.

    An atomic change of that one value, never refused for a version: someone
    ticking another box of the same project meanwhile keeps their tick."""
    _check_codes({code})
    return _evidence_change(project, add={code} if ticked else set(), remove=set() if ticked else {code})


def project_evidence_apply(*, project: Project, shown: list[str], chosen: list[str], user) -> Project:
    """The evidence form without JavaScript: it showed `shown` ticked and the
    user left `chosen` ticked. Only the difference is applied, so a box
    ticked or unticked meanwhile by someone else, which this form did not
    show changing, stays as they left it."""
    shown, chosen = set(shown), set(chosen)
    _check_codes(shown | chosen)
    return _evidence_change(project, add=chosen - shown, remove=shown - chosen)


def _check_codes(codes: set[str]) -> None:
    unknown = sorted(codes - EVIDENCE.keys())
    if unknown:
        raise ValidationError(_("未知的证据代码：%(codes)s（应为 E1–E12）") % {"codes": "、".join(unknown)})


def _evidence_change(project: Project, *, add: set[str], remove: set[str]) -> Project:
    with transaction.atomic():
        # Read, change and write under the row lock: a concurrent change waits
        # here and then reads this one's result instead of overwriting it.
        row = Project.objects.select_for_update().only("status", "evidence").get(pk=project.pk)
        if row.status != Status.OPEN:
            raise ValidationError(_("项目已%(status)s，不能再修改证据") % {"status": row.get_status_display()})
        current = row.evidence if isinstance(row.evidence, list) else []
        # The catalogue's order, each code once; a stray code typed into the
        # admin (not E1–E12) goes with the first change.
        evidence = [code for code in EVIDENCE if code in (set(current) | add) - remove]
        if evidence != current:
            # Only the evidence column: a form's version of the project does not move.
            Project.objects.filter(pk=project.pk).update(evidence=evidence)
            project.region.touch()
    project.evidence = evidence
    return project


# --- a customer's account manager: its open projects follow -------------------------------------------
# Here, not on the customer floor: the projects are this floor's. The record
# itself is written by customers.services in the same transaction.


def _projects_follow(owners: Mapping[int, int]) -> list[int]:
    """Give each customer's open projects ({customer id: new owner id}) to its
    new account manager; closed projects keep the owner they were closed
    with. A project's owner is a field of its form, so its version moves."""
    moved, now = [], timezone.now()
    by_owner = defaultdict(list)
    for customer_id, owner_id in owners.items():
        by_owner[owner_id].append(customer_id)
    for owner_id, customer_ids in by_owner.items():
        projects = (Project.objects.filter(customer_id__in=customer_ids, status=Status.OPEN)
                    .exclude(owner_id=owner_id))
        ids = list(projects.values_list("pk", flat=True))
        Project.objects.filter(pk__in=ids, status=Status.OPEN).update(
            owner_id=owner_id, version=F("version") + 1, updated_at=now)
        moved += ids
    return moved


def customer_edit(*, customer: Customer, version: int, seen: Mapping | None = None, code: str, name: str,
                  industry: str = "", owner, move_projects: bool = True) -> list[int]:
    """Save a customer's record (customers.services.customer_save: versioned,
    the code fixed once it has data) and, when its account manager changes
    and `move_projects`, give its open projects to the new one — in one
    transaction. Then its stored results (its own and its projects') are
    judged again. Returns the ids of the projects moved."""
    region = customer.region
    with transaction.atomic():
        before = customer.owner_id
        cservices.customer_save(customer=customer, version=version, seen=seen, code=code, name=name,
                                industry=industry, owner=owner,
                                projects=Project.objects.filter(customer=customer).count())
        moved = []
        if move_projects and customer.owner_id != before:
            moved = _projects_follow({customer.pk: customer.owner_id})
    customer_changed(region=region, customer_ids=[customer.pk])
    return moved


@dataclass(frozen=True)
class Handover:
    customers: int  # customers handed over
    projects: int  # open projects that followed them
    left_open: int  # open projects the departing manager still owns afterwards


def customers_hand_over(*, region, departing, targets: Mapping[int, User], move_projects: bool = True) -> Handover:
    """移交客户: every customer of `departing` in the region goes to the
    manager `targets` names for it ({customer id: manager}), in one
    transaction; their open projects follow unless `move_projects` is off.

    `targets` names the customers the form listed. If the departing
    manager's customers are no longer those (one was moved or added
    meanwhile), nothing is written and StaleEdit names the difference."""
    errors = []
    for manager in {m.pk: m for m in targets.values()}.values():
        if manager.pk == departing.pk:
            errors.append(_("不能移交给 %(name)s 本人") % {"name": departing})
        elif error := cservices.region_manager_error(manager, region):
            errors.append(error)
    if not targets:
        errors.append(_("%(name)s 在本区域没有客户，无需移交") % {"name": departing})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        held = {c.pk: c for c in Customer.objects.select_for_update().filter(region=region, owner=departing)
                .order_by("pk")}
        listed = set(targets)
        if held.keys() != listed:
            raise StaleEdit(_handover_changes(departing, held, listed))
        by_manager = defaultdict(list)
        for customer_id, manager in targets.items():
            by_manager[manager.pk].append(customer_id)
        for manager_id, ids in by_manager.items():
            Customer.objects.filter(pk__in=ids, owner=departing).update(owner_id=manager_id, version=F("version") + 1)
        moved = _projects_follow({pk: m.pk for pk, m in targets.items()}) if move_projects else []
        region.touch()
    customer_changed(region=region, customer_ids=list(targets))
    left = Project.objects.filter(region=region, owner=departing, status=Status.OPEN).count()
    return Handover(customers=len(targets), projects=len(moved), left_open=left)


def _handover_changes(departing, held: dict, listed: set) -> list[tuple[str, str]]:
    """What changed in the departing manager's customers since the form listed them."""
    changes = []
    for customer in Customer.objects.filter(pk__in=listed - held.keys()).select_related("owner").order_by("code"):
        changes.append((_("客户“%(name)s”的客户经理") % {"name": customer.name},
                        " " + str(customer.owner or _("（未分配）"))))
    for pk in sorted(held.keys() - listed, key=lambda pk: held[pk].code):
        changes.append((_("客户“%(name)s”的客户经理") % {"name": held[pk].name},
                        " " + _("%(name)s（列出名单之后才分配给他）") % {"name": departing}))
    return changes


# --- projects: created, edited, closed without a workbook -----------------------------------------------

CLOSED = (Status.WON, Status.LOST, Status.ABANDONED)


def _pk(value):
    """A form's value as the database holds it: a record by its id, a set of records by their ids."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (models.QuerySet, list, tuple, set, frozenset)):
        return frozenset(v.pk if isinstance(v, models.Model) else v for v in value)
    return value


def _project_checked(*, region, project: Project | None, by, code: str, name: str, customer: Customer, product,
                     owner, amount: Decimal, expected_close, tariff_effect: str, kill_degree: str,
                     competitors, contacts) -> dict:
    """The project's values, or ValidationError naming every bad field. `by`
    is who saves it: a manager adds projects to their own customers only and
    never hands a project to someone else (the director does)."""
    code, name = (code or "").strip(), (name or "").strip()
    competitors, contacts = list(competitors or ()), list(contacts or ())
    errors = {}
    if error := cservices.code_errors(code, _("项目")):
        errors["code"] = error
    elif taken := Project.objects.filter(region=region, code=code).exclude(pk=getattr(project, "pk", None)).first():
        errors["code"] = _("本区域已有编码为“%(code)s”的项目：%(name)s") % {"code": code, "name": taken.name}
    elif project is not None and code != project.code:
        verdict = rules.project_code_editable(evidence=len(project.evidence or []),
                                              snapshots=project.snapshots.count())
        if not verdict.value:
            errors["code"] = verdict.reason
    if not name:
        errors["name"] = _("请填写项目名称")
    elif len(name) > 200:
        errors["name"] = _("项目名称最多 200 个字")
    if customer is None:
        errors["customer"] = _("请选择客户")
    elif customer.region_id != region.pk:
        errors["customer"] = _("客户“%(name)s”不属于本区域") % {"name": customer.name}
    elif by is not None and not (project is not None and customer.pk == project.customer_id) \
            and not permissions.can_add_project(by, customer):
        errors["customer"] = _("只能为自己负责的客户建项目：“%(name)s”由 %(owner)s 负责") % {
            "name": customer.name, "owner": customer.owner or _("（未分配）")}
    if product is None:
        errors["product"] = _("请选择产品")
    keeps_owner = project is not None and owner is not None and owner.pk == project.owner_id
    if not keeps_owner:
        if by is not None and permissions.is_manager(by) and getattr(owner, "pk", None) != by.pk:
            errors["owner"] = _("客户经理不能把项目交给他人负责，请大客户部主任调整")
        elif error := cservices.region_manager_error(owner, region):
            errors["owner"] = error
    if amount is None:
        errors["amount"] = _("请填写项目金额")
    elif amount < 0:
        errors["amount"] = _("项目金额不能为负数（现为 %(amount)s）") % {"amount": amount}
    if expected_close is None:
        errors["expected_close"] = _("请填写预计签约日期")
    if tariff_effect not in TariffEffect.values:
        errors["tariff_effect"] = _("未知的资费影响“%(value)s”") % {"value": tariff_effect}
    if kill_degree not in KillDegree.values:
        errors["kill_degree"] = _("未知的杀伤度“%(value)s”") % {"value": kill_degree}
    if strangers := [c.name for c in competitors if c.region_id != region.pk]:
        errors["competitors"] = _("竞争对手不属于本区域：%(names)s") % {"names": "、".join(strangers)}
    if customer is not None and (strangers := [k.name for k in contacts if k.customer_id != customer.pk]):
        errors["contacts"] = _("联系人不属于客户“%(customer)s”：%(names)s") % {
            "customer": customer.name, "names": "、".join(strangers)}
    if errors:
        raise ValidationError(errors)
    return {"code": code, "name": name, "customer": customer, "product": product, "owner": owner,
            "amount": amount, "expected_close": expected_close, "tariff_effect": tariff_effect,
            "kill_degree": kill_degree, "competitors": competitors, "contacts": contacts}


def project_create(*, region, by=None, code: str, name: str, customer: Customer, product, owner,
                   amount: Decimal, expected_close, tariff_effect: str, kill_degree: str, competitors=(),
                   contacts=()) -> Project:
    """A new open project, judged at once into the funnel."""
    values = _project_checked(region=region, project=None, by=by, code=code, name=name, customer=customer,
                              product=product, owner=owner, amount=amount, expected_close=expected_close,
                              tariff_effect=tariff_effect, kill_degree=kill_degree, competitors=competitors,
                              contacts=contacts)
    links = {"competitors": values.pop("competitors"), "contacts": values.pop("contacts")}
    try:
        with transaction.atomic():
            project = Project.objects.create(region=region, status=Status.OPEN, **values)
            project.competitors.set(links["competitors"])
            project.contacts.set(links["contacts"])
            region.touch()
    except IntegrityError:
        raise ValidationError({"code": _("本区域已有编码为“%(code)s”的项目") % {"code": values["code"]}}) from None
    project_standings_rejudge(region=region, project_ids=[project.pk])
    return project


def _project_now(project: Project) -> tuple[Project, dict]:
    now = Project.objects.get(pk=project.pk)
    values = {f: getattr(now, f"{f}_id") for f in ("customer", "product", "owner", "lost_to")}
    values |= {f: getattr(now, f) for f in ("code", "name", "amount", "expected_close", "tariff_effect",
                                              "kill_degree", "status", "close_reason")}
    values |= {"competitors": frozenset(now.competitors.values_list("pk", flat=True)),
               "contacts": frozenset(now.contacts.values_list("pk", flat=True))}
    return now, values


def _names(model, attribute="name"):
    def show(value):
        ids = value if isinstance(value, frozenset) else {value}
        return "、".join(str(o) if attribute is None else getattr(o, attribute)
                        for o in model.objects.filter(pk__in=ids).order_by("pk"))
    return show


def _project_show() -> dict:
    return {"customer": _names(Customer), "product": _names(Product), "owner": _names(User, None),
            "competitors": _names(Competitor), "contacts": _names(Contact), "lost_to": _names(Competitor),
            "tariff_effect": lambda v: str(TariffEffect(v).label) if v in TariffEffect.values else v,
            "kill_degree": lambda v: str(KillDegree(v).label) if v in KillDegree.values else v,
            "expected_close": lambda day: day.isoformat(), "amount": fmt_money}


def _project_stale(project: Project, fields, seen: Mapping) -> StaleEdit:
    """The refusal of a project save read before someone else's: each field
    whose value is no longer the one the form showed, and its status first
    if it was closed meanwhile."""
    now, values = _project_now(project)
    labels = [(name, Project._meta.get_field(name).verbose_name) for name in fields]
    changes = what_changed(labels, {k: _pk(v) for k, v in seen.items()}, values, show=_project_show())
    if now.status != Status.OPEN:
        changes.insert(0, (str(Project._meta.get_field("status").verbose_name), " " + now.get_status_display()))
    return StaleEdit(changes)


def project_save(*, project: Project, version: int, seen: Mapping | None = None, by=None, code: str, name: str,
                 customer: Customer, product, owner, amount: Decimal, expected_close, tariff_effect: str,
                 kill_degree: str, competitors=(), contacts=()) -> Project:
    """Change an open project if nobody saved, closed or handed it over
    since its form was read at `version` (Project.version); an evidence tick
    meanwhile does not count (it never moves the version). Its stored result
    is judged again."""
    region = project.region
    values = _project_checked(region=region, project=project, by=by, code=code, name=name, customer=customer,
                              product=product, owner=owner, amount=amount, expected_close=expected_close,
                              tariff_effect=tariff_effect, kill_degree=kill_degree, competitors=competitors,
                              contacts=contacts)
    links = {"competitors": values.pop("competitors"), "contacts": values.pop("contacts")}
    seen = {**values, **links, **(seen or {})}
    try:
        with transaction.atomic():
            if not update_at_version(Project.objects.filter(pk=project.pk, status=Status.OPEN), version=version,
                                     **values, updated_at=timezone.now()):
                raise _project_stale(project, [*values, *links], seen)
            project.competitors.set(links["competitors"])
            project.contacts.set(links["contacts"])
            region.touch()
    except IntegrityError:
        raise ValidationError({"code": _("本区域已有编码为“%(code)s”的项目") % {"code": values["code"]}}) from None
    for name, value in values.items():
        setattr(project, name, value)
    project.version = version + 1
    project_standings_rejudge(region=region, project_ids=[project.pk])
    return project


def project_close(*, project: Project, status: str, reason: str, lost_to: Competitor | None = None) -> Project:
    """Close an open project as won, lost or abandoned, with the reason and,
    for a lost one, the competitor it went to (if known). It leaves the
    funnel. Refused (StaleEdit) if someone closed it meanwhile; an edit of
    its other fields meanwhile does not stop it, and it moves the version so
    that a form read before it is refused."""
    reason = (reason or "").strip()
    errors = {}
    if status not in CLOSED:
        errors["status"] = _("请选择关闭方式：赢单、丢单或放弃")
    if not reason:
        errors["reason"] = _("请填写关闭原因")
    if lost_to is not None:
        if status != Status.LOST:
            errors["lost_to"] = _("只有丢单才填写输给的竞争对手")
        elif lost_to.region_id != project.region_id:
            errors["lost_to"] = _("竞争对手“%(name)s”不属于本区域") % {"name": lost_to.name}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        closed = Project.objects.filter(pk=project.pk, status=Status.OPEN).update(
            status=status, close_reason=reason, lost_to=lost_to, closed_at=now, updated_at=now,
            version=F("version") + 1)
        if not closed:
            current = Project.objects.get(pk=project.pk)
            raise StaleEdit([(str(Project._meta.get_field("status").verbose_name),
                              " " + current.get_status_display())])
        project.region.touch()
    project.refresh_from_db()
    project_standings_rejudge(region=project.region, project_ids=[project.pk])  # it leaves the funnel
    return project

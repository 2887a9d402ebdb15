"""Writes of the customer floor: customers' records, needs, contacts,
competitors, scores, intelligence.

Keyword-only, validated here (a view's form is a convenience, not the
guard), saved in a transaction that also marks the region's data as changed:
cached analyses are keyed on `Region.data_version`.

An edit of a customer, needs, contact or competitor form carries the version it was
read at and is refused (StaleEdit, nothing written) if the record moved on
since; a comparison score is one value, set on its own and never refused.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.choices import CompetitorGoal, ReactionProfile
from customers.models import (
    Attitude, ComparisonScore, Competitor, Contact, Customer, IntelligenceChannel, IntelligenceEntry,
)
from customers.rules import DIMENSIONS, ROLES, customer_code_editable
from teams import permissions
from tsm.lib.numbers import fmt_rate
from tsm.lib.versions import save_at_version

MAX_COMPETITORS_PER_SERIES = 3
CODE_MAX = 32  # the import's key: Customer.code, Project.code


def code_errors(code: str, what: str) -> str | None:
    """What is wrong with a customer's or a project's code, or None. The code
    is also part of its page's address, so it cannot hold a slash."""
    if not code:
        return _("请填写%(what)s编码") % {"what": what}
    if len(code) > CODE_MAX:
        return _("%(what)s编码最多 %(max)d 个字符（现为 %(n)d 个）") % {"what": what, "max": CODE_MAX, "n": len(code)}
    if "/" in code:
        return _("%(what)s编码不能包含“/”（它是%(what)s页面地址的一部分）") % {"what": what}
    return None


def region_manager_error(user, region) -> str | None:
    """None if `user` is an account manager of `region`, else why not."""
    if user is None:
        return _("请选择客户经理")
    if not (permissions.is_manager(user) and user.regions.filter(pk=region.pk).exists()):
        return _("“%(name)s”不是本区域的客户经理") % {"name": user}
    return None


# --- a customer's own record: code, name, industry, account manager ------------------------------------


def _customer_checked(*, region, customer: Customer | None, code: str, name: str, industry: str, owner) -> dict:
    """The record's values, stripped, or ValidationError naming every bad field."""
    code, name, industry = (code or "").strip(), (name or "").strip(), (industry or "").strip()
    errors = {}
    if error := code_errors(code, _("客户")):
        errors["code"] = error
    elif taken := Customer.objects.filter(region=region, code=code).exclude(pk=getattr(customer, "pk", None)).first():
        errors["code"] = _("本区域已有编码为“%(code)s”的客户：%(name)s") % {"code": code, "name": taken.name}
    if not name:
        errors["name"] = _("请填写客户名称")
    elif len(name) > 200:
        errors["name"] = _("客户名称最多 200 个字")
    if len(industry) > 100:
        errors["industry"] = _("行业最多 100 个字")
    keeps_owner = customer is not None and owner is not None and owner.pk == customer.owner_id
    if not keeps_owner and (error := region_manager_error(owner, region)):
        errors["owner"] = error
    if errors:
        raise ValidationError(errors)
    return {"code": code, "name": name, "industry": industry, "owner": owner}


def _code_taken(region, code: str) -> ValidationError:
    """The unique constraint's refusal, said as the check before it says it
    (someone took the code between the check and the write)."""
    return ValidationError({"code": _("本区域已有编码为“%(code)s”的客户") % {"code": code}})


def customer_create(*, region, code: str, name: str, industry: str = "", owner) -> Customer:
    """A new customer of the region, owned by one of its account managers.
    The whole region is judged again by its next reader: a customer's
    contribution class is relative to the others'."""
    values = _customer_checked(region=region, customer=None, code=code, name=name, industry=industry, owner=owner)
    try:
        with transaction.atomic():
            customer = Customer.objects.create(region=region, **values)
            region.touch()
            region.results_stale()
    except IntegrityError:
        raise _code_taken(region, values["code"]) from None
    return customer


def customer_save(*, customer: Customer, version: int, seen: Mapping | None = None, code: str, name: str,
                  industry: str = "", owner, projects: int) -> Customer:
    """Change a customer's record if nobody saved it since its form was read
    at `version` (Customer.version). The code changes only while the
    customer has no data (customer_code_editable); `projects` is how many
    projects it has, counted by the pipeline floor that owns them. Moving its
    projects along with a new account manager is the pipeline floor's
    (pipeline.services.customer_edit), which calls this in its transaction."""
    region = customer.region
    values = _customer_checked(region=region, customer=customer, code=code, name=name, industry=industry,
                               owner=owner)
    if values["code"] != customer.code:
        verdict = customer_code_editable(contributions=customer.contributions.count(),
                                         contacts=customer.contacts.count(), projects=projects)
        if not verdict.value:
            raise ValidationError({"code": verdict.reason})
    try:
        with transaction.atomic():
            save_at_version(customer, version=version, values=values, seen=seen)
            region.touch()
    except IntegrityError:
        raise _code_taken(region, values["code"]) from None
    return customer


NEEDS_MAX_CHARS = 5000


def customer_needs_save(*, customer: Customer, version: int, decider_needs: str, company_needs: str,
                        industry_needs: str, procurement_procedure: str, seen: Mapping | None = None) -> Customer:
    """需求分析 of a customer (§3.2) — the needs of its decision makers, of the
    company and of its industry, and its procurement procedure — as text, if
    nobody saved them since the form was read at `version` (Customer.needs_version)."""
    values = {name: (text or "").strip() for name, text in (
        ("decider_needs", decider_needs), ("company_needs", company_needs), ("industry_needs", industry_needs),
        ("procurement_procedure", procurement_procedure))}
    errors = {name: _("%(field)s最多 %(max)s 个字，现有 %(length)s 个") % {
                  "field": Customer._meta.get_field(name).verbose_name, "max": NEEDS_MAX_CHARS, "length": len(text)}
              for name, text in values.items() if len(text) > NEEDS_MAX_CHARS}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        save_at_version(customer, version=version, values=values, seen=seen, field="needs_version")
        customer.region.touch()
    return customer


def _contact_show() -> dict:
    return {"roles": lambda roles: "、".join(ROLES.get(r, r) for r in roles),
            "attitude": lambda value: str(Attitude(value).label) if value in Attitude.values else value,
            "last_met": lambda day: day.isoformat()}


def contact_save(
    *, customer: Customer, contact: Contact | None = None, version: int | None = None, seen: Mapping | None = None,
    name: str, title: str = "", roles: list[str], attitude: str, last_met: dt.date | None,
    today: dt.date | None = None,
) -> Contact:
    """Add a contact to a customer (contact=None), or change one of its
    contacts if nobody saved it since its form was read at `version`."""
    today = today or timezone.localdate()
    name, title = (name or "").strip(), (title or "").strip()
    errors = {}
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError(_("联系人不属于该客户"))
    if contact is not None and version is None:
        raise TypeError("an edit carries the version its form was read at")
    if not name:
        errors["name"] = _("请填写姓名")
    elif Contact.objects.filter(customer=customer, name=name).exclude(pk=getattr(contact, "pk", None)).exists():
        errors["name"] = _("该客户已有名为“%(name)s”的联系人") % {"name": name}
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        errors["roles"] = _("未知的角色：%(roles)s") % {"roles": "、".join(unknown)}
    if attitude not in Attitude.values:
        errors["attitude"] = _("未知的态度“%(attitude)s”") % {"attitude": attitude}
    if last_met is not None and last_met > today:
        errors["last_met"] = _("最近面谈日期 %(date)s 晚于今天 %(today)s，不能是将来的日期") % {
            "date": last_met.isoformat(), "today": today.isoformat()}
    if errors:
        raise ValidationError(errors)
    values = {"name": name, "title": title, "roles": [r for r in ROLES if r in set(roles)],  # the five roles' order
              "attitude": attitude, "last_met": last_met}
    with transaction.atomic():
        if contact is None:
            contact = Contact.objects.create(customer=customer, **values)
        else:
            save_at_version(contact, version=version, values=values, seen=seen, show=_contact_show())
        customer.region.touch()
    return contact


def _label(choices, value) -> str:
    """A stored choice as the user reads it (a value no longer known as it is)."""
    return str(choices(value).label) if value in choices.values else value


def competitor_save(
    *, region, competitor: Competitor | None = None, version: int | None = None, seen: Mapping | None = None,
    product_series: str, name: str, rank: int, market_share: Decimal | None = None, goal: str = "",
    goal_note: str = "", reaction: str = "", reaction_note: str = "", service_features: str = "",
    operating_means: str = "", local_organisation: str = "", trend_product: str = "", trend_operation: str = "",
    trend_organisation: str = "",
) -> Competitor:
    """Add one of a series' (up to) three competitors, or change one if nobody
    saved it since its form was read at `version`.

    Its goal and reaction profile are one of the course's four each (§3.3),
    or blank while not yet judged; the notes and trends are free text.
    A competitor keeps its series: its scores and intelligence are about it."""
    name, product_series = (name or "").strip(), (product_series or "").strip()
    errors = {}
    if competitor is not None:
        if competitor.region_id != region.pk:
            raise ValidationError(_("竞争对手不属于该区域"))
        if version is None:
            raise TypeError("an edit carries the version its form was read at")
        if product_series != competitor.product_series:
            errors["product_series"] = _("不能更改竞争对手的产品系列")
    if not product_series:
        errors["product_series"] = _("请选择产品系列")
    if not name:
        errors["name"] = _("请填写竞争对手名称")
    if rank not in (1, 2, 3):
        errors["rank"] = _("排名应为 1–3，而不是 %(rank)s") % {"rank": rank}
    if market_share is not None and not Decimal("0") <= market_share <= Decimal("1"):
        errors["market_share"] = _("市场份额应在 0–100% 之间")
    goal, reaction = (goal or "").strip(), (reaction or "").strip()
    for field, what, value, choices in (("goal", _("主要目标"), goal, CompetitorGoal),
                                        ("reaction", _("反应模式"), reaction, ReactionProfile)):
        if value and value not in choices.values:
            errors[field] = _("未知的%(what)s“%(value)s”：应为%(choices)s之一，尚未判断时留空") % {
                "what": what, "value": value, "choices": "、".join(str(c.label) for c in choices)}
    if not errors:
        others = list(Competitor.objects.filter(region=region, product_series=product_series)
                      .exclude(pk=getattr(competitor, "pk", None)))
        if competitor is None and len(others) >= MAX_COMPETITORS_PER_SERIES:
            errors["product_series"] = _("“%(series)s”已有 %(count)s 个竞争对手（最多三个）") % {
                "series": product_series, "count": len(others)}
        elif any(o.name == name for o in others):
            errors["name"] = _("“%(series)s”已有名为“%(name)s”的竞争对手") % {"series": product_series, "name": name}
        elif taken := next((o for o in others if o.rank == rank), None):
            errors["rank"] = _("“%(series)s”的第 %(rank)s 名已是“%(name)s”") % {
                "series": product_series, "rank": rank, "name": taken.name}
    if errors:
        raise ValidationError(errors)
    values = {"name": name, "rank": rank, "market_share": market_share, "goal": goal, "reaction": reaction,
              **{field: (value or "").strip() for field, value in (
                  ("goal_note", goal_note), ("reaction_note", reaction_note), ("service_features", service_features),
                  ("operating_means", operating_means), ("local_organisation", local_organisation),
                  ("trend_product", trend_product), ("trend_operation", trend_operation),
                  ("trend_organisation", trend_organisation))}}
    with transaction.atomic():
        if competitor is None:
            competitor = Competitor.objects.create(region=region, product_series=product_series, **values)
        else:
            save_at_version(competitor, version=version, values=values, seen=seen, show={
                "market_share": fmt_rate, "goal": lambda v: _label(CompetitorGoal, v),
                "reaction": lambda v: _label(ReactionProfile, v)})
        region.touch()
    return competitor


def scores_save(*, region, product_series: str, scores: Mapping[tuple[Competitor | None, str], int | None]) -> None:
    """Set the given 1–5 scores of a series, for us (competitor None) or its
    competitors; None removes a score (not scored). Cells not given stay as
    they are: each cell is one value, set on its own, so two people scoring
    different cells of the grid at the same time both land."""
    errors = []
    for (competitor, dimension), value in scores.items():
        if dimension not in DIMENSIONS:
            raise ValidationError(_("未知的对比维度“%(dimension)s”") % {"dimension": dimension})
        if competitor is not None and (competitor.region_id != region.pk
                                       or competitor.product_series != product_series):
            raise ValidationError(_("竞争对手“%(name)s”不属于“%(series)s”") % {
                "name": competitor.name, "series": product_series})
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5):
            who = _("自己平台") if competitor is None else competitor.name
            errors.append(_("%(who)s「%(dimension)s」的评分应为 1–5 的整数，而不是 %(value)s") % {
                "who": who, "dimension": DIMENSIONS[dimension], "value": value})
    if errors:
        raise ValidationError(errors)
    if not scores:
        return
    with transaction.atomic():
        for (competitor, dimension), value in scores.items():
            cell = ComparisonScore.objects.filter(region=region, product_series=product_series, competitor=competitor,
                                                  dimension=dimension)
            if value is None:
                cell.delete()
            elif not cell.update(score=value):
                try:
                    with transaction.atomic():  # someone may be scoring the same empty cell right now
                        ComparisonScore.objects.create(region=region, product_series=product_series,
                                                       competitor=competitor, dimension=dimension, score=value)
                except IntegrityError:
                    cell.update(score=value)
        region.touch()


def intelligence_add(
    *, region, competitor: Competitor, channel: IntelligenceChannel, date: dt.date, content: str, author=None,
    today: dt.date | None = None,
) -> IntelligenceEntry:
    """Record a piece of intelligence about a competitor, from an enabled channel."""
    today = today or timezone.localdate()
    content = (content or "").strip()
    errors = {}
    if competitor.region_id != region.pk:
        raise ValidationError(_("竞争对手不属于该区域"))
    if not channel.enabled:
        errors["channel"] = _("渠道“%(channel)s”已停用，不能再记录") % {"channel": channel.name}
    if date > today:
        errors["date"] = _("日期 %(date)s 晚于今天 %(today)s") % {"date": date.isoformat(), "today": today.isoformat()}
    if not content:
        errors["content"] = _("请填写情报内容")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = IntelligenceEntry.objects.create(region=region, competitor=competitor, channel=channel, date=date,
                                                 content=content, author=author)
        region.touch()
    return entry

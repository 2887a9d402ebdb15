"""Writes of the analysis pages: needs, contacts, competitors, scores, intelligence.

Keyword-only, validated here (a view's form is a convenience, not the
guard), saved in a transaction that also marks the region's data as changed:
cached analyses are keyed on `Region.data_version`.

An edit of a needs, contact or competitor form carries the version it was
read at and is refused (StaleEdit, nothing written) if the record moved on
since; a comparison score is one value, set on its own and never refused.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.choices import CompetitorGoal, ReactionProfile
from customers.models import (
    Attitude, ComparisonScore, Competitor, Contact, Customer, IntelligenceChannel, IntelligenceEntry,
)
from customers.rules import DIMENSIONS, ROLES
from tsm.lib.numbers import fmt_rate
from tsm.lib.versions import save_at_version

MAX_COMPETITORS_PER_SERIES = 3


NEEDS_MAX_CHARS = 5000


def customer_needs_save(*, customer: Customer, version: int, decider_needs: str, company_needs: str,
                        industry_needs: str, procurement_procedure: str, seen: Mapping | None = None) -> Customer:
    """需求分析 of a customer (§3.2) — the needs of its decision makers, of the
    company and of its industry, and its procurement procedure — as text, if
    nobody saved them since the form was read at `version` (Customer.needs_version)."""
    values = {name: (text or "").strip() for name, text in (
        ("decider_needs", decider_needs), ("company_needs", company_needs), ("industry_needs", industry_needs),
        ("procurement_procedure", procurement_procedure))}
    errors = {name: f"{Customer._meta.get_field(name).verbose_name}最多 {NEEDS_MAX_CHARS} 个字，现有 {len(text)} 个"
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
        raise ValidationError("联系人不属于该客户")
    if contact is not None and version is None:
        raise TypeError("an edit carries the version its form was read at")
    if not name:
        errors["name"] = "请填写姓名"
    elif Contact.objects.filter(customer=customer, name=name).exclude(pk=getattr(contact, "pk", None)).exists():
        errors["name"] = f"该客户已有名为“{name}”的联系人"
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        errors["roles"] = f"未知的角色：{'、'.join(unknown)}"
    if attitude not in Attitude.values:
        errors["attitude"] = f"未知的态度“{attitude}”"
    if last_met is not None and last_met > today:
        errors["last_met"] = f"最近面谈日期 {last_met.isoformat()} 晚于今天 {today.isoformat()}，不能是将来的日期"
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
            raise ValidationError("竞争对手不属于该区域")
        if version is None:
            raise TypeError("an edit carries the version its form was read at")
        if product_series != competitor.product_series:
            errors["product_series"] = "不能更改竞争对手的产品系列"
    if not product_series:
        errors["product_series"] = "请选择产品系列"
    if not name:
        errors["name"] = "请填写竞争对手名称"
    if rank not in (1, 2, 3):
        errors["rank"] = f"排名应为 1–3，而不是 {rank}"
    if market_share is not None and not Decimal("0") <= market_share <= Decimal("1"):
        errors["market_share"] = "市场份额应在 0–100% 之间"
    goal, reaction = (goal or "").strip(), (reaction or "").strip()
    for field, what, value, choices in (("goal", "主要目标", goal, CompetitorGoal),
                                        ("reaction", "反应模式", reaction, ReactionProfile)):
        if value and value not in choices.values:
            errors[field] = (f"未知的{what}“{value}”：应为{'、'.join(str(c.label) for c in choices)}之一，"
                             f"尚未判断时留空")
    if not errors:
        others = list(Competitor.objects.filter(region=region, product_series=product_series)
                      .exclude(pk=getattr(competitor, "pk", None)))
        if competitor is None and len(others) >= MAX_COMPETITORS_PER_SERIES:
            errors["product_series"] = f"“{product_series}”已有 {len(others)} 个竞争对手（最多三个）"
        elif any(o.name == name for o in others):
            errors["name"] = f"“{product_series}”已有名为“{name}”的竞争对手"
        elif taken := next((o for o in others if o.rank == rank), None):
            errors["rank"] = f"“{product_series}”的第 {rank} 名已是“{taken.name}”"
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
            raise ValidationError(f"未知的对比维度“{dimension}”")
        if competitor is not None and (competitor.region_id != region.pk
                                       or competitor.product_series != product_series):
            raise ValidationError(f"竞争对手“{competitor.name}”不属于“{product_series}”")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5):
            who = "自己平台" if competitor is None else competitor.name
            errors.append(f"{who}「{DIMENSIONS[dimension]}」的评分应为 1–5 的整数，而不是 {value}")
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
        raise ValidationError("竞争对手不属于该区域")
    if not channel.enabled:
        errors["channel"] = f"渠道“{channel.name}”已停用，不能再记录"
    if date > today:
        errors["date"] = f"日期 {date.isoformat()} 晚于今天 {today.isoformat()}"
    if not content:
        errors["content"] = "请填写情报内容"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = IntelligenceEntry.objects.create(region=region, competitor=competitor, channel=channel, date=date,
                                                 content=content, author=author)
        region.touch()
    return entry

"""Writes of the analysis and strategy pages (SWOT, value grid, competition,
push and pull): keyword-only, validated before anything is written, saved in
one transaction, and each marks the region's data as changed (`touch`), which
moves cached analyses and plan drafts on.

A form that saves several fields (a pairing's action, a series' 4P1S or its
position, a stance) carries the version it was read at and is refused
(StaleEdit, nothing written) if the record moved on since — the first save of
a record that does not exist yet included. A factor score is one value: set
on its own, never refused, and it moves no version."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from customers.models import FACTORS, Competitor, Customer
from customers.rules import SCORE_MAX, value_fit
from pipeline.models import RevenueTarget
from planning import rules, selectors
from planning.models import (
    ActionFamily, CompetitivePosition, CompetitorStance, OpportunitySource, Pairing, Plan, PlanStatus, Position,
    SpecialAction, Stance, StrategyOption, SwotAction, SwotItem, SwotKind, TargetClass, TargetFamily, TargetPart,
    ValueFitAcceptance,
)
from teams.models import Role, User
from tsm.lib.numbers import fmt_num, fmt_rate
from tsm.lib.versions import StaleEdit, save_at_version, update_at_version

FACTOR_LABELS = dict(FACTORS)
# The two attractiveness factors the data suggests (§4.1); the others are entered.
SUGGESTED_FACTORS = ("profit_contribution", "continuous_purchase")

# §4.5 positioning (定位市场, 4P1S): the keys of CompetitivePosition.positioning.
POSITIONING_FIELDS = (
    ("target_market", "目标市场"),
    ("product", "产品特性"),
    ("price", "价格水平"),
    ("channel", "渠道运作"),
    ("sales_model", "销售模式"),
    ("service", "服务状态"),
)
POSITIONING_NOTES = ("把握均衡", "结合客户需求", "坚持和强化“塑造”与“传播”")
POSITIONING_MAX = 1000

# §4.6 the kinds of special action in each family.
SPECIAL_ACTION_KINDS = {
    "push": ("组织", "渠道", "人员", "激励", "投入", "有效接触", "促单", "转介绍", "服务维持"),
    "pull": ("需求调研", "设计创意", "广告", "展览", "培训演讲", "价格促销", "附加服务承诺"),
}
FAMILY_FOCUS = {"push": "以大客户、营业厅为主", "pull": "以市场、企业发展为主"}
# An action aims at a value class (§4.1) or a contribution class (§3.1); empty = no particular class.
TARGET_CLASSES = dict(TargetClass.choices)

TEXT_MAX = 300  # SwotItem.text
ACTION_MAX = 2000


def _text(value, what: str, *, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(gettext("请填写%(what)s") % {"what": what})
    if len(text) > max_length:
        raise ValidationError(gettext("%(what)s过长：%(length)s 字，最多 %(max)s 字") % {
            "what": what, "length": len(text), "max": max_length})
    return text


# --- §3.4 SWOT ----------------------------------------------------------------------------------


def swot_item_add(*, region, kind: str, text: str, source: str = "") -> SwotItem:
    """A basic-SWOT item; opportunities and threats name where they come from."""
    if kind not in SwotKind.values:
        raise ValidationError(gettext("未知的 SWOT 类型“%(kind)s”（应为 S、W、O、T）") % {"kind": kind})
    text = _text(text, gettext("内容"), max_length=TEXT_MAX)
    source = source or ""
    label = rules.SWOT_KIND_LABELS[kind]
    if kind in ("O", "T"):
        if source not in OpportunitySource.values:
            names = "、".join(map(str, OpportunitySource.labels))
            raise ValidationError(gettext("%(label)s需要注明来源（%(names)s）") % {"label": label, "names": names}
                                  if not source else gettext("未知的来源“%(source)s”") % {"source": source})
    elif source:
        raise ValidationError(gettext("%(label)s不填来源：来源只用于机会和威胁") % {"label": label})
    with transaction.atomic():
        last = SwotItem.objects.filter(region=region, kind=kind).aggregate(n=Max("order"))["n"]
        item = SwotItem.objects.create(region=region, kind=kind, text=text, source=source,
                                       order=0 if last is None else last + 1)
        region.touch()
    return item


def swot_item_delete(*, region, item: SwotItem) -> None:
    if item.region_id != region.pk:
        raise ValidationError(gettext("该条目不属于本区域"))
    with transaction.atomic():
        item.delete()
        region.touch()


def swot_advanced_set(*, region, item_ids: list[int]) -> list[SwotItem]:
    """Pick the advanced SWOT: exactly 2 items of each of S, W, O, T (the rest are unpicked)."""
    ids = set(item_ids)
    items = list(SwotItem.objects.filter(region=region, pk__in=ids))
    if len(items) != len(ids):
        raise ValidationError(gettext("所选条目中有不属于本区域的条目，请刷新页面后重试"))
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    valid = rules.advanced_swot_valid(counts)
    if not valid.value:
        raise ValidationError(valid.reason)
    with transaction.atomic():
        SwotItem.objects.filter(region=region).exclude(pk__in=ids).update(advanced=False)
        SwotItem.objects.filter(region=region, pk__in=ids).update(advanced=True)
        region.touch()
    return items


def swot_action_save(*, region, pairing: str, action: str, version: int, seen: dict | None = None) -> SwotAction:
    """The combined action of one pairing of the advanced SWOT (S+O 保持发展 …),
    if nobody saved it since its form was read at `version` (0: no action yet)."""
    if pairing not in Pairing.values:
        raise ValidationError(gettext("未知的组合“%(pairing)s”（应为 SO、ST、WO、WT）") % {"pairing": pairing})
    label = Pairing(pairing).label
    action = _text(action, gettext("%(label)s的组合行动") % {"label": label}, max_length=ACTION_MAX)
    counts: dict[str, int] = {}
    for kind in SwotItem.objects.filter(region=region, advanced=True).values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    valid = rules.advanced_swot_valid(counts)
    if not valid.value:
        raise ValidationError(gettext("请先选定高阶 SWOT，再写组合行动。%(reason)s") % {"reason": valid.reason})
    with transaction.atomic():
        # Someone creating the same pairing's action at this moment makes this
        # get_or_create wait for theirs and find it, at a version past ours.
        saved, _ = SwotAction.objects.get_or_create(region=region, pairing=pairing, defaults={"action": ""})
        save_at_version(saved, version=version, values={"action": action}, seen=seen)
        region.touch()
    return saved


# --- §4.1 value grid ------------------------------------------------------------------------------


def parse_score(label: str, value) -> Decimal | None:
    """A factor score as typed: empty is None; else 0–5 with at most one decimal."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        score = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(gettext("%(label)s的评分“%(value)s”不是数字") % {"label": label, "value": value}) from None
    if not score.is_finite() or not Decimal(0) <= score <= SCORE_MAX:
        raise ValidationError(gettext("%(label)s的评分 %(value)s 超出 0–5 的范围") % {"label": label, "value": value})
    if score != score.quantize(Decimal("0.1")):
        raise ValidationError(gettext("%(label)s的评分 %(value)s 最多保留一位小数") % {"label": label, "value": value})
    return score.normalize()


def _score(field: str, value) -> Decimal | None:
    try:
        return parse_score(FACTOR_LABELS[field], value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def customer_scores_save(*, customer: Customer, scores: dict) -> Customer:
    """Write the given factor scores (0–5, one decimal; None clears a score),
    and only those: each is one value, set by one UPDATE of its column, so two
    people scoring different factors of a customer at once both land. Every
    value is checked before any is written."""
    unknown = sorted(set(scores) - FACTOR_LABELS.keys())
    if unknown:
        raise ValidationError(gettext("未知的评分因素：%(factors)s") % {"factors": "、".join(unknown)})
    errors = {}
    clean = {}
    for field, value in scores.items():
        try:
            clean[field] = _score(field, value)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if not clean:
        return customer
    with transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(**clean)
        for field, value in clean.items():
            setattr(customer, field, value)
        customer.region.touch()
    return customer


def customer_suggestion_accept(*, customer: Customer, factor: str, score, suggestions: dict) -> Customer:
    """Accept the data's suggestion for 利润贡献 or 持续采购, as the user saw it.

    `suggestions` is the customer's current `CustomerResult.suggestions`; a
    score that no longer matches it (the data changed meanwhile) is refused,
    so nothing is written that the user did not see."""
    if factor not in SUGGESTED_FACTORS:
        raise ValidationError(gettext("“%(factor)s”没有数据建议：只有利润贡献和持续采购由数据给出建议") % {"factor": factor})
    label = FACTOR_LABELS[factor]
    suggestion = suggestions.get(factor)
    if suggestion is None:
        raise ValidationError(gettext("该客户基期内没有资费数据，%(label)s没有建议值") % {"label": label})
    seen = _score(factor, score)
    if seen != Decimal(suggestion.value).normalize():
        raise ValidationError(gettext("%(label)s的建议已变为 %(suggestion)s 分（页面上是 %(score)s），请重新确认") % {
            "label": label, "suggestion": fmt_num(suggestion.value), "score": score})
    return customer_scores_save(customer=customer, scores={factor: seen})


# --- §4.5 competition strategy ---------------------------------------------------------------------


def _known_series(region, product_series: str) -> str:
    if product_series not in selectors.product_series(region):
        raise ValidationError(gettext("未知的产品系列“%(series)s”") % {"series": product_series})
    return product_series


def _position_record(region, product_series: str) -> CompetitivePosition:
    """The series' position record, created (at versions 0) by the first save of either of its forms."""
    record, _ = CompetitivePosition.objects.get_or_create(region=region, product_series=product_series)
    return record


def positioning_save(*, region, product_series: str, positioning: dict, version: int,
                     seen: dict | None = None) -> CompetitivePosition:
    """The 4P1S positioning of one product series (目标市场 + 产品特性 … 服务状态),
    if nobody saved it since its form was read at `version` (positioning_version)."""
    _known_series(region, product_series)
    labels = dict(POSITIONING_FIELDS)
    unknown = sorted(set(positioning) - labels.keys())
    if unknown:
        raise ValidationError(gettext("未知的定位项：%(keys)s") % {"keys": "、".join(unknown)})
    clean = {key: _text(positioning.get(key), labels[key], max_length=POSITIONING_MAX, required=False)
             for key, _ in POSITIONING_FIELDS}
    with transaction.atomic():
        record = _position_record(region, product_series)
        if not update_at_version(CompetitivePosition.objects.filter(pk=record.pk), version=version,
                                 field="positioning_version", positioning=clean):
            now = CompetitivePosition.objects.get(pk=record.pk).positioning
            raise StaleEdit.naming(POSITIONING_FIELDS, {**clean, **(seen or {})}, now)
        record.positioning, record.positioning_version = clean, version + 1
        region.touch()
    return record


POSITION_FIELDS = (("our_share", "我方份额"), ("position", "竞争地位"), ("strategies", "策略"), ("focus", "重点"),
                   ("niche_segment", "专攻的细分市场"))
SEGMENT_MAX = 200  # CompetitivePosition.niche_segment


def _position_as_read(values: dict) -> dict:
    """A position form's values as the user reads them: the position's label, the strategies' names."""
    names = dict(StrategyOption.objects.filter(pk__in=values.get("strategies", ())).values_list("pk", "name"))
    return values | {"position": str(Position(values["position"]).label) if values.get("position") else "采用建议",
                     "strategies": {names.get(pk, str(pk)) for pk in values.get("strategies", ())}}


def competitive_position_save(*, region, product_series: str, our_share: Decimal | None, position: str,
                              strategy_ids: list[int], focus: str = "", niche_segment: str = "", version: int,
                              seen: dict | None = None) -> CompetitivePosition:
    """Our share, the director's position (empty: take the suggestion) and the
    chosen strategies, which must be options of the position in effect (a
    nicher: one way of specialising, with its segment named) — if nobody
    saved them since their form was read at `version` (position_version)."""
    _known_series(region, product_series)
    if our_share is not None:
        if not our_share.is_finite() or not Decimal(0) <= our_share <= 1:
            raise ValidationError(gettext("我方份额 %(share)s%% 超出 0–100%% 的范围") % {"share": format(our_share * 100, "f")})
        if our_share != our_share.quantize(Decimal("0.0001")):
            raise ValidationError(gettext("我方份额 %(share)s%% 最多保留两位小数") % {"share": format(our_share * 100, "f")})
    if position and position not in Position.values:
        raise ValidationError(gettext("未知的竞争地位“%(position)s”") % {"position": position})
    focus = _text(focus, gettext("重点"), max_length=ACTION_MAX, required=False)
    niche_segment = _text(niche_segment, gettext("专攻的细分市场"), max_length=SEGMENT_MAX, required=False)
    options = list(StrategyOption.objects.filter(pk__in=set(strategy_ids)).order_by("order", "id"))
    if len(options) != len(set(strategy_ids)):
        raise ValidationError(gettext("所选策略不在策略目录中，请刷新页面后重试"))
    effective = position
    if not effective and our_share is not None:
        competitors = list(Competitor.objects.filter(region=region, product_series=product_series)
                           .order_by("rank", "name"))
        scores = selectors.comparison_scores(region).get(product_series)
        effective = selectors.series_position(product_series, record=None, series_competitors=competitors,
                                              scores=scores, our_share=our_share, t=region.thresholds()).effective
    fits = rules.strategy_choice(effective, [(o.position, o.name) for o in options], niche_segment)
    if not fits.value:
        raise ValidationError(fits.reason)
    values = {"our_share": our_share, "position": position, "focus": focus, "niche_segment": niche_segment}
    with transaction.atomic():
        record = _position_record(region, product_series)
        if not update_at_version(CompetitivePosition.objects.filter(pk=record.pk), version=version,
                                 field="position_version", **values):
            now = CompetitivePosition.objects.get(pk=record.pk)
            posted = values | {"strategies": {o.pk for o in options}}
            raise StaleEdit.naming(
                POSITION_FIELDS, _position_as_read(posted | (seen or {})),
                _position_as_read({"our_share": now.our_share, "position": now.position, "focus": now.focus,
                                   "niche_segment": now.niche_segment,
                                   "strategies": set(now.strategies.values_list("pk", flat=True))}),
                # choices are named, not quoted as texts are
                show={"our_share": fmt_rate, "position": str, "strategies": lambda names: "、".join(sorted(names))})
        # The row stays locked by the UPDATE until commit: a concurrent save
        # of this form waits, then finds the version moved and sets nothing.
        record.strategies.set(options)
        for name, value in values.items():
            setattr(record, name, value)
        record.position_version = version + 1
        region.touch()
    return record


STANCE_FIELDS = (("stance", "策略"), ("target_customers", "目标客户"), ("target_note", "攻击或防守谁（说明）"),
                 ("expected_result", "期望结果"))


def _region_customers(region, ids) -> list[Customer]:
    """The customers of `region` with these ids; any other id is refused, naming only the id."""
    ids = set(ids)
    customers = list(Customer.objects.filter(region=region, pk__in=ids).only("pk", "code", "name").order_by("code"))
    missing = sorted(ids - {c.pk for c in customers})
    if missing:
        raise ValidationError(gettext("所选目标客户中有 %(count)s 位不是本区域的客户（编号 %(ids)s），请刷新页面后重新选择") % {
            "count": len(missing), "ids": "、".join(map(str, missing))})
    return customers


def _customers_as_read(ids) -> set[str]:
    return {f"{code} {name}" for code, name in Customer.objects.filter(pk__in=set(ids)).values_list("code", "name")}


def competitor_stance_save(*, region, competitor: Competitor, stance: str, target_customer_ids=(),
                           target_note: str = "", expected_result: str = "", version: int,
                           seen: dict | None = None) -> CompetitorStance:
    """Our stance toward one regional competitor: whom we attack or defend —
    customers of the region, named, and a note — and what we expect, if
    nobody saved it since its form was read at `version` (0: no stance yet)."""
    if competitor.region_id != region.pk:
        raise ValidationError(gettext("该竞争对手不属于本区域"))
    if stance not in Stance.values:
        raise ValidationError(gettext("未知的竞争策略“%(stance)s”（应为 %(choices)s 之一）") % {
            "stance": stance, "choices": "、".join(map(str, Stance.labels))})
    customers = _region_customers(region, target_customer_ids)
    target_note = _text(target_note, gettext("攻击或防守谁（说明）"), max_length=ACTION_MAX, required=False)
    expected_result = _text(expected_result, gettext("期望结果"), max_length=ACTION_MAX, required=False)
    values = {"stance": stance, "target_note": target_note, "expected_result": expected_result}
    with transaction.atomic():
        saved, _ = CompetitorStance.objects.get_or_create(competitor=competitor, defaults={"stance": ""})
        if not update_at_version(CompetitorStance.objects.filter(pk=saved.pk), version=version, **values):
            now = CompetitorStance.objects.get(pk=saved.pk)
            posted = values | {"target_customers": {c.pk for c in customers}} | (seen or {})
            stored = {name: getattr(now, name) for name in values} | {
                "target_customers": set(now.target_customers.values_list("pk", flat=True))}
            raise StaleEdit.naming(
                STANCE_FIELDS, posted | {"target_customers": _customers_as_read(posted["target_customers"])},
                stored | {"target_customers": _customers_as_read(stored["target_customers"])},
                show={"stance": lambda value: str(Stance(value).label) if value in Stance.values else value,
                      "target_customers": lambda names: "、".join(sorted(names))})
        # the row stays locked by the UPDATE until commit: a concurrent save waits, then sets nothing
        saved.target_customers.set(customers)
        for name, value in values.items():
            setattr(saved, name, value)
        saved.version = version + 1
        region.touch()
    return saved


# --- §4.6 market push and pull --------------------------------------------------------------------


def special_action_add(*, region, family: str, kind: str, title: str, month: dt.date, week: int | None = None,
                       owner: User | None = None, budget: Decimal = Decimal("0"),
                       target_class: str = "", target_customer_ids=()) -> SpecialAction:
    """A push or pull special action: which kind, what, when, who, how much,
    aimed at whom — a class of customers, customers of the region named, or both."""
    if family not in ActionFamily.values:
        raise ValidationError(gettext("未知的类型“%(family)s”（应为 推 或 拉）") % {"family": family})
    family_label = ActionFamily(family).label
    if kind not in SPECIAL_ACTION_KINDS[family]:
        raise ValidationError(gettext("动作“%(kind)s”不属于%(family)s（%(family)s：%(kinds)s）") % {
            "kind": kind, "family": family_label, "kinds": "、".join(SPECIAL_ACTION_KINDS[family])})
    title = _text(title, gettext("内容"), max_length=200)
    if not isinstance(month, dt.date):
        raise ValidationError(gettext("请填写月份（YYYY-MM）"))
    if week is not None and not 1 <= week <= 53:
        raise ValidationError(gettext("周 %(week)s 超出 1–53 的范围") % {"week": week})
    if budget is None or not budget.is_finite() or budget < 0:
        raise ValidationError(gettext("预算 %(budget)s 不能为负数") % {"budget": budget})
    if budget != budget.quantize(Decimal("0.01")) or budget >= Decimal("1e14"):
        raise ValidationError(gettext("预算 %(budget)s 应为不超过 14 位整数、最多两位小数的金额") % {"budget": budget})
    if target_class and target_class not in TARGET_CLASSES:
        raise ValidationError(gettext("未知的目标客户类“%(class)s”") % {"class": target_class})
    customers = _region_customers(region, target_customer_ids)
    if owner is not None and not User.objects.filter(pk=owner.pk, regions=region,
                                                     role__in=[Role.DIRECTOR, Role.MANAGER]).exists():
        raise ValidationError(gettext("%(owner)s 不是本区域的人员，不能负责该动作") % {"owner": owner})
    with transaction.atomic():
        action = SpecialAction.objects.create(
            region=region, family=family, kind=kind, title=title, month=month.replace(day=1), week=week,
            owner=owner, budget=budget, target_class=target_class)
        action.target_customers.set(customers)
        region.touch()
    return action


def special_action_delete(*, region, action: SpecialAction) -> None:
    if action.region_id != region.pk:
        raise ValidationError(gettext("该动作不属于本区域"))
    with transaction.atomic():
        action.delete()
        region.touch()


# --- §4.1 value class and contribution class: the director accepts a misfit -----------------------------
#
# One value per customer, set or removed in one statement: never refused for
# a version, and two directors accepting at once both land (the later wins).
# The acceptance holds the pair the page showed; it counts only while the
# customer still has that pair, so accepting a pair that changed meanwhile
# leaves the customer listed. It is no input of any analysis: no touch().


def value_fit_accept(*, customer: Customer, value_class: str, contribution_class: str, user) -> ValueFitAcceptance:
    try:
        verdict = value_fit(value_class, contribution_class)
    except ValueError:
        raise ValidationError(gettext("%(name)s：未知的类别 %(value)s/%(contribution)s") % {
            "name": customer.name, "value": value_class, "contribution": contribution_class}) from None
    if verdict.value is not False:
        raise ValidationError(gettext("%(name)s：%(reason)s，没有需要接受的不符") % {
            "name": customer.name, "reason": verdict.reason})
    acceptance = ValueFitAcceptance(customer=customer, value_class=value_class, contribution_class=contribution_class,
                                    accepted_by=user, accepted_at=timezone.now())
    ValueFitAcceptance.objects.bulk_create(
        [acceptance], update_conflicts=True, unique_fields=["customer"],
        update_fields=["value_class", "contribution_class", "accepted_by", "accepted_at"])
    return acceptance


def value_fit_undo(*, customer: Customer) -> None:
    """Withdraw the acceptance (none is fine: undoing twice is undoing once)."""
    ValueFitAcceptance.objects.filter(customer=customer).delete()


# --- targets handed down to the pipeline floor (§4.2, §4.3, §6.1) -------------------------------------

REVENUE_TARGET_NAME = "区域整体资费贡献"


def revenue_targets_hand_down(*, plan: Plan) -> dict[int, Decimal]:
    """Write each manager's part of the plan's revenue target — the 财务贡献
    target on 区域整体资费贡献, one decomposition table, never a sum of other
    financial targets — into pipeline's RevenueTarget, which the amount class
    and pipeline coverage read. Called whenever that decomposition changes;
    marks the region's data as changed, since the amount classes follow.

    While the period's handed-down targets are an approved plan's (draft
    False) and the plan is not approved now — a revision being drafted over
    it — they stand: the revision's values are handed down when it is
    approved (the workflow calls this again then) and nothing is written
    now. Returns the totals of the plan's decomposition either way."""
    parts = (
        TargetPart.objects.filter(target__plan=plan, target__family=TargetFamily.FINANCE, manager__isnull=False)
        .filter(Q(target__name=REVENUE_TARGET_NAME) | Q(target__indicator__name=REVENUE_TARGET_NAME))
        .values("manager_id").annotate(total=Sum("amount")).order_by()
    )
    totals = {row["manager_id"]: row["total"] for row in parts}
    approved = plan.status == PlanStatus.APPROVED
    if plan.approved_version_id and not approved:
        # a revision of an approved plan: the approved version's targets stand
        # until the revision is approved (planning.workflow.plan_approve hands it down)
        return totals
    with transaction.atomic():
        handed = RevenueTarget.objects.select_for_update().filter(region=plan.region, period=plan.period)
        if not approved and any(not draft for draft in handed.values_list("draft", flat=True)):
            return totals  # the approved plan's targets stand until the revision is approved
        RevenueTarget.objects.filter(region=plan.region, period=plan.period).delete()
        RevenueTarget.objects.bulk_create(
            RevenueTarget(region=plan.region, manager_id=manager_id, period=plan.period, amount=total,
                          draft=plan.status != PlanStatus.APPROVED)
            for manager_id, total in totals.items())
        plan.region.touch()
        plan.region.results_stale()  # the amount classes and coverage follow the targets
    return totals

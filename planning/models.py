import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.choices import ContributionClass, ValueClass
from planning.choices import IndicatorFamily, TargetFamily  # noqa: F401 (re-exported)
from teams.models import Region


# --- catalogues (fixtures/catalogues.json, editable in the admin) -------------------


class MarketAction(models.Model):
    """市场动作 1–16 (§4.1); number 8 is lost in the slides and ships as a placeholder."""

    number = models.PositiveSmallIntegerField(unique=True)
    text = models.CharField(_("市场动作"), max_length=200)

    class Meta:
        verbose_name = _("市场动作")
        verbose_name_plural = _("市场动作")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.text}"


class Indicator(models.Model):
    """职责确认: the indicator catalogue (§5)."""

    family = models.CharField(_("类别"), max_length=16, choices=IndicatorFamily.choices)
    name = models.CharField(_("指标"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["family", "name"], name="indicator_unique")]

    def __str__(self):
        return self.name


class Position(models.TextChoices):
    LEADER = "leader", _("领导者")
    CHALLENGER = "challenger", _("挑战者")
    FOLLOWER = "follower", _("追随者")
    NICHER = "nicher", _("专攻者")


class StrategyOption(models.Model):
    """Strategy options per competitive position (§4.5)."""

    position = models.CharField(_("竞争地位"), max_length=16, choices=Position.choices)
    group = models.CharField(_("方向"), max_length=50, blank=True)
    name = models.CharField(_("策略"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("策略选项")
        verbose_name_plural = _("策略选项")
        ordering = ["position", "order"]

    def __str__(self):
        return self.name


# --- analysis & strategy ---------------------------------------------------------


class SwotKind(models.TextChoices):
    S = "S", _("优势")
    W = "W", _("劣势")
    O = "O", _("机会")  # noqa: E741
    T = "T", _("威胁")


class OpportunitySource(models.TextChoices):
    CUSTOMER_STRUCTURE = "customer_structure", _("客户结构")
    PURCHASING = "purchasing", _("采购变化")
    INDUSTRY = "industry", _("行业需求")
    COMPETITION = "competition", _("竞争")
    MACRO = "macro", _("宏观环境")


class SwotItem(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="swot_items")
    kind = models.CharField(_("类型"), max_length=1, choices=SwotKind.choices)
    text = models.CharField(_("内容"), max_length=300)
    source = models.CharField(_("来源"), max_length=32, choices=OpportunitySource.choices, blank=True)
    advanced = models.BooleanField(_("入选高阶 SWOT"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("SWOT 条目")
        verbose_name_plural = _("SWOT 条目")
        ordering = ["region", "kind", "order", "id"]


class Pairing(models.TextChoices):
    SO = "SO", _("S+O 保持发展")
    ST = "ST", _("S+T 居安思危")
    WO = "WO", _("W+O 否定自我")
    WT = "WT", _("W+T 挑战自我")


class SwotAction(models.Model):
    """The combined action for one pairing of the advanced SWOT."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="swot_actions")
    pairing = models.CharField(max_length=2, choices=Pairing.choices)
    action = models.TextField(_("组合行动"))
    # Moved by every save of the pairing's form; 0 until the first (the form
    # of a pairing without an action is read at 0, so two first saves race too).
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("SWOT 组合行动")
        verbose_name_plural = _("SWOT 组合行动")
        constraints = [models.UniqueConstraint(fields=["region", "pairing"], name="swot_action_unique")]


class CompetitivePosition(models.Model):
    """Our position per product series; `position` empty means: take the suggestion."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="positions")
    product_series = models.CharField(_("产品系列"), max_length=100)
    our_share = models.DecimalField(_("我方份额"), max_digits=5, decimal_places=4, null=True, blank=True)
    position = models.CharField(_("竞争地位"), max_length=16, choices=Position.choices, blank=True)
    strategies = models.ManyToManyField(StrategyOption, blank=True, verbose_name=_("策略"))
    focus = models.TextField(_("重点"), blank=True)
    # 专攻者: the segment the chosen specialisation (客户, 渠道 or 新品) names.
    niche_segment = models.CharField(_("专攻的细分市场"), max_length=200, blank=True)
    positioning = models.JSONField(_("定位 4P1S"), default=dict, blank=True)
    # Two forms save this row, each its own fields: each has its own version,
    # so that saving the 4P1S never makes an open position form stale.
    positioning_version = models.PositiveIntegerField(default=0, editable=False)
    # our_share, position, strategies, focus, niche_segment
    position_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("竞争地位")
        verbose_name_plural = _("竞争地位")
        constraints = [models.UniqueConstraint(fields=["region", "product_series"], name="position_unique")]


class Stance(models.TextChoices):
    FULL_ATTACK = "full_attack", _("全面进攻")
    FOCUSED_ATTACK = "focused_attack", _("重点进攻")
    OPPORTUNISTIC_ATTACK = "opportunistic_attack", _("机会进攻")
    HOLD = "hold", _("坚守防御")
    CONDITIONAL_DEFENCE = "conditional_defence", _("有条件防御")


class CompetitorStance(models.Model):
    competitor = models.OneToOneField("customers.Competitor", on_delete=models.CASCADE, related_name="stance")
    stance = models.CharField(_("策略"), max_length=32, choices=Stance.choices)
    # 攻击或防守谁: the region's customers named, and a note (the free text of
    # before the customers could be named is kept here).
    target_customers = models.ManyToManyField("customers.Customer", blank=True, related_name="competitor_stances",
                                              verbose_name=_("目标客户"))
    target_note = models.TextField(_("攻击或防守谁（说明）"), blank=True)
    expected_result = models.TextField(_("期望结果"), blank=True)
    # moved by every save of the stance form (its target customers included)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("对竞争对手的策略")
        verbose_name_plural = _("对竞争对手的策略")


class ActionFamily(models.TextChoices):
    PUSH = "push", _("推")
    PULL = "pull", _("拉")


class TargetClass(models.TextChoices):
    """A class a special action aims at: a value class (§4.1) or a contribution
    class (§3.1), with the customers' own values (customers.choices)."""

    CONSOLIDATE = "consolidate", _("一级 巩固类")
    INVEST = "invest", _("二级 投入类")
    HARVEST = "harvest", _("三级 收获类")
    MAINTAIN = "maintain", _("四级 兼顾类")
    FAT_SHEEP = "fat_sheep", _("肥羊")
    REINDEER = "reindeer", _("驯鹿")
    HOUND = "hound", _("猎狗")
    HARE = "hare", _("野兔")
    RAT = "rat", _("硕鼠")


class SpecialAction(models.Model):
    """市场推拉 special action (§4.6) and the plan's action calendar (§6.2.6)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="special_actions")
    family = models.CharField(_("类型"), max_length=8, choices=ActionFamily.choices)
    kind = models.CharField(_("动作"), max_length=32)
    title = models.CharField(_("内容"), max_length=200)
    month = models.DateField(_("月份"))
    week = models.PositiveSmallIntegerField(_("周"), null=True, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              verbose_name=_("负责人"))
    budget = models.DecimalField(_("预算"), max_digits=16, decimal_places=2, default=Decimal("0"),
                                 validators=[MinValueValidator(Decimal("0"))])
    # Aimed at a class, at named customers of the region, or both (empty: no particular customers).
    target_class = models.CharField(_("目标客户类"), max_length=32, choices=TargetClass.choices, blank=True)
    target_customers = models.ManyToManyField("customers.Customer", blank=True, related_name="special_actions",
                                              verbose_name=_("目标客户"))

    class Meta:
        verbose_name = _("市场推拉动作")
        verbose_name_plural = _("市场推拉动作")
        ordering = ["region", "month"]


class ValueFitAcceptance(models.Model):
    """The director accepted that a customer's value class and contribution
    class do not fit (§4.1: "for the director to re-score or accept").

    It holds the pair accepted and counts only while the customer still has
    that pair: when either class changes the customer is listed again. One
    per customer: accepting again replaces it, undoing deletes it."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, primary_key=True,
                                    related_name="value_fit_acceptance", verbose_name=_("客户"))
    value_class = models.CharField(_("价值类别"), max_length=16, choices=ValueClass.choices)
    contribution_class = models.CharField(_("贡献类别"), max_length=16, choices=ContributionClass.choices)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("接受人"))
    accepted_at = models.DateTimeField(_("接受时间"))

    class Meta:
        verbose_name = _("已接受的价值与贡献类别不符")
        verbose_name_plural = _("已接受的价值与贡献类别不符")

    def __str__(self):
        return f"{self.customer_id}: {self.value_class}/{self.contribution_class}"


# --- plan ------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("退回")


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(region__in=Region.objects.visible_to(user))


class Plan(models.Model):
    """区域营销计划 for a period ('2027' or '2027H1'); fixes its as-of date when drafted."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="plans")
    period = models.CharField(_("计划期"), max_length=8)
    as_of = models.DateField(_("分析基准日"))
    status = models.CharField(_("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    revenue_target = models.DecimalField(_("收入总目标"), max_digits=16, decimal_places=2, default=Decimal("0"))
    # 建议: the director's proposal while the executive has set no total (§6.1).
    revenue_proposal = models.DecimalField(_("建议收入总目标"), max_digits=16, decimal_places=2, null=True,
                                           blank=True)
    sections = models.JSONField(_("各节文字"), default=dict, blank=True)
    # section key -> the version its text is at (0 until its first save): each
    # section's form carries its own, so two sections edited at once both land.
    section_versions = models.JSONField(_("各节文字版本"), default=dict, blank=True, editable=False)
    # The version readers, the API and the amount class use: the latest
    # approved one. It stands while a revision of the plan is drafted,
    # submitted or returned, until that revision is approved (planning.workflow).
    approved_version = models.ForeignKey("PlanVersion", on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+", verbose_name=_("生效版本"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("营销计划")
        verbose_name_plural = _("营销计划")
        constraints = [models.UniqueConstraint(fields=["region", "period"], name="plan_unique_period")]

    def __str__(self):
        return f"{self.region.code} {self.period}"


class PlanVersion(models.Model):
    """A frozen submission: its content and PDF never change."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    as_of = models.DateField()
    content = models.JSONField()
    pdf = models.BinaryField(null=True, blank=True)
    # 附录 (planning.document.appendix_xlsx): the long lists in full, frozen with the content.
    appendix = models.BinaryField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("批示"), blank=True)
    # The executive's comments per section: {section key of planning.document.SECTIONS: text}.
    section_comments = models.JSONField(_("分节批示"), default=dict, blank=True)

    class Meta:
        verbose_name = _("计划版本")
        verbose_name_plural = _("计划版本")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]


class Target(models.Model):
    """目标: one indicator's target in a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    family = models.CharField(_("类别"), max_length=16, choices=TargetFamily.choices)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, null=True, blank=True)
    name = models.CharField(_("目标"), max_length=200)
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=16, default="元")
    # Moved by every save of the target's form (name, value, unit, indicator).
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")


class PlanIndicator(models.Model):
    """职责确认 (§5): an indicator of the catalogue the region answers for in
    this plan, and who is responsible for it. Confirming is adding the row,
    unconfirming deleting it; the responsible person is one value of its own."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("负责人"))

    class Meta:
        verbose_name = _("确认的指标")
        verbose_name_plural = _("确认的指标")
        constraints = [models.UniqueConstraint(fields=["plan", "indicator"], name="plan_indicator_unique")]

    def __str__(self):
        return f"{self.plan} {self.indicator}"


class TargetPart(models.Model):
    """One cell of a revenue target's decomposition (by product or project, manager, month)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="parts")
    product = models.ForeignKey("customers.Product", on_delete=models.PROTECT, null=True, blank=True)
    project = models.ForeignKey("pipeline.Project", on_delete=models.CASCADE, null=True, blank=True)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    month = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("目标分解")
        verbose_name_plural = _("目标分解")


class TargetSignoff(models.Model):
    """签字画押: a manager's signature over a digest of their targets' values."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="signoffs")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signoffs")
    signed_at = models.DateTimeField(auto_now_add=True)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("目标签认")
        verbose_name_plural = _("目标签认")
        constraints = [models.UniqueConstraint(fields=["plan", "manager"], name="one_signoff_per_manager")]


class PlanAnswer(models.Model):
    """The director's answer to one item 问题分析 lists (§6.2 item 3), keyed by
    the item's stable key (document.problem keys: 'check:focus', 'fit:<customer
    code>', 'funnel:<username>', 'overdue:<project code>'). One value: saving
    replaces it, never refused."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField(max_length=120)
    text = models.TextField(_("主任的回答"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("问题分析的回答")
        verbose_name_plural = _("问题分析的回答")
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="plan_answer_unique")]


# --- the plan's PDF ------------------------------------------------------------------


def _render_token() -> str:
    return secrets.token_urlsafe(32)


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RenderKind(models.TextChoices):
    PLAN = "plan", _("营销计划")
    SUMMARY = "summary", _("计划摘要")


class PlanRender(models.Model):
    """One PDF rendering, run by a background task: of a frozen version, or
    (version empty) a preview of the live draft. Its file is reached only by
    its random token. A version's full plan is stored once in PlanVersion.pdf
    and served from there unchanged; other renders keep their bytes here."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="renders")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="renders")
    kind = models.CharField(_("内容"), max_length=8, choices=RenderKind.choices, default=RenderKind.PLAN)
    status = models.CharField(_("状态"), max_length=8, choices=RenderStatus.choices, default=RenderStatus.QUEUED)
    error = models.TextField(_("错误"), blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_render_token, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("PDF 生成")
        verbose_name_plural = _("PDF 生成")
        indexes = [models.Index(fields=["plan", "version", "kind", "status"], name="plan_render_lookup")]

    def __str__(self):
        return f"{self.plan} {self.kind} v{self.version.number if self.version else '-'} {self.status}"

    @property
    def is_draft(self) -> bool:
        return self.version_id is None


class PlanDownload(models.Model):
    """Who downloaded which PDF, and when."""

    render = models.ForeignKey(PlanRender, on_delete=models.CASCADE, related_name="downloads")
    version = models.ForeignKey(PlanVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("PDF 下载记录")
        verbose_name_plural = _("PDF 下载记录")
        ordering = ["-at"]

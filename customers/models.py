from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.rules import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS
from customers.choices import (  # noqa: F401 (the models' choices)
    Attitude, BuyingRole, CompetitorGoal, Dimension, ReactionProfile,
)
from teams import permissions
from teams.models import Region


def _money(verbose, **kw):
    return models.DecimalField(verbose, max_digits=16, decimal_places=2, default=Decimal("0"), **kw)


def _score(verbose):
    """A 0–5 factor score, one decimal; empty until someone scores it."""
    return models.DecimalField(
        verbose, max_digits=2, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
    )


# The 13 factors of DOMAIN §4.1 (field, 中文) are defined with the rules.
FACTORS = ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS


class Product(models.Model):
    """产品/服务项目 (a company-wide catalogue)."""

    code = models.CharField(_("产品编码"), max_length=32, unique=True)
    name = models.CharField(_("产品名称"), max_length=100)
    series = models.CharField(_("产品系列"), max_length=100)

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Directors and executives see the region's customers; managers their own."""
        qs = self.filter(region__in=Region.objects.visible_to(user))
        scope = permissions.owner_scope(user)
        return qs if scope is None else qs.filter(owner_id=scope)


class Customer(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="customers", verbose_name=_("区域"))
    code = models.CharField(_("客户编码"), max_length=32)
    name = models.CharField(_("客户名称"), max_length=200)
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="customers", verbose_name=_("客户经理"))
    # 需求分析 (§3.2): the needs of the decision makers, the company and its
    # industry, and how it buys. The director's fourth check asks that the
    # three needs be written for every customer with an open project.
    decider_needs = models.TextField(_("决策人的需求"), blank=True)
    company_needs = models.TextField(_("公司的需求"), blank=True)
    industry_needs = models.TextField(_("产业的需求"), blank=True)
    procurement_procedure = models.TextField(_("采购程序"), blank=True)
    # The version of the needs form (the four texts above) alone: the factor
    # scores are one-value saves and never move it (customers.services).
    needs_version = models.PositiveIntegerField(default=0, editable=False)

    profit_contribution = _score(_("利润贡献"))
    continuous_purchase = _score(_("持续采购"))
    high_ground = _score(_("制高点"))
    referral = _score(_("转介绍"))
    payment_terms = _score(_("帐期"))
    learning_opportunity = _score(_("学习的机会"))
    future_product_acceptance = _score(_("未来品接受"))
    credit = _score(_("企业信用"))
    procurement_ease = _score(_("采购流程便利"))
    competitive_situation = _score(_("竞争态势"))
    comparative_ability = _score(_("对比能力"))
    strategic_intent = _score(_("战略意图"))
    attention = _score(_("关注程度"))

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        ordering = ["region", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="customer_code_unique_in_region")]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Contribution(models.Model):
    """资费贡献: customer × product × month. `region` is denormalised so that
    a region's base period is one indexed range scan."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contributions")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="contributions")
    month = models.DateField(_("月份"), help_text="该月第一天")
    revenue = _money(_("收入"))
    cost = _money(_("成本"))
    arrears = _money(_("欠费"))

    class Meta:
        verbose_name = _("资费贡献")
        verbose_name_plural = _("资费贡献")
        constraints = [
            models.UniqueConstraint(fields=["customer", "product", "month"], name="contribution_unique_cell"),
            models.CheckConstraint(condition=models.Q(revenue__gte=0, cost__gte=0, arrears__gte=0),
                                   name="contribution_non_negative"),
        ]
        # Covering index: a region's base period is read by month range and
        # summed per customer × product without touching the table itself
        # (halves the analysis queries on SQLite; PostgreSQL does index-only scans).
        indexes = [models.Index(fields=["region", "month", "customer", "product", "revenue", "cost", "arrears"],
                                name="contribution_region_month_cov")]


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(customer__in=Customer.objects.visible_to(user))


class Contact(models.Model):
    """联系人 with one or more buying roles (§3.2)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=100)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    roles = models.JSONField(_("角色"), default=list, blank=True, help_text="BuyingRole 值的列表")
    attitude = models.CharField(_("态度"), max_length=16, choices=Attitude.choices, default=Attitude.NEUTRAL)
    last_met = models.DateField(_("最近面谈日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)  # moved by every save of the contact form

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["customer", "name"]
        constraints = [models.UniqueConstraint(fields=["customer", "name"], name="contact_unique_name")]

    def __str__(self):
        return self.name


class Competitor(models.Model):
    """竞争对手 in a region, per product series (the top three)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="competitors")
    name = models.CharField(_("名称"), max_length=100)
    product_series = models.CharField(_("产品系列"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("排名"), default=1,
                                            validators=[MinValueValidator(1), MaxValueValidator(3)])
    market_share = models.DecimalField(_("市场份额"), max_digits=5, decimal_places=4, null=True, blank=True,
                                       validators=[MinValueValidator(0), MaxValueValidator(1)])
    # Goal and reaction profile are one of the course's four each, blank
    # until judged, with a note for what the choice does not say.
    goal = models.CharField(_("在本区域的主要目标"), max_length=24, choices=CompetitorGoal.choices, blank=True)
    goal_note = models.TextField(_("目标说明"), blank=True)
    reaction = models.CharField(_("对我方的反应模式"), max_length=24, choices=ReactionProfile.choices, blank=True)
    reaction_note = models.TextField(_("反应说明"), blank=True)
    service_features = models.TextField(_("服务特点"), blank=True)
    operating_means = models.TextField(_("运作手段"), blank=True)
    local_organisation = models.TextField(_("当地组织与人员"), blank=True)
    trend_product = models.TextField(_("在产品方面可能的发展趋势"), blank=True)
    trend_operation = models.TextField(_("在运作方面可能的发展趋势"), blank=True)
    trend_organisation = models.TextField(_("在组织人员方面可能的发展趋势"), blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)  # moved by every save of the competitor form

    class Meta:
        verbose_name = _("竞争对手")
        verbose_name_plural = _("竞争对手")
        ordering = ["region", "product_series", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["region", "product_series", "name"], name="competitor_unique_in_series"),
            models.CheckConstraint(condition=models.Q(goal__in=["", *CompetitorGoal.values]),
                                   name="competitor_goal_known"),
            models.CheckConstraint(condition=models.Q(reaction__in=["", *ReactionProfile.values]),
                                   name="competitor_reaction_known"),
        ]

    def __str__(self):
        return self.name


class ComparisonScore(models.Model):
    """A 1–5 score on one dimension, for a competitor or (competitor empty) for ourselves."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="comparison_scores")
    product_series = models.CharField(_("产品系列"), max_length=100)
    competitor = models.ForeignKey(Competitor, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="scores", help_text="空 = 自己平台")
    dimension = models.CharField(_("维度"), max_length=32, choices=Dimension.choices)
    score = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("对比评分")
        verbose_name_plural = _("对比评分")
        constraints = [
            models.UniqueConstraint(fields=["region", "product_series", "competitor", "dimension"],
                                    condition=models.Q(competitor__isnull=False), name="score_unique_competitor"),
            models.UniqueConstraint(fields=["region", "product_series", "dimension"],
                                    condition=models.Q(competitor__isnull=True), name="score_unique_ours"),
        ]


class IntelligenceChannel(models.Model):
    """The ten channels of the slides; unlawful ones can be switched off."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(_("渠道"), max_length=100)
    enabled = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("情报渠道")
        verbose_name_plural = _("情报渠道")
        ordering = ["order"]

    def __str__(self):
        return self.name


class IntelligenceEntry(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="intelligence")
    date = models.DateField(_("日期"))
    competitor = models.ForeignKey(Competitor, on_delete=models.CASCADE, related_name="intelligence")
    channel = models.ForeignKey(IntelligenceChannel, on_delete=models.PROTECT)
    content = models.TextField(_("内容"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("情报")
        verbose_name_plural = _("情报")
        ordering = ["-date"]


class CustomerStanding(models.Model):
    """A customer's stored analysis results (§3.1, §3.2, §4.1) as of `as_of`.

    Written by the services when what they read changes — a score, a contact,
    an import — and read by every process, so a page sorts, filters and pages
    them in SQL instead of judging the region again. Only values are stored:
    a page writes the reasons for the rows it shows."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, primary_key=True, related_name="standing")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    version = models.PositiveIntegerField()  # the region's data version it was judged at
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    revenue = models.DecimalField(max_digits=16, decimal_places=2)
    cost = models.DecimalField(max_digits=16, decimal_places=2)
    profit = models.DecimalField(max_digits=16, decimal_places=2)
    arrears_end = models.DecimalField(max_digits=16, decimal_places=2)
    combination = models.CharField(max_length=16, null=True)
    scale = models.BooleanField()
    growth = models.BooleanField()
    contribution_class = models.CharField(max_length=16)
    value_class = models.CharField(max_length=16, null=True)
    publicity = models.CharField(max_length=16)
    attractiveness = models.DecimalField(max_digits=6, decimal_places=4, null=True)
    advantage = models.DecimalField(max_digits=6, decimal_places=4, null=True)
    scores_missing = models.BooleanField()
    # The sentences behind the verdicts (a page shows them beside the labels),
    # and the data's suggestions for 利润贡献 and 持续采购: {factor: [score, reason]}.
    reasons = models.JSONField(default=dict)
    suggestions = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["region", "contribution_class"]), models.Index(fields=["region", "owner"]),
                   models.Index(fields=["region", "-revenue", "code"])]


class CustomerCell(models.Model):
    """A non-empty cell of the customer × product matrix over the base period
    of the stored results: the summaries per product and the matrix's rows
    are read from these instead of the contribution rows."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="cells")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    revenue = models.DecimalField(max_digits=16, decimal_places=2)
    cost = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "product"], name="one_cell_per_customer_product")]
        indexes = [models.Index(fields=["region", "product"])]

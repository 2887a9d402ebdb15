from dataclasses import fields as dc_fields
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from teams import permissions
from teams.choices import Role
from tsm.lib.thresholds import DEFAULTS, Thresholds


class User(AbstractUser):
    """A person; the role says what they may do, `regions` where (DOMAIN §0)."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.MANAGER)
    regions = models.ManyToManyField("teams.Region", blank=True, related_name="members", verbose_name=_("区域"))
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.username

    # Who may do what is teams.permissions' to say, not the user's. The admin
    # site asks Django's permissions: an administrator has them all, and the
    # region data's admin pages refuse every change anyway (teams.admin).

    def has_perm(self, perm, obj=None):
        return (self.is_active and permissions.is_administrator(self)) or super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        return (self.is_active and permissions.is_administrator(self)) or super().has_module_perms(app_label)


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The regions the user may read, each marked with whether the user
        belongs to it (permissions.is_member reads the mark: no extra query)."""
        if not user.is_authenticated:
            return self.none()
        if permissions.sees_all_regions(user):
            member = models.Exists(User.regions.through.objects.filter(region=models.OuterRef("pk"), user=user.pk))
            qs = self.annotate(user_is_member=member)
        else:
            qs = self.filter(members=user).annotate(user_is_member=models.Value(True))
        return qs.annotate(member_checked_for=models.Value(user.pk))


class Region(models.Model):
    """区域: the unit of planning."""

    code = models.CharField(_("区域编码"), max_length=32, unique=True)
    name = models.CharField(_("区域名称"), max_length=100)
    # Bumped by every service that changes the region's data; cached analyses
    # are keyed on it, so a change anywhere invalidates them on every worker.
    data_version = models.PositiveIntegerField(default=0, editable=False)
    # The stored analysis results: the projects' standings are as of
    # `results_as_of` and built for `results_built`, the customers' as of
    # `customers_as_of` for `customers_built`; anything that needs the whole
    # region judged again (a threshold, an import, a target) moves
    # `results_wanted` on. A tick, a score or a contact updates its own rows.
    # A `*_claimed_at` marks the worker judging it.
    results_wanted = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    results_as_of = models.DateField(null=True, editable=False)
    results_built = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    results_claimed_at = models.DateTimeField(null=True, editable=False)
    customers_as_of = models.DateField(null=True, editable=False)
    customers_built = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    customers_claimed_at = models.DateTimeField(null=True, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def touch(self) -> None:
        """Mark the region's data as changed (call inside the writing transaction)."""
        Region.objects.filter(pk=self.pk).update(data_version=models.F("data_version") + 1)
        self.refresh_from_db(fields=["data_version"])

    def results_stale(self) -> None:
        """The whole region's stored results must be judged again (its
        thresholds, data or targets changed); the next reader starts it."""
        Region.objects.filter(pk=self.pk).update(results_wanted=models.F("results_wanted") + 1)
        self.refresh_from_db(fields=["results_wanted"])

    def results_fresh(self, today) -> bool:
        return self.results_as_of == today and self.results_built == self.results_wanted

    def customers_fresh(self, today) -> bool:
        return self.customers_as_of == today and self.customers_built == self.results_wanted

    def thresholds(self) -> Thresholds:
        try:
            return self.settings.thresholds()
        except RegionSettings.DoesNotExist:
            return DEFAULTS


def _share(default, help_text):
    return models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=default,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=help_text,
    )


def _factor(default, help_text, max_value=Decimal("100")):
    return models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=default,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(max_value)],
        help_text=help_text,
    )


def _count(default, help_text, max_value=3650):
    return models.PositiveIntegerField(
        default=default, validators=[MaxValueValidator(max_value)], help_text=help_text
    )


class RegionSettings(models.Model):
    """Every threshold of DOMAIN.md, per region, seeded with the defaults."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="settings")

    scale_share = _share(DEFAULTS.scale_share, "规模+：更大客户的累计收入占比低于此值")
    growth_factor = _factor(DEFAULTS.growth_factor, "成长+：近6月收入 ≥ 此倍数 × 去年同期", Decimal("100"))
    rat_arrears_months = _factor(DEFAULTS.rat_arrears_months, "硕鼠：期末欠费 ≥ 此倍数 × 月均收入")
    focus_hare_rat_share = _share(DEFAULTS.focus_hare_rat_share, "提醒：野兔、硕鼠上的项目占比超过此值")
    perf_complete = _factor(DEFAULTS.perf_complete, "完成：实际/目标 ≥ 此值")
    perf_exceed = _factor(DEFAULTS.perf_exceed, "超越：实际/目标 ≥ 此值")
    publicity_window_days = _count(DEFAULTS.publicity_window_days, "宣传接触：最近面谈在此天数内")
    publicity_broad_roles = _count(DEFAULTS.publicity_broad_roles, "广泛宣传：覆盖角色数 ≥ 此值", 5)
    swot_gap = _factor(DEFAULTS.swot_gap, "SWOT 建议：分差达到此值", Decimal("4"))
    value_high = _factor(DEFAULTS.value_high, "价值评估：均分 ≥ 此值为高", Decimal("5"))
    amount_a_share = _share(DEFAULTS.amount_a_share, "A 类项目：金额/经理收入目标 ≥ 此值")
    amount_b_share = _share(DEFAULTS.amount_b_share, "B 类项目：金额/经理收入目标 ≥ 此值")
    amount_a_yuan = models.DecimalField(max_digits=16, decimal_places=2, default=DEFAULTS.amount_a_yuan,
                                        validators=[MinValueValidator(Decimal("0"))],
                                        help_text="无目标时 A 类项目金额下限（元）")
    amount_b_yuan = models.DecimalField(max_digits=16, decimal_places=2, default=DEFAULTS.amount_b_yuan,
                                        validators=[MinValueValidator(Decimal("0"))],
                                        help_text="无目标时 B 类项目金额下限（元）")
    layer_bottom_days = _count(DEFAULTS.layer_bottom_days, "底层：距预计签约 ≤ 此天数")
    layer_middle_days = _count(DEFAULTS.layer_middle_days, "中层：距预计签约 ≤ 此天数")
    high_win_rate = _count(DEFAULTS.high_win_rate, "高赢率：≥ 此百分比", 100)
    inquire_win_rate = _count(DEFAULTS.inquire_win_rate, "询问关注：赢率 ≥ 此百分比", 100)
    stagnant_weeks = _count(DEFAULTS.stagnant_weeks, "停滞：最近此周数内没有进展", 52)
    funnel_min_projects = _count(DEFAULTS.funnel_min_projects, "危险：进行中项目少于此数", 1000)
    funnel_neutral_share = _share(DEFAULTS.funnel_neutral_share, "中性：表层+中层停滞项目占比 ≥ 此值")
    nicher_share = _share(DEFAULTS.nicher_share, "专攻者：市场份额低于此值")
    intuition_coverage = _count(DEFAULTS.intuition_coverage, "凭直觉：高赢率项目角色覆盖少于此数", 5)
    herd_share = _share(DEFAULTS.herd_share, "一窝蜂：同一产品新项目占比超过此值")
    waiting_weeks = _count(DEFAULTS.waiting_weeks, "等靠要：此周数内无新项目且未提交周更新", 52)
    # The version the settings form was read at travels with it; every save
    # moves it on, and a save read at an older one is refused (teams.services).
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("区域参数")
        verbose_name_plural = _("区域参数")

    def __str__(self):
        return f"{self.region.code} 参数"

    def thresholds(self) -> Thresholds:
        return Thresholds(**{f.name: getattr(self, f.name) for f in dc_fields(Thresholds)})


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal read-only token for the JSON API (INTERFACES §4): the
    reporting tools send it as `Authorization: Bearer <token>` and are
    answered as its user. Only the SHA-256 of the token is stored (it is
    shown once, when created); the prefix lets its owner tell tokens apart.
    Revoking keeps the row (who had which token, until when)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户"))
    name = models.CharField(_("用途"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("开头"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.user.username}: {self.name} ({self.prefix}…)"

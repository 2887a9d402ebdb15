from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pipeline.rules import EVIDENCE
from pipeline.choices import KillDegree, Status, TariffEffect  # noqa: F401 (the models' choices)
from teams import permissions
from teams.models import Region


class EvidenceCriterion(models.Model):
    """E1–E12 win-rate criteria (§4.2); the wording is editable in the admin."""

    code = models.CharField(max_length=4, unique=True)
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    text = models.CharField(_("判断标准"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("赢率判断标准")
        verbose_name_plural = _("赢率判断标准")
        ordering = ["order"]

    def __str__(self):
        return f"{self.code} {self.text}"


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Directors and executives see the region's projects; managers their own."""
        qs = self.filter(region__in=Region.objects.visible_to(user))
        scope = permissions.owner_scope(user)
        return qs if scope is None else qs.filter(owner_id=scope)

    def open(self):
        return self.filter(status=Status.OPEN)


class Project(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="projects")
    code = models.CharField(_("项目编码"), max_length=32)
    name = models.CharField(_("项目名称"), max_length=200)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="projects")
    product = models.ForeignKey("customers.Product", on_delete=models.PROTECT, related_name="projects")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects",
                              verbose_name=_("客户经理"))
    amount = models.DecimalField(_("项目金额"), max_digits=16, decimal_places=2, default=Decimal("0"),
                                 validators=[MinValueValidator(Decimal("0"))])
    expected_close = models.DateField(_("预计签约日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    tariff_effect = models.CharField(_("资费影响"), max_length=16, choices=TariffEffect.choices,
                                     default=TariffEffect.INCREASE)
    kill_degree = models.CharField(_("杀伤度"), max_length=8, choices=KillDegree.choices, default=KillDegree.LOW)
    # Ticked criteria codes, e.g. ["E1", "E2"]; the win rate is derived, never typed.
    evidence = models.JSONField(_("证据"), default=list, blank=True)
    competitors = models.ManyToManyField("customers.Competitor", blank=True, related_name="projects",
                                         verbose_name=_("竞争对手"))
    # The contacts involved in this project (the link is the project's: its
    # role coverage counts them). DOMAIN §3.2.
    contacts = models.ManyToManyField("customers.Contact", blank=True, related_name="projects",
                                      verbose_name=_("相关联系人"))
    helpers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assisted_projects",
                                     verbose_name=_("协同人员"))
    # How it was closed (赢单 / 丢单 / 放弃): why, and for a lost one to whom.
    close_reason = models.TextField(_("关闭原因"), blank=True)
    lost_to = models.ForeignKey("customers.Competitor", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="projects_won", verbose_name=_("输给"))
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    # The version of the project form: moved by its saves, by closing, by a
    # handover of its owner and by an import that changes one of FORM_FIELDS;
    # an evidence tick never moves it (a one-value change, STYLE.md).
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    FORM_FIELDS = ("code", "name", "customer", "product", "owner", "amount", "expected_close", "status",
                   "tariff_effect", "kill_degree", "competitors", "contacts", "close_reason", "lost_to")

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["region", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="project_code_unique_in_region")]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        codes = self.evidence if isinstance(self.evidence, list) else None
        if codes is None or any(code not in EVIDENCE for code in codes):
            raise ValidationError({"evidence": "证据应为 E1–E12 的列表，例如 [\"E1\", \"E2\"]"})


class WeeklySnapshot(models.Model):
    """周更新: one per open project per ISO week; written once, never overwritten."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="snapshots")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(53)])
    win_rate = models.PositiveSmallIntegerField(_("赢率"))
    layer = models.CharField(_("漏斗位置"), max_length=8)
    amount = models.DecimalField(_("项目金额"), max_digits=16, decimal_places=2)
    expected_close = models.DateField(_("预计签约日期"))
    note = models.TextField(_("备注"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("周快照")
        verbose_name_plural = _("周快照")
        ordering = ["project", "iso_year", "iso_week"]
        constraints = [models.UniqueConstraint(fields=["project", "iso_year", "iso_week"],
                                               name="one_snapshot_per_week")]


class WeekSubmission(models.Model):
    """A manager's submitted week (who has not submitted is what the director asks)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="week_submissions")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="week_submissions")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("周提交")
        verbose_name_plural = _("周提交")
        constraints = [models.UniqueConstraint(fields=["region", "manager", "iso_year", "iso_week"],
                                               name="one_submission_per_week")]


class RevenueTarget(models.Model):
    """A manager's revenue target for a plan period, handed down by planning.

    The amount class (§4.2) and pipeline coverage (§4.3) read it; planning owns
    the plan and its decomposition and rewrites these rows whenever the
    decomposition of the region's revenue target changes (floors import one
    way: pipeline never reads planning's tables)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="revenue_targets")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="revenue_targets")
    period = models.CharField(_("计划期"), max_length=8)  # '2027' or '2027H1'
    amount = models.DecimalField(_("收入目标"), max_digits=16, decimal_places=2)
    draft = models.BooleanField(_("草稿"), default=True, help_text=_("来自尚未批准的计划"))

    class Meta:
        verbose_name = _("客户经理收入目标")
        verbose_name_plural = _("客户经理收入目标")
        constraints = [models.UniqueConstraint(fields=["region", "manager", "period"],
                                               name="one_revenue_target_per_manager_period")]


class ProjectStanding(models.Model):
    """An open project's stored analysis results (§4.2, §4.3) as of `as_of`.

    Written by the services when what they read changes — a tick, a score of
    its customer, a contact, an import — and read by every process: the
    funnel sorts, filters, pages and sums them in SQL. Only values are stored:
    a page writes the reasons for the rows it shows."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="standing")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    version = models.PositiveIntegerField()  # the region's data version it was judged at
    code = models.CharField(max_length=32)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    expected_close = models.DateField()
    win_rate = models.PositiveSmallIntegerField()
    layer = models.CharField(max_length=8)
    overdue = models.BooleanField()
    amount_class = models.CharField(max_length=1)
    category = models.CharField(max_length=16)
    tactic = models.CharField(max_length=16)
    conclusion = models.CharField(max_length=24)
    coverage = models.PositiveSmallIntegerField()
    stagnant = models.BooleanField()
    weighted = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["region", "code"]), models.Index(fields=["region", "owner", "layer"])]

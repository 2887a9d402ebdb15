from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorFamily(models.TextChoices):
    """The four categories of the indicator catalogue (§5)."""

    FINANCE = "finance", _("财务类")
    IMAGE = "image", _("形象类")
    MANAGEMENT = "management", _("管理类")
    MARKET = "market", _("市场类")


class TargetFamily(models.TextChoices):
    """The four families of targets (§6.1): the targets' basic content."""

    FINANCE = "finance", _("财务贡献")
    GROWTH = "growth", _("客户增长")
    SATISFACTION = "satisfaction", _("客户满意")
    MANAGEMENT = "management", _("管理动作")


# (key, title) of §6.2's sections, in order; the key names the section's
# text in Plan.sections and its block in templates/planning/document/sections.html.
SECTIONS = (
    ("summary", _("计划摘要")),
    ("contribution", _("客户贡献及绩效分析")),
    ("swot", _("SWOT 及问题分析")),
    ("targets", _("营销目标及分解")),
    ("strategy", _("三项策略")),
    ("actions", _("市场行动计划")),
    ("pnl", _("预计损益")),
    ("organisation", _("营销组织过程")),
    ("milestones", _("里程碑与控制手段")),
)
SECTION_TITLES = dict(SECTIONS)

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

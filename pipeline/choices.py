"""The pipeline floor's enumerations: one source for each value and its label."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Status(TextChoices):
    OPEN = "open", _("进行中")
    WON = "won", _("赢单")
    LOST = "lost", _("丢单")
    ABANDONED = "abandoned", _("放弃")


class TariffEffect(TextChoices):
    INCREASE = "increase", _("资费增加")
    DECREASE = "decrease", _("资费减少")


class KillDegree(TextChoices):
    HIGH = "high", _("高")
    LOW = "low", _("低")


class AmountClass(TextChoices):
    A = "A", _("A类（重要／非常大）")
    B = "B", _("B类（部分／比较大）")
    C = "C", _("C类（少量／一般）")


class Layer(TextChoices):
    """Top of the funnel first."""

    SURFACE = "surface", _("表层")
    MIDDLE = "middle", _("中层")
    BOTTOM = "bottom", _("底层")


class Category(TextChoices):
    STRATEGIC = "strategic", _("战略类")
    KILLER = "killer", _("杀伤类")
    REVENUE = "revenue", _("收益类")
    SUICIDE = "suicide", _("自杀类")


class Tactic(TextChoices):
    DEFENSE = "defense", _("防御战")
    GUERRILLA = "guerrilla", _("游击战")
    STORMING = "storming", _("攻坚战")
    BLITZ = "blitz", _("闪电战")
    POSITIONAL = "positional", _("阵地战")


class Conclusion(TextChoices):
    INTENSIVE_ATTACK = "intensive_attack", _("密集进攻")
    ACTIVE_INVESTMENT = "active_investment", _("主动投入")
    INQUIRE = "inquire", _("询问关注")
    WAIT = "wait", _("等待观察")


class FunnelHealth(TextChoices):
    DANGER = "danger", _("危险")
    NEUTRAL = "neutral", _("中性")
    HEALTHY = "healthy", _("良性")

"""The customer floor's enumerations: one source for each value and its label.

Models, rules, forms and templates all read these (a rule's verdict carries
the label, so no template ever cuts a label out of a reason)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Combination(TextChoices):
    HIGH_PROFIT = "high_profit", _("高盈利")
    PROFITABLE = "profitable", _("可盈利")
    LOSS = "loss", _("亏损")


class ContributionClass(TextChoices):
    """In the order the course lists them; `unclassified`: no base-period data."""

    FAT_SHEEP = "fat_sheep", _("肥羊")
    REINDEER = "reindeer", _("驯鹿")
    HOUND = "hound", _("猎狗")
    HARE = "hare", _("野兔")
    RAT = "rat", _("硕鼠")
    UNCLASSIFIED = "unclassified", _("未分类")


class BuyingRole(TextChoices):
    INITIATOR = "initiator", _("提出需求")
    SEARCHER = "searcher", _("寻找")
    DECIDER = "decider", _("决策")
    USER = "user", _("使用")
    EVALUATOR = "evaluator", _("评价")


class Attitude(TextChoices):
    SUPPORT = "support", _("支持")
    NEUTRAL = "neutral", _("中立")
    OPPOSE = "oppose", _("反对")


class Publicity(TextChoices):
    BROAD = "broad", _("广泛宣传")
    PARTIAL = "partial", _("局部宣传")
    BLANK = "blank", _("大片空白")


class Performance(TextChoices):
    SHORT = "short", _("欠缺")
    MET = "met", _("完成")
    EXCEEDED = "exceeded", _("超越")


class ValueClass(TextChoices):
    CONSOLIDATE = "consolidate", _("巩固类")
    INVEST = "invest", _("投入类")
    HARVEST = "harvest", _("收获类")
    MAINTAIN = "maintain", _("兼顾类")


# The course numbers the value classes 一级 … 四级.
VALUE_CLASS_RANK = {"consolidate": _("一级"), "invest": _("二级"), "harvest": _("三级"), "maintain": _("四级")}
VALUE_PENDING = _("待评估")
# 客户策略总结 (§4.2): a 巩固类 or 投入类 customer whose publicity leaves roles unmet.
FOCUS_LABEL = _("重点：加强宣传接触")

# Whether a customer's contribution class is one the course expects of its value class (§4.1).
VALUE_FIT = _("符合")
VALUE_MISFIT = _("不符合")
VALUE_FIT_NONE = _("不判断")


class Dimension(TextChoices):
    """Nine comparison dimensions (§3.3), in three groups."""

    CORE_METRICS = "core_metrics", _("核心指标")
    PERFORMANCE = "performance", _("性能优劣")
    SERVICE_MODEL = "service_model", _("服务模式")
    PRICING = "pricing", _("价格体系")
    PULL_CONCEPT = "pull_concept", _("拉动概念")
    PUSH_MEANS = "push_means", _("推动手段")
    COORDINATION = "coordination", _("组织配合")
    ACCOUNT_DIRECTOR = "account_director", _("客户主任")
    MANAGER_TEAM = "manager_team", _("经理队伍")


class CompetitorGoal(TextChoices):
    """A competitor's main goal in the region (§3.3); blank: not yet judged."""

    TARGET_CUSTOMERS = "target_customers", _("目标客户")
    SIMILAR_PRODUCTS = "similar_products", _("同类产品")
    SHORT_TERM_PROFIT = "short_term_profit", _("短期利润")
    LONG_TERM_MARKET = "long_term_market", _("长期市场")


class ReactionProfile(TextChoices):
    """How a competitor reacts to us (§3.3); blank: not yet judged."""

    LAID_BACK = "laid_back", _("从容")
    FIERCE = "fierce", _("凶猛")
    SELECTIVE = "selective", _("选择")
    UNPREDICTABLE = "unpredictable", _("随机")

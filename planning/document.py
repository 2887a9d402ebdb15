"""The regional marketing plan as a document (DOMAIN §6.2): the nine
sections, in order, assembled from the data as of the plan's date, each
with the director's text where words are needed.

`plan_content(plan)` returns plain JSON-able data (strings, numbers as
decimal strings, lists, dicts): the live draft renders it, a submission
freezes it in PlanVersion.content, and the page, the executive summary and
the PDF all render the same dict through templates/planning/document/."""

from django.utils.translation import gettext_lazy as _

from planning.models import Plan
from planning.plan_data import plan_data
from tsm.lib.periods import base_period

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


def plan_content(plan: Plan) -> dict:
    """The whole document as data, as of the plan's date."""
    texts = plan.sections or {}
    return {
        "region": {"code": plan.region.code, "name": plan.region.name},
        "period": plan.period,
        "as_of": plan.as_of.isoformat(),
        "base_period": base_period(plan.as_of).as_dict(),
        "sections": [{"key": key, "title": str(title), "text": texts.get(key, ""), "data": {}}
                     for key, title in SECTIONS],
        "data": plan_data(plan),
    }

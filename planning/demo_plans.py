"""The demo region's plans (load_demo): this year's, approved, and a
complete draft for next year — responsibilities confirmed, a target in each
of the four families, the revenue target split to the fen by the suggested
split and signed by every manager with a part, and every section written.

Built through the same services a director, an executive and the managers
use in the browser, so the demo shows nothing the application could not
have produced. A plan that already exists is left as it is (re-runs)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from customers.models import Contribution
from planning import plan_services, revenue, workflow
from planning.models import Indicator, Plan, PlanVersion
from planning.pdf_services import plan_pdf_now
from teams.models import Role, User
from tsm.lib.periods import base_period

# One or more indicators of each category of the catalogue (弹钢琴), by name.
INDICATORS = {
    "区域整体资费贡献": "director", "欠费追收": "manager1", "回款": "manager2",
    "客户满意度比率": "manager3",
    "竞争情况/客户资源/行业发展三项信息收集": "manager4", "合格员工数量": "director",
    "新项目增量": "manager1", "市场活动数量和效果": "director",
}

# (family, name, value, unit): the four families of §6.1 besides the revenue target.
TARGETS = (
    ("finance", "欠费追收率", Decimal("95.00"), "%"),
    ("growth", "新增战略类客户", Decimal("12.00"), "个"),
    ("satisfaction", "客户满意度", Decimal("90.00"), "%"),
    ("management", "每周更新按时提交率", Decimal("100.00"), "%"),
)

SECTION_TEXTS = {
    "summary": "巩固肥羊与驯鹿客户，向投入类客户集中资源；数据业务从挑战者转向重点进攻，全年收入目标较基期增长约 8%。",
    "contribution": "基期收入集中在少数规模客户：看好肥羊、盯紧驯鹿；硕鼠客户收紧信用，停止补贴。",
    "swot": "以网络覆盖和本地服务的优势抓住政务上云的机会；用行业方案弥补产品线短板。",
    "targets": "总目标按基期各月实际占比分解到客户经理与产品，客户经理已签字确认。",
    "strategy": "抓两头、看中间：底层项目密集进攻，表层项目主动投入；对数据业务第一对手重点进攻。",
    "actions": "每月一次重点客户高层拜访，每季一次行业解决方案巡展。",
    "pnl": "资金占用按基期应收水平估算，回款以月度核查跟进。",
    "organisation": "部门价值：为重点客户提供一站式通信与信息化服务；岗位按行业设置客户经理，每人负责 60–80 个客户。",
    "milestones": "一季度完成重点客户高层拜访；年中完成竞争对手扫描；三季度前签约全部战略类项目。",
}


def _people(region) -> tuple[User | None, dict[str, User]]:
    people = {u.username: u for u in User.objects.filter(regions=region, role__in=[Role.DIRECTOR, Role.MANAGER])}
    director = next((u for u in people.values() if u.role == Role.DIRECTOR), None)
    return director, people


def _base_revenue(region, as_of: dt.date) -> Decimal:
    period = base_period(as_of)
    return (Contribution.objects.filter(customer__region=region, month__gte=period.start, month__lte=period.end)
            .aggregate(total=Sum("revenue"))["total"] or Decimal("0"))


def draft_plan(region, period: str, as_of: dt.date, *, growth: Decimal = Decimal("0.08")) -> Plan | None:
    """A complete draft: ready to be submitted. None when the plan exists already."""
    if Plan.objects.filter(region=region, period=period).exists():
        return None
    director, people = _people(region)
    plan = plan_services.plan_create(region=region, period=period, today=as_of)
    catalogue = {i.name: i for i in Indicator.objects.filter(name__in=INDICATORS)}
    for name, username in INDICATORS.items():
        if name in catalogue:
            plan_services.plan_indicator_confirm(plan=plan, indicator=catalogue[name], confirmed=True)
            responsible = people.get(username) or director
            plan_services.plan_indicator_responsible_set(plan=plan, indicator=catalogue[name], responsible=responsible)
    # The executive's total: the base period's revenue grown, to the fen.
    total = (_base_revenue(region, as_of) * (1 + growth)).quantize(Decimal("0.01"))
    revenue.total_set(plan=plan, value=total)
    for family, name, value, unit in TARGETS:
        plan_services.target_add(plan=plan, family=family, name=name, value=value, unit=unit)
    revenue.suggestion_adopt(plan=plan, mode="product")
    for manager in User.objects.filter(pk__in=revenue.revenue_target(plan).parts.values("manager_id")):
        revenue.sign(plan=plan, manager=manager)
    Plan.objects.filter(pk=plan.pk).update(sections=dict(SECTION_TEXTS))
    plan.refresh_from_db()
    return plan



def approved_plan(region, period: str, as_of: dt.date) -> PlanVersion | None:
    """A plan drafted on `as_of`, submitted by the region's director and
    approved by an executive (which queues its PDF; `approved_pdf` renders it
    at once). None when the plan exists already or the demo's people are
    missing (an account named like them that is not theirs)."""
    director, _people_ = _people(region)
    executive = (User.objects.filter(role=Role.EXECUTIVE, username="executive").first()
                 or User.objects.filter(role=Role.EXECUTIVE).order_by("pk").first())
    if director is None or executive is None:
        return None
    plan = draft_plan(region, period, as_of, growth=Decimal("0.06"))
    if plan is None:
        return None
    workflow.plan_submit(plan=plan, user=director)
    return workflow.plan_approve(plan=plan, user=executive, comment="同意。重点关注投入类客户的项目推进。")


def approved_pdf(version: PlanVersion) -> int:
    """The approved version's PDF, rendered now and stored (bytes)."""
    return len(plan_pdf_now(plan=version.plan, version=version))

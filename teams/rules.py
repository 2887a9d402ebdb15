"""Team rules of the TSM method (DOMAIN.md §8): the coaching signals for the
five common problems of account managers, and a workload-based headcount.

Each signal is `Verdict(bool, reason)`: True means the problem shows, and the
reason carries the evidence (counts, project codes) the director talks about.
The selectors decide the period and hand over small plain inputs.
"""

import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from tsm.lib.numbers import fmt_pct, fmt_rate
from tsm.lib.thresholds import DEFAULTS, Thresholds, Verdict

COACHING_SIGNAL_LABELS = {
    "gatekeeping": "守大门",
    "intuition": "凭直觉",
    "herd": "一窝蜂",
    "lone_ranger": "独行侠",
    "waiting": "等靠要",
}

# 团队管理的误区: a self-check list on the team page.
TEAM_PITFALLS = ("一成不变", "目标错位", "过多感性", "缺乏程序和方法", "沟通不利", "倚赖自我", "判断失误")


def gatekeeping(projects_on_new_customers: int, projects_on_new_products: int) -> Verdict:
    """守大门: no project in the period on a new customer (one without
    base-period revenue) or on a product new to its customer."""
    if projects_on_new_customers == 0 and projects_on_new_products == 0:
        return Verdict(True, "守大门：本期没有新客户或新产品的项目")
    return Verdict(
        False, f"本期新客户项目 {projects_on_new_customers} 个，新产品项目 {projects_on_new_products} 个"
    )


def intuition(projects: Iterable[tuple[str, int, int]], *, t: Thresholds = DEFAULTS) -> Verdict:
    """凭直觉: open projects, given as (code, win rate, role coverage), rated at
    ≥ high_win_rate while fewer than intuition_coverage buying roles are known
    — a high rate nobody in the customer's decision chain backs up."""
    flagged = [
        f"{code}（赢率 {rate}%，角色 {coverage}/5）"
        for code, rate, coverage in projects
        if rate >= t.high_win_rate and coverage < t.intuition_coverage
    ]
    rule = f"赢率 ≥ {t.high_win_rate}% 但角色覆盖 < {t.intuition_coverage}"
    if flagged:
        return Verdict(True, f"凭直觉：{len(flagged)} 个项目{rule}：{'；'.join(flagged)}")
    return Verdict(False, f"没有{rule}的项目")


def herd(new_projects_by_product: Mapping[str, int], *, t: Thresholds = DEFAULTS) -> Verdict:
    """一窝蜂: more than herd_share of the team's new projects in a month are
    on one product (given as product name -> count for that month)."""
    total = sum(new_projects_by_product.values())
    if total == 0:
        return Verdict(False, "本月团队没有新项目")
    product, most = max(new_projects_by_product.items(), key=lambda item: item[1])
    said = f"本月团队 {total} 个新项目中 {most} 个在 {product}，占 {fmt_pct(Decimal(most) / total)}"
    if most > t.herd_share * total:
        return Verdict(True, f"一窝蜂：{said} > {fmt_rate(t.herd_share)}")
    return Verdict(False, f"{said} ≤ {fmt_rate(t.herd_share)}")


def lone_ranger(projects: Iterable[tuple[str, str, int]]) -> Verdict:
    """独行侠: A-class projects, given as (code, amount class, people involved
    besides the owner), that nobody but the owner works on."""
    alone = [code for code, amount_class, others in projects if amount_class == "A" and others == 0]
    if alone:
        return Verdict(True, f"独行侠：{len(alone)} 个A类项目没有第二人参与：{'、'.join(alone)}")
    return Verdict(False, "每个A类项目都有第二人参与")


def waiting(
    last_new_project: date | None, last_submission: date | None, as_of: date, *, t: Thresholds = DEFAULTS
) -> Verdict:
    """等靠要: neither a new project nor a weekly submission in the last
    waiting_weeks weeks (on or after as_of − weeks × 7 days)."""
    since = as_of - timedelta(weeks=t.waiting_weeks)
    recent_project = last_new_project is not None and last_new_project >= since
    recent_submission = last_submission is not None and last_submission >= since
    if recent_project or recent_submission:
        latest = [
            f"{what} {day.isoformat()}"
            for what, day, recent in (("最近新项目", last_new_project, recent_project),
                                      ("最近周提交", last_submission, recent_submission))
            if recent
        ]
        return Verdict(False, f"近 {t.waiting_weeks} 周有动作：{'，'.join(latest)}")
    return Verdict(
        True,
        f"等靠要：{since.isoformat()} 以来没有新项目（最近 {_day(last_new_project)}），"
        f"也没有提交周更新（最近 {_day(last_submission)}）",
    )


def _day(day: date | None) -> str:
    return "从未" if day is None else day.isoformat()


def suggested_headcount(
    customers: int, open_projects: int, customers_per_manager: int, projects_per_manager: int
) -> Verdict:
    """人员规模 from workload: enough managers for both the customers and the
    open projects at the loads the director sets (rounded up; at least 1
    when there is any work)."""
    if customers_per_manager <= 0 or projects_per_manager <= 0:
        raise ValueError("loads per manager must be positive")
    by_customers = math.ceil(customers / customers_per_manager)
    by_projects = math.ceil(open_projects / projects_per_manager)
    needed = max(by_customers, by_projects)
    return Verdict(
        needed,
        f"建议 {needed} 人：客户 {customers} ÷ 每人 {customers_per_manager} → {by_customers} 人，"
        f"进行中项目 {open_projects} ÷ 每人 {projects_per_manager} → {by_projects} 人",
    )

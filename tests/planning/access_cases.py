import datetime as dt
from decimal import Decimal

from django.utils import timezone

from customers.models import Competitor, Contribution, Customer
from planning.document import plan_content
from planning.models import (
    Indicator, Plan, PlanIndicator, PlanRender, PlanVersion, SpecialAction, SwotItem, Target, TargetPart,
)
from tests.access import DIRECTOR_ONLY, EVERYONE, REGION_A_READERS, Case
from tsm.lib.periods import add_months, base_period


# A form that saves several fields posts the version it was read at: the
# world's records start at version 0, which is also the version of a record
# not yet created (a pairing's first action, a series' first position).
def _director_post(**kwargs) -> Case:
    return Case(ok=DIRECTOR_ONLY, method="post", ok_status=(302,), **kwargs)


CASES = {
    "swot": Case(ok=REGION_A_READERS),
    "swot_item_add": _director_post(data={"kind": "S", "text": "新的优势"}),
    "swot_item_delete": _director_post(kwargs=lambda w: {"region": "A", "pk": w["swot_items"][0].pk}),
    # Nothing picked: refused with 400, which only a director reaches (the ids differ per test run).
    "swot_advanced": Case(ok=DIRECTOR_ONLY, method="post", ok_status=(400,), data={"items": []}),
    "swot_action": _director_post(data={"pairing": "SO", "action": "以优势抓住机会", "version": "0"}),
    "value_grid": Case(ok=REGION_A_READERS),
    # The owner and the director may score; the executive reads; the other manager does not see it.
    "value_grid_customer": Case(ok={"director", "manager_a1", "executive", "administrator"},
                                kwargs=lambda w: {"region": "A", "code": "C1"}),
    "value_grid_accept": Case(ok={"director", "manager_a1"}, method="post", ok_status=(302,),
                              kwargs=lambda w: {"region": "A", "code": "C-GRID"},
                              data={"factor": "continuous_purchase", "score": "5"}),
    # The director accepts a misfit pair (or undoes it); a one-value toggle, so no version is posted.
    "value_fit_accept": _director_post(kwargs=lambda w: {"region": "A", "code": "C-GRID"},
                                       data={"value_class": "maintain", "contribution_class": "fat_sheep"}),
    "value_fit_undo": _director_post(kwargs=lambda w: {"region": "A", "code": "C-GRID"}),
    "strategy": Case(ok=REGION_A_READERS),
    "strategy_positioning": _director_post(data={"product_series": "数据", "target_market": "金融行业", "version": "0"}),
    "strategy_position": _director_post(data={"product_series": "数据", "our_share": "30", "version": "0"}),
    "strategy_stance": _director_post(kwargs=lambda w: {"region": "A", "pk": w["competitor"].pk},
                                      data={"stance": "hold", "version": "0"}),
    "special_action_add": _director_post(data={"family": "pull", "kind": "广告", "title": "行业广告",
                                               "month": "2027-03", "budget": "100"}),
    "special_action_delete": _director_post(kwargs=lambda w: {"region": "A", "pk": w["special_action"].pk}),
    # A region's plans: its readers; the plan in draft: not the executive (managers see their own targets).
    "plans": Case(ok=REGION_A_READERS),
    "plan": Case(ok={"director", "manager_a1", "manager_a2", "administrator"}, kwargs=lambda w: _plan_kwargs()),
    "plan_indicator_confirm": _director_post(kwargs=lambda w: {**_plan_kwargs(), "pk": w["indicator"].pk},
                                             data={"confirmed": "1"}),
    "plan_indicator_responsible": _director_post(kwargs=lambda w: {**_plan_kwargs(), "pk": w["indicator"].pk},
                                                 data={"responsible": ""}),
    "plan_target_add": _director_post(kwargs=lambda w: _plan_kwargs(),
                                      data={"family": "growth", "name": "新增客户", "value": "5", "unit": "个"}),
    "plan_target_edit": _director_post(kwargs=lambda w: {**_plan_kwargs(), "pk": w["target"].pk},
                                       data={"name": "新增客户", "value": "6", "unit": "个", "version": "0"}),
    "plan_target_delete": _director_post(kwargs=lambda w: {**_plan_kwargs(), "pk": w["target"].pk}),
    # The plan document and its executive summary: who reads the plan in its state (a draft: not the
    # executive, not the managers); the director writes a section's text and answers 问题分析.
    "plan_document": Case(ok={"director", "administrator"}, kwargs=lambda w: _plan_kwargs()),
    "plan_summary": Case(ok={"director", "administrator"}, kwargs=lambda w: _plan_kwargs()),
    # 附录 of the approved 2025 plan: its frozen workbook, read by whoever reads the region's approved plans
    "plan_appendix": Case(ok=REGION_A_READERS, kwargs=lambda w: {"region": "A", "period": "2025"}),
    "plan_section_save": _director_post(kwargs=lambda w: {**_plan_kwargs(), "key": "summary"},
                                        data={"text": "主要策略变化", "version": "0"}),
    "plan_answer_save": _director_post(kwargs=lambda w: _plan_kwargs(), data={"key": "check:needs", "text": "补齐"}),
    # A customer's page loads the actions aimed at it: whoever reads the customer (C1 is manager_a1's).
    "planning:customer_actions": Case(ok={"director", "manager_a1", "executive", "administrator"},
                                      kwargs=lambda w: {"region": "A", "code": "C1"}),
    "planning:customer_publicity": Case(ok={"director", "manager_a1", "executive", "administrator"},
                                        kwargs=lambda w: {"region": "A", "code": "C1"}),
    # 绩效 on the contribution page: planning's panel, read by whoever reads the region's contributions.
    "planning:performance": Case(ok=REGION_A_READERS),
    # The plan as data (INTERFACES §4): plan A 2027 is a draft with no version, which the
    # executive never reads; the managers read their own rows of it.
    "api_plan": Case(ok={"director", "manager_a1", "manager_a2", "administrator"}, kwargs=lambda w: _plan_kwargs(),
                     anonymous=401),
    # 收入目标分解 of plan A 2027 (a total of 1000.00, manager_a1's one part);
    # the executive sets totals, the director proposes (2027H1 has none), saves and adopts;
    # a manager reads and signs their own rows only.
    "revenue_split": Case(ok=REGION_A_READERS, kwargs=lambda w: {"region": "A", "period": "2027"}),
    "revenue_xlsx": Case(ok=REGION_A_READERS, kwargs=lambda w: {"region": "A", "period": "2027"}),
    "revenue_total": Case(ok={"executive"}, method="post", ok_status=(302,),
                          kwargs=lambda w: {"region": "A", "period": "2027"}, data={"value": "2000"}),
    "revenue_propose": _director_post(kwargs=lambda w: {"region": "A", "period": "2027H1"}, data={"value": "500"}),
    "revenue_adopt": _director_post(kwargs=lambda w: {"region": "A", "period": "2027"}, data={"by": "product"}),
    # No row named: refused with 400, which only a director reaches.
    "revenue_row": Case(ok=DIRECTOR_ONLY, method="post", ok_status=(400,),
                        kwargs=lambda w: {"region": "A", "period": "2027"}, data={"by": "product"}),
    # The workflow (§6.2): plan A 2027 is a draft that cannot be submitted yet (400, the director only);
    # plan A 2026 is submitted (version 1), plan A 2025 approved (version 1).
    "plan_submit": Case(ok=DIRECTOR_ONLY, method="post", ok_status=(400,), kwargs=lambda w: _plan_kwargs()),
    "plan_approve": Case(ok={"executive"}, method="post", ok_status=(302,),
                         kwargs=lambda w: {"region": "A", "period": "2026"}, data={"comment": "同意"}),
    "plan_return": Case(ok={"executive"}, method="post", ok_status=(302,),
                        kwargs=lambda w: {"region": "A", "period": "2026"}, data={"comment": "目标偏低"}),
    "plan_revise": Case(ok=DIRECTOR_ONLY, method="post", ok_status=(302,),
                        kwargs=lambda w: {"region": "A", "period": "2025"}),
    "plan_versions": Case(ok=REGION_A_READERS, kwargs=lambda w: {"region": "A", "period": "2026"}),
    "plan_version": Case(ok=REGION_A_READERS, kwargs=lambda w: {"region": "A", "period": "2026", "number": 1}),
    "plan_version_compare": Case(ok=REGION_A_READERS,
                                 kwargs=lambda w: {"region": "A", "period": "2026", "number": 1}),
    # Site level: the executives' all-regions page; 待办 of everyone signed in.
    "plans_overview": Case(ok={"executive", "administrator"}, kwargs=lambda w: {}),
    "todo": Case(ok=EVERYONE, kwargs=lambda w: {}),
    "revenue_sign": Case(ok={"manager_a1"}, method="post", ok_status=(302,),
                         kwargs=lambda w: {"region": "A", "period": "2027", "manager": w["manager_a1"].pk}),
    # The PDF: a preview of the draft is the director's (executives never see drafts); a frozen
    # version's (its PDF stored already, so nothing is rendered here) every reader's of a submitted plan.
    "plan_pdf_preview": Case(ok=DIRECTOR_ONLY, method="post", ok_status=(302,), kwargs=lambda w: _plan_kwargs(),
                             data={"kind": "summary"}),
    "plan_pdf_status": Case(ok={"director", "administrator"},
                            kwargs=lambda w: {**_plan_kwargs(), "token": w["draft_render"].token}),
    "plan_pdf_file": Case(ok={"director", "administrator"},
                          kwargs=lambda w: {**_plan_kwargs(), "token": w["draft_render"].token}),
    "plan_pdf_retry": Case(ok=DIRECTOR_ONLY, method="post", ok_status=(302,),
                           kwargs=lambda w: {**_plan_kwargs(), "token": w["failed_render"].token}),
    "version_pdf": Case(ok=REGION_A_READERS, ok_status=(302,), kwargs=lambda w: {"region": "A", "period": "2025",
                                                                                  "number": 1}),
    "version_summary_pdf": Case(ok=REGION_A_READERS, ok_status=(302,),
                                kwargs=lambda w: {"region": "A", "period": "2025", "number": 1}),
}


def _plan_kwargs() -> dict:
    return {"region": "A", "period": "2027"}


def extend_world(world) -> dict:
    """Region A gets a picked 2+2+2+2 SWOT, a competitor in the world product's
    series, a customer with a full base period (so 持续采购 suggests 5) and a
    special action."""
    region = world["region_a"]
    items = [SwotItem.objects.create(region=region, kind=kind, text=f"{kind}{n}", advanced=True,
                                     source="industry" if kind in "OT" else "")
             for kind in "SWOT" for n in (1, 2)]
    competitor = Competitor.objects.create(region=region, name="对手甲", product_series=world["product"].series,
                                           market_share=Decimal("0.4"))
    scored = Customer.objects.create(region=region, code="C-GRID", name="评分客户", owner=world["manager_a1"])
    period = base_period(timezone.localdate())
    Contribution.objects.bulk_create(
        Contribution(region=region, customer=scored, product=world["product"], month=add_months(period.start, m),
                     revenue=Decimal("100.00"), cost=Decimal("10.00"))
        for m in range(12)
    )
    action = SpecialAction.objects.create(region=region, family="push", kind="促单", title="季末促单",
                                          month=dt.date(2027, 3, 1))
    action.target_customers.add(world["customer"])
    plan = Plan.objects.create(region=region, period="2027", as_of=timezone.localdate(), revenue_target=Decimal("1000"))
    Plan.objects.create(region=region, period="2027H1", as_of=timezone.localdate())
    revenue = Target.objects.create(plan=plan, family="finance", name="区域整体资费贡献", value=Decimal("1000.00"))
    TargetPart.objects.create(target=revenue, manager=world["manager_a1"], product=world["product"],
                              month=dt.date(2027, 1, 1), amount=Decimal("1000.00"))
    indicator = Indicator.objects.order_by("pk").first()
    PlanIndicator.objects.create(plan=plan, indicator=indicator)
    target = Target.objects.create(plan=plan, family="growth", name="新增客户", value=Decimal("3"), unit="个")
    for period, status in (("2026", "submitted"), ("2025", "approved")):
        frozen = Plan.objects.create(region=region, period=period, as_of=timezone.localdate(), status=status)
        # the approved version's PDF is stored already, so the PDF cases render nothing
        version = PlanVersion.objects.create(plan=frozen, number=1, as_of=frozen.as_of, content=plan_content(frozen),
                                             pdf=b"%PDF-1.7 stored" if status == "approved" else None,
                                             status=status)
        if status == "approved":
            Plan.objects.filter(pk=frozen.pk).update(approved_version=version)
    draft_render = PlanRender.objects.create(plan=plan, status="done", pdf=b"%PDF-1.7 draft")
    failed_render = PlanRender.objects.create(plan=plan, status="failed", error="x")
    return {"draft_render": draft_render, "failed_render": failed_render, "swot_items": items, "competitor": competitor, "scored_customer": scored, "special_action": action,
            "plan": plan, "indicator": indicator, "target": target}

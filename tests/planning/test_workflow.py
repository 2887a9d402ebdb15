"""The plan's approval workflow (planning.workflow; DOMAIN §6.2): every
transition and refusal, frozen content, a revision keeping the approved
version standing, the pages, 待办 and the mail of each event."""

import io

import pytest
from django.core.exceptions import ValidationError

from pipeline.models import RevenueTarget
from planning import revenue, workflow
from planning import workflow_selectors as wsel
from planning.models import Plan, PlanStatus, PlanVersion, Target
from planning.versions_compare import changed_keys, compare, headline, text_diff
from tests.planning.workflow_world import ready_plan


# Approving queues the version's PDF for the worker; these tests are about the workflow.
pytestmark = pytest.mark.usefixtures("queued_tasks")

@pytest.fixture
def mails(director, manager_a1, executive):
    for user in (director, manager_a1, executive):
        user.email = f"{user.username}@tsm.test"
        user.save()


@pytest.fixture
def plan(region_a, manager_a1):
    return ready_plan(region_a, manager_a1)


def _status(plan):
    return Plan.objects.get(pk=plan.pk).status


def _submitted(plan, director):
    return workflow.plan_submit(plan=plan, user=director)


# --- submit ---------------------------------------------------------------------------------------------


def test_submit_freezes_version_one_with_the_plans_content(plan, director):
    version = _submitted(plan, director)
    assert (version.number, version.status, version.submitted_by, version.as_of) == (1, "submitted", director,
                                                                                     plan.as_of)
    assert _status(plan) == "submitted"
    assert version.content["period"] == "2027" and version.content["data"]["revenue_target"] == "1000.00"
    # 附录 frozen with it: its decomposition sheet holds the plan's one part
    from openpyxl import load_workbook

    parts = list(load_workbook(io.BytesIO(bytes(version.appendix)))["目标分解"].iter_rows(values_only=True))
    assert [row[-1] for row in parts[1:]] == [1000]


def test_submit_refused_with_every_blocker_and_nothing_written(region_a, director):
    plan = Plan.objects.create(region=region_a, period="2028", as_of="2026-11-27")
    with pytest.raises(ValidationError) as refused:
        workflow.plan_submit(plan=plan, user=director)
    assert len(refused.value.messages) >= 8  # 4 categories, 4 families (the total too)
    assert all(m.startswith("计划 2028 还不能提交：") for m in refused.value.messages)
    assert _status(plan) == "draft" and not PlanVersion.objects.exists()


@pytest.mark.parametrize("who", ["manager_a1", "executive", "director_b", "administrator"])
def test_only_the_regions_director_submits(plan, who, request):
    with pytest.raises(ValidationError, match="只有本区域的大客户部主任可以提交"):
        workflow.plan_submit(plan=plan, user=request.getfixturevalue(who))
    assert _status(plan) == "draft" and not PlanVersion.objects.exists()


def test_a_submitted_plan_is_not_submitted_again_nor_edited(plan, director):
    _submitted(plan, director)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="现在已提交，不是草稿"):
        workflow.plan_submit(plan=plan, user=director)
    with pytest.raises(ValidationError, match="已提交，不能再修改"):
        from planning.plan_services import target_add
        target_add(plan=plan, family="growth", name="再加一个", value="1", unit="个")
    with pytest.raises(ValidationError, match="总目标不能再修改"):
        revenue.total_set(plan=plan, value="2000")
    assert PlanVersion.objects.count() == 1 and Target.objects.filter(name="再加一个").count() == 0


# --- approve and return ---------------------------------------------------------------------------------


def test_approve_makes_the_version_standing_and_the_revenue_targets_final(plan, director, executive, manager_a1):
    version = _submitted(plan, director)
    assert list(RevenueTarget.objects.values_list("manager_id", "draft")) == [(manager_a1.pk, True)]
    workflow.plan_approve(plan=plan, user=executive, comment="同意", section_comments={"summary": "摘要清楚"})
    plan.refresh_from_db()
    version.refresh_from_db()
    assert (plan.status, plan.approved_version_id) == ("approved", version.pk)
    assert (version.status, version.decided_by, version.comment, version.section_comments) == (
        "approved", executive, "同意", {"summary": "摘要清楚"})
    assert list(RevenueTarget.objects.values_list("manager_id", "amount", "draft")) == [
        (manager_a1.pk, 1000, False)]


def test_return_needs_a_comment_and_keeps_per_section_comments(plan, director, executive):
    version = _submitted(plan, director)
    with pytest.raises(ValidationError, match="退回计划时请填写总体批示"):
        workflow.plan_return(plan=plan, user=executive, comment="  ", section_comments={"swot": "再想想"})
    assert _status(plan) == "submitted"
    workflow.plan_return(plan=plan, user=executive, comment="目标偏低", section_comments={"swot": "再想想", "pnl": ""})
    version.refresh_from_db()
    assert (_status(plan), version.status, version.comment, version.section_comments) == (
        "returned", "returned", "目标偏低", {"swot": "再想想"})


def test_a_returned_plan_is_edited_and_submitted_as_version_two(plan, director, executive):
    _submitted(plan, director)
    workflow.plan_return(plan=plan, user=executive, comment="改")
    plan.refresh_from_db()
    Plan.objects.filter(pk=plan.pk).update(sections={"summary": "新的摘要"})
    plan.refresh_from_db()
    version = workflow.plan_submit(plan=plan, user=director)
    assert version.number == 2 and _status(plan) == "submitted"


def test_unknown_section_comment_is_refused(plan, director, executive):
    _submitted(plan, director)
    with pytest.raises(ValidationError, match="未知的计划章节“nope”"):
        workflow.plan_approve(plan=plan, user=executive, section_comments={"nope": "x"})
    assert _status(plan) == "submitted"


def test_the_director_does_not_approve_their_own_plan(plan, director):
    _submitted(plan, director)
    for move in (workflow.plan_approve, workflow.plan_return):
        with pytest.raises(ValidationError, match="大客户部主任不能.*自己区域的营销计划"):
            move(plan=plan, user=director, comment="好")
    assert _status(plan) == "submitted" and PlanVersion.objects.get().decided_by is None


@pytest.mark.parametrize("who", ["manager_a1", "director_b", "administrator"])
def test_only_an_executive_decides(plan, director, who, request):
    _submitted(plan, director)
    for move in (workflow.plan_approve, workflow.plan_return):
        with pytest.raises(ValidationError):
            move(plan=plan, user=request.getfixturevalue(who), comment="好")
    assert _status(plan) == "submitted"


def test_a_draft_is_neither_approved_nor_returned(plan, executive):
    for move in (workflow.plan_approve, workflow.plan_return):
        with pytest.raises(ValidationError, match="现在草稿，不是已提交"):
            move(plan=plan, user=executive, comment="好")
    assert _status(plan) == "draft"


def test_a_decided_plan_is_not_decided_again(plan, director, executive):
    _submitted(plan, director)
    workflow.plan_approve(plan=plan, user=executive)
    with pytest.raises(ValidationError, match="现在已批准"):
        workflow.plan_return(plan=plan, user=executive, comment="改")
    assert _status(plan) == "approved" and PlanVersion.objects.get().status == "approved"


# --- frozen content and revision ------------------------------------------------------------------------


def test_frozen_content_does_not_follow_live_changes(plan, director, executive):
    version = _submitted(plan, director)
    frozen = PlanVersion.objects.get(pk=version.pk).content
    workflow.plan_return(plan=plan, user=executive, comment="改")
    plan.refresh_from_db()
    Target.objects.filter(plan=plan, family="growth").update(value=99)
    Plan.objects.filter(pk=plan.pk).update(sections={"summary": "改过的摘要"})
    assert PlanVersion.objects.get(pk=version.pk).content == frozen
    assert {"family": "growth", "name": "growth 目标", "value": "1.00", "unit": "个"} in frozen["data"]["targets"]


def test_revision_keeps_the_approved_version_standing_until_approved(plan, director, executive, manager_a1):
    first = _submitted(plan, director)
    workflow.plan_approve(plan=plan, user=executive)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="只有本区域的大客户部主任可以修订"):
        workflow.plan_revise(plan=plan, user=executive)
    workflow.plan_revise(plan=plan, user=director)
    plan.refresh_from_db()
    assert (plan.status, plan.approved_version_id) == ("draft", first.pk)
    # the director changes the decomposition: pipeline keeps the approved targets
    revenue.total_set(plan=plan, value="3000")
    revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=plan.targets.get(
        family="finance").parts.get().product_id, values={"2027-01": "3000"})
    assert list(RevenueTarget.objects.values_list("amount", "draft")) == [(1000, False)]
    revenue.sign(plan=plan, manager=manager_a1)
    plan.refresh_from_db()
    second = workflow.plan_submit(plan=plan, user=director)
    plan.refresh_from_db()
    assert (second.number, plan.approved_version_id) == (2, first.pk)
    workflow.plan_return(plan=plan, user=executive, comment="再改")
    plan.refresh_from_db()
    assert plan.approved_version_id == first.pk
    assert list(RevenueTarget.objects.values_list("amount", "draft")) == [(1000, False)]
    third = workflow.plan_submit(plan=plan, user=director)
    workflow.plan_approve(plan=plan, user=executive)
    plan.refresh_from_db()
    assert (plan.status, plan.approved_version_id) == ("approved", third.pk)
    assert list(RevenueTarget.objects.values_list("amount", "draft")) == [(3000, False)]
    assert PlanVersion.objects.get(pk=first.pk).status == "approved"


def test_only_an_approved_plan_is_revised(plan, director):
    with pytest.raises(ValidationError, match="现在草稿，不是已批准"):
        workflow.plan_revise(plan=plan, user=director)


def test_approval_queues_the_versions_pdf_and_a_return_does_not(plan, director, executive):
    from django_tasks_db.models import DBTaskResult

    from planning.models import PlanRender

    version = _submitted(plan, director)
    workflow.plan_return(plan=plan, user=executive, comment="请补充")
    assert PlanRender.objects.count() == 0
    workflow.plan_submit(plan=plan, user=director)
    approved = workflow.plan_approve(plan=plan, user=executive, comment="同意")
    renders = PlanRender.objects.order_by("pk")
    assert [(r.version_id, r.kind, r.status) for r in renders] == [
        (approved.pk, "plan", "queued"), (approved.pk, "summary", "queued")]  # the plan first: its charts are cached
    assert approved.pk != version.pk
    # queued on the worker's database queue in the approval's own transaction
    assert DBTaskResult.objects.filter(task_path__endswith="plan_render_task").count() == 2


# --- compare (pure) -------------------------------------------------------------------------------------


def _doc(text="", data=None, plan_data=None):
    return {"sections": [{"key": "summary", "title": "计划摘要", "text": text, "data": data or {}}],
            "data": plan_data or {}}


@pytest.mark.parametrize(("old", "new", "keys"), [
    ({}, {}, []),
    ({"a": 1}, {"a": 1}, []),
    ({"a": 1}, {"a": 2}, ["a"]),
    ({"a": 1}, {}, ["a"]),
    ({}, {"b": {"c": 1}}, ["b"]),
    ({"b": {"c": 1, "d": 2}}, {"b": {"c": 1, "d": 3}}, ["b.d"]),
    ({"l": [1, 2]}, {"l": [1, 2, 3]}, ["l"]),
])
def test_changed_keys(old, new, keys):
    assert changed_keys(old, new) == keys


def test_text_diff_lists_removed_and_added_lines():
    assert text_diff("一\n二\n三", "一\n贰\n三") == [("-", "二"), ("+", "贰")]
    assert text_diff("同", "同") == []


def test_compare_goes_section_by_section_then_the_plan_data():
    changes = compare(_doc("旧", {"growth": "0.1"}, {"revenue_target": "1.00"}),
                      _doc("新", {"growth": "0.1"}, {"revenue_target": "2.00"}))
    assert [(c["key"], c["text"], c["data"], c["changed"]) for c in changes] == [
        ("summary", [("-", "旧"), ("+", "新")], [], True), ("data", [], ["revenue_target"], True)]
    assert [c["changed"] for c in compare(_doc("同"), _doc("同"))] == [False, False]
    assert compare(None, _doc("新"))[0]["text"] == [("+", "新")]


def test_headline_reads_the_summary_data():
    assert headline(_doc(data={"growth": "0.12", "funnel_health": "健康"}, plan_data={"revenue_target": "9.00"})) == {
        "revenue_target": "9.00", "growth": "0.12", "funnel_health": "健康"}
    assert headline({}) == {"revenue_target": None, "growth": None, "funnel_health": None}


# --- mail and 待办 ---------------------------------------------------------------------------------------


def test_each_event_mails_whom_it_concerns(plan, director, executive, mails, mailoutbox,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _submitted(plan, director)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_return(plan=plan, user=executive, comment="目标偏低", section_comments={"swot": "再想想"})
    plan.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        _submitted(plan, director)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_approve(plan=plan, user=executive)
    assert [(m.to, m.subject[:5]) for m in mailoutbox] == [
        (["executive@tsm.test"], "【待批准】"), (["director_a@tsm.test"], "【被退回】"),
        (["executive@tsm.test"], "【待批准】"), (["director_a@tsm.test"], "【已批准】")]
    assert "目标偏低" in mailoutbox[1].body and "SWOT 及问题分析：再想想" in mailoutbox[1].body


def test_a_mail_links_to_the_page_on_the_site_address(plan, director, executive, mails, mailoutbox, settings,
                                                     django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://tsm.example.cn"
    with django_capture_on_commit_callbacks(execute=True):
        _submitted(plan, director)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_return(plan=plan, user=executive, comment="目标偏低", section_comments={})
    submitted, returned = mailoutbox
    assert submitted.body.splitlines()[-1] == f"https://tsm.example.cn/r/A/plans/{plan.period}/versions/1/"
    assert returned.body.splitlines()[-1] == f"https://tsm.example.cn/r/A/plans/{plan.period}/"
    assert returned.body.splitlines()[:2] == [f"华东一区 的 {plan.period} 营销计划第 1 版被退回。", "批示：目标偏低"]


def test_a_refused_move_mails_nobody(plan, executive, mails, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        workflow.plan_approve(plan=plan, user=executive)
    assert mailoutbox == []


def test_a_change_voiding_a_signature_mails_that_manager(plan, manager_a1, mails, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    product_id = plan.targets.get(family="finance").parts.get().product_id
    with django_capture_on_commit_callbacks(execute=True):
        revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=product_id,
                         values={"2027-01": "600", "2027-02": "400"})
    assert [(m.to, m.subject[:7]) for m in mailoutbox] == [(["manager_a1@tsm.test"], "【请重新签字】")]
    with django_capture_on_commit_callbacks(execute=True):  # already void: not again
        revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=product_id,
                         values={"2027-01": "500", "2027-02": "500"})
    assert len(mailoutbox) == 1


def test_todos_wait_for_whom_they_concern(plan, director, executive, manager_a1, manager_a2):
    assert [t.kind for t in wsel.todos(manager_a1)] == []  # signed
    product_id = plan.targets.get(family="finance").parts.get().product_id
    revenue.row_save(plan=plan, mode="product", manager=manager_a1, item_id=product_id, values={"2027-01": "999"})
    revenue.row_save(plan=plan, mode="product", manager=manager_a2, item_id=product_id, values={"2027-02": "1"})
    assert [t.kind for t in wsel.todos(manager_a1)] == ["resign"]
    assert [t.kind for t in wsel.todos(manager_a2)] == ["sign"]
    revenue.sign(plan=plan, manager=manager_a1)
    revenue.sign(plan=plan, manager=manager_a2)
    assert wsel.todos(executive) == [] and wsel.todos(director) == []
    plan.refresh_from_db()
    _submitted(plan, director)
    assert [(t.kind, t.url) for t in wsel.todos(executive)] == [("approve", "/r/A/plans/2027/")]
    assert wsel.todos(manager_a1) == []
    workflow.plan_return(plan=plan, user=executive, comment="目标偏低")
    assert [(t.kind, t.note) for t in wsel.todos(director)] == [("returned", "目标偏低")]
    assert wsel.todos(executive) == []

from tests.access import DIRECTOR_ONLY, REGION_A_READERS, Case

CUSTOMER_READERS = {"director", "manager_a1", "executive", "administrator"}
PROJECT_WRITERS = {"director", "manager_a1"}  # X1 is manager_a1's


def _project(w):
    return {"region": "A", "code": "X1"}


CASES = {
    "funnel": Case(ok=REGION_A_READERS),
    # 客户策略总结 and its Excel download (a manager gets their own customers in both)
    "strategy_summary": Case(ok=REGION_A_READERS),
    "strategy_summary_xlsx": Case(ok=REGION_A_READERS),
    # The director's checks panel (on 客户贡献分析) and a customer's projects panel (on its page).
    "director_checks": Case(ok=REGION_A_READERS),
    "customer_projects": Case(ok=CUSTOMER_READERS, kwargs=lambda w: {"region": "A", "code": "C1"}),
    # the form without JavaScript: the boxes it showed ticked and those chosen (a tick is tested in test_evidence)
    # editing without a workbook: a customer's record and handover are the director's; a project is
    # added by the director or a manager of the region, edited and closed by its owner or the director
    # (their POSTs, and 404 for a manager on another's project, in test_project_editing)
    "customer_edit": Case(ok=DIRECTOR_ONLY, kwargs=lambda w: {"region": "A", "code": "C1"}),
    "customer_transfer": Case(ok=DIRECTOR_ONLY),
    "project_add": Case(ok={"director", "manager_a1", "manager_a2"}),
    "project_edit": Case(ok=PROJECT_WRITERS, kwargs=_project),
    "project_close": Case(ok=PROJECT_WRITERS, kwargs=_project),
    "project_evidence": Case(ok={"director", "manager_a1"}, method="post", ok_status=(302,),
                             kwargs=lambda w: {"region": "A", "code": "X1"},
                             data={"shown": ["E1"], "evidence": ["E1", "E2"]}),
}

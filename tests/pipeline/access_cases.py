from tests.access import REGION_A_READERS, Case

CUSTOMER_READERS = {"director", "manager_a1", "executive", "administrator"}

CASES = {
    "funnel": Case(ok=REGION_A_READERS),
    # 客户策略总结 and its Excel download (a manager gets their own customers in both)
    "strategy_summary": Case(ok=REGION_A_READERS),
    "strategy_summary_xlsx": Case(ok=REGION_A_READERS),
    # The director's checks panel (on 客户贡献分析) and a customer's projects panel (on its page).
    "director_checks": Case(ok=REGION_A_READERS),
    "customer_projects": Case(ok=CUSTOMER_READERS, kwargs=lambda w: {"region": "A", "code": "C1"}),
    # the form without JavaScript: the boxes it showed ticked and those chosen (a tick is tested in test_evidence)
    "project_evidence": Case(ok={"director", "manager_a1"}, method="post", ok_status=(302,),
                             kwargs=lambda w: {"region": "A", "code": "X1"},
                             data={"shown": ["E1"], "evidence": ["E1", "E2"]}),
}

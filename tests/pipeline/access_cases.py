from tests.access import REGION_A_READERS, Case

CASES = {
    "funnel": Case(ok=REGION_A_READERS),
    "project_evidence": Case(ok={"director", "manager_a1"}, method="post", ok_status=(302,),
                             kwargs=lambda w: {"region": "A", "code": "X1"}, data={"evidence": ["E1"]}),
}

"""Who may reach the analysis pages of the customers app (see tests/test_access_walk.py).

The world's customer C1 belongs to manager_a1: manager_a2 must not see it,
executives read it, only the director and its manager change it."""

from tests.access import DIRECTOR_ONLY, REGION_A_READERS, Case

CUSTOMER_READERS = {"director", "manager_a1", "executive", "administrator"}
CUSTOMER_WRITERS = {"director", "manager_a1"}


def _customer(w):
    return {"region": "A", "code": "C1"}


CASES = {
    "contribution": Case(ok=REGION_A_READERS),
    "customer_detail": Case(ok=CUSTOMER_READERS, kwargs=_customer),
    "decision": Case(ok=REGION_A_READERS),
    "decision_customer": Case(ok=CUSTOMER_READERS, kwargs=_customer),
    "customer_needs": Case(ok=CUSTOMER_WRITERS, kwargs=_customer, method="post", ok_status=(302,),
                           data={"procurement_procedure": "招标", "decider_needs": "稳定", "version": "0"}),
    "contact_add": Case(ok=CUSTOMER_WRITERS, kwargs=_customer, method="post", ok_status=(302,),
                        data={"name": "李四", "roles": ["decider"], "attitude": "support"}),
    "contact_edit": Case(ok=CUSTOMER_WRITERS, kwargs=lambda w: {"region": "A", "code": "C1", "pk": w["decision_contact"].pk}),
    "competitors": Case(ok=REGION_A_READERS),
    "competitor_add": Case(ok=DIRECTOR_ONLY, method="post", ok_status=(302,),
                           data={"product_series": "数据", "name": "对手乙", "rank": "2"}),
    "competitor_edit": Case(ok=DIRECTOR_ONLY, kwargs=lambda w: {"region": "A", "pk": w["rival"].pk}),
    "comparison_scores": Case(ok=DIRECTOR_ONLY, method="post", ok_status=(302,),
                              data={"series": "数据", "own-core_metrics": "4"}),
    "intelligence_add": Case(ok=DIRECTOR_ONLY, method="post", ok_status=(302,),
                             kwargs=lambda w: {"region": "A", "pk": w["rival"].pk},
                             data={"date": "2026-01-05", "channel": "manager", "content": "降价"}),
}


def extend_world(world):
    from customers.models import Competitor, Contact

    # Rank 3: other apps' worlds may put their own competitor first in the same series.
    rival = Competitor.objects.create(region=world["region_a"], name="对手丙", product_series=world["product"].series,
                                      rank=3)
    contact = Contact.objects.create(customer=world["customer"], name="张三", roles=["user"])
    return {"rival": rival, "decision_contact": contact}

"""The region's open projects judged by pipeline.analysis.analyse_projects (as
the full recompute runs it: pipeline.selectors.compute_project_analysis)
against the pure rules of pipeline/rules.py, called project by project.

Random small regions stored in the database, drawn to sit on the rules'
boundaries: amounts of exactly 20 % and 5 % of the owner's target, or of
1,000,000 and 200,000 without one; close dates 14/15 and 70/71 days away,
today and yesterday; evidence with a gap and an unknown code; contacts linked
to the project or only to its customer. Every value, label and reason (the
amount class's written when read) is the rule's own."""

import datetime as dt
import pickle
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers import rules as crules
from customers.models import Contact, Customer, Product
from customers.rules import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS
from customers.selectors import compute_customer_analysis
from pipeline import rules
from pipeline import selectors as psel
from pipeline.analysis import document_rows
from pipeline.models import Project, RevenueTarget
from pipeline.rules import EVIDENCE
from pipeline.selectors import compute_project_analysis
from teams.models import Region, RegionSettings
from tests.customers.test_analysis import assert_same

AS_OF = dt.date(2026, 11, 27)
FACTORS = [f for f, _ in ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS]

target = st.sampled_from([None, ("2026", "5000000.00"), ("2026H2", "5000000.00"), ("2026", "0.00"),
                          ("2025", "100.00")])
amount = st.sampled_from(["1000000.00", "999999.99", "250000.00", "249999.99", "200000.00", "199999.99", "0.00",
                          "3000000.00"])
evidence = st.lists(st.sampled_from([*EVIDENCE, "E13"]), max_size=12, unique=True)
close = st.sampled_from([-30, -1, 0, 1, 14, 15, 70, 71, 400])  # days from as_of
roles = st.lists(st.sampled_from(["initiator", "searcher", "decider", "user", "evaluator", "boss"]), max_size=5)
customer = st.fixed_dictionaries({
    "score": st.sampled_from([None, "1.0", "2.5", "4.0"]),  # every factor the same: one of the four classes, or none
    "attractive": st.booleans(),
    "contacts": st.lists(roles, max_size=3),
    "projects": st.lists(st.fixed_dictionaries({
        "owner": st.integers(0, 1), "amount": amount, "close": close, "evidence": evidence,
        "status": st.sampled_from(["open", "open", "open", "won", "lost"]),
        "tariff_effect": st.sampled_from(["increase", "decrease"]), "kill_degree": st.sampled_from(["high", "low"]),
        "links": st.lists(st.integers(0, 2), max_size=2, unique=True),
    }), max_size=4),
})
thresholds = st.fixed_dictionaries({
    "amount_a_share": st.sampled_from(["0.20", "0.05"]),
    "layer_bottom_days": st.sampled_from([14, 0]),
    "layer_middle_days": st.sampled_from([70, 15]),
    "high_win_rate": st.sampled_from([60, 40]),
    "inquire_win_rate": st.sampled_from([40, 60, 0]),
})


def build(region, owners, customers, targets, settings_) -> None:
    RegionSettings.objects.filter(region=region).update(**settings_)
    product = Product.objects.create(code="P0", name="产品", series="系列")
    for owner, t in zip(owners, targets):
        if t is not None:
            RevenueTarget.objects.create(region=region, manager=owner, period=t[0], amount=Decimal(t[1]))
    n = 0
    for i, c in enumerate(customers):
        scores = {f: None if c["score"] is None else Decimal(c["score"]) for f in FACTORS}
        if c["score"] is not None and not c["attractive"]:
            scores["profit_contribution"] = Decimal("0.0")  # attractiveness below the advantage
        obj = Customer.objects.create(region=region, code=f"C{i}", name=f"客户{i}", owner=owners[i % 2], **scores)
        contacts = [Contact.objects.create(customer=obj, name=f"联系人{j}", roles=r) for j, r in enumerate(c["contacts"])]
        for p in c["projects"]:
            project = Project.objects.create(
                region=region, code=f"J{n:03d}", name="项目", customer=obj, product=product, owner=owners[p["owner"]],
                amount=Decimal(p["amount"]), expected_close=AS_OF + dt.timedelta(days=p["close"]),
                evidence=p["evidence"], status=p["status"], tariff_effect=p["tariff_effect"],
                kill_degree=p["kill_degree"])
            project.contacts.set([contacts[k] for k in p["links"] if k < len(contacts)])
            n += 1


def project_by_project(region) -> dict[int, dict]:
    """Each open project's verdicts from the rules, called on its own row."""
    t = region.thresholds()
    # which plan's targets, and a half-year's doubled: pipeline.rules.revenue_target_choice, tested on its own
    chosen = psel.revenue_targets(region, AS_OF)
    out = {}
    for p in Project.objects.filter(region=region, status="open").select_related("customer"):
        owner_target = chosen.for_amount_class.get(p.owner_id)
        c = p.customer
        value_class = crules.value_class([getattr(c, f) for f, _ in ATTRACTIVENESS_FACTORS],
                                         [getattr(c, f) for f, _ in ADVANTAGE_FACTORS], t=t).value
        rate = rules.win_rate([e for e in p.evidence if e in EVIDENCE], p.status)
        (layer, overdue), layer_reason = rules.layer(AS_OF, p.expected_close, t=t)
        amount_class = rules.amount_class(p.amount, owner_target, t=t, source=chosen.source)
        linked = list(p.contacts.all())
        contacts = linked or list(c.contacts.all())
        out[p.pk] = {
            "win_rate": rate, "layer": (layer, layer_reason), "overdue": overdue, "amount_class": amount_class,
            "category": rules.category(p.tariff_effect, p.kill_degree), "tactic": rules.tactic(layer, rate.value, t=t),
            "conclusion": rules.conclusion(layer, value_class, amount_class.value, rate.value, t=t),
            "coverage": crules.role_coverage(x.roles for x in contacts),
            "stagnant": rules.is_stagnant([], t=t),
            "weighted": rules.weighted_amount(p.amount, rate.value),
            "amount": p.amount, "evidence": [e for e in p.evidence if e in EVIDENCE],
        }
    return out


VERDICTS = ["win_rate", "amount_class", "category", "tactic", "conclusion", "coverage", "stagnant"]


@pytest.mark.django_db
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(customers=st.lists(customer, min_size=1, max_size=4), targets=st.tuples(target, target),
       settings_=thresholds)
def test_every_value_and_reason_is_the_rules_own(region_a, manager_a1, manager_a2, customers, targets, settings_):
    with transaction.atomic():
        build(region_a, [manager_a1, manager_a2], customers, targets, settings_)
        region = Region.objects.select_related("settings").get(pk=region_a.pk)
        # as the full recompute runs it: nothing read from a cache
        fast = compute_project_analysis(region, AS_OF, customers=compute_customer_analysis(region, AS_OF)).projects
        expected = project_by_project(region)
        # the export's rows, read as judged (before any result object is built) and from a cached analysis's results
        judged = document_rows(fast)
        assert judged == document_rows(pickle.loads(pickle.dumps(fast)))
        code_of = {pk: p.code for pk, p in fast.items()}
        assert [row["code"] for row in judged] == sorted(code_of.values())
        by_code = {row["code"]: row for row in judged}
        for pk, want in expected.items():
            assert by_code[code_of[pk]] == {
                "code": code_of[pk], "win_rate": want["win_rate"].value, "layer": want["layer"][0],
                "overdue": want["overdue"], "amount_class": want["amount_class"].value,
                "category": want["category"].value, "tactic": want["tactic"].value,
                "conclusion": want["conclusion"].value, "role_coverage": want["coverage"].value}
        assert fast.keys() == expected.keys()
        for pk, want in expected.items():
            got = fast[pk]
            for name in VERDICTS:
                assert_same(getattr(got, name), want[name], f"{got.code} {name}")
            assert (got.layer.value, got.layer.reason) == want["layer"]
            assert (got.overdue, got.amount, got.weighted, got.evidence) == (
                want["overdue"], want["amount"], want["weighted"], want["evidence"])
        transaction.set_rollback(True)

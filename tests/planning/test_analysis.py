"""The analysis document of INTERFACES.md §3: command and cache (the API: test_api.py)."""

import datetime as dt
import io
import json
import pickle
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from customers.models import Contact, Contribution, Customer, Product
from pipeline.models import Project
from customers.analysis import CustomerResults
from pipeline.analysis import ProjectResults
from planning.analysis import compute, region_analysis, to_json
from tsm.lib.periods import add_months

AS_OF = dt.date(2026, 11, 27)  # base period 2025-11 .. 2026-10


@pytest.fixture
def region_data(region_a, manager_a1):
    p1 = Product.objects.create(code="DL01", name="互联网专线", series="数据业务")
    p2 = Product.objects.create(code="VO01", name="语音专线", series="语音业务")
    big = Customer.objects.create(region=region_a, code="C0002", name="大客户", owner=manager_a1,
                                  **{f: Decimal("4") for f in ATTR + ADV})
    small = Customer.objects.create(region=region_a, code="C0001", name="小客户", owner=manager_a1)
    Customer.objects.create(region=region_a, code="C0003", name="无数据客户", owner=manager_a1)
    start = dt.date(2025, 11, 1)
    rows = []
    for m in range(12):
        month = add_months(start, m)
        rows.append(Contribution(region=region_a, customer=big, product=p1, month=month,
                                 revenue=Decimal("10000.00"), cost=Decimal("4000.00")))
        rows.append(Contribution(region=region_a, customer=small, product=p1, month=month,
                                 revenue=Decimal("500.00"), cost=Decimal("100.00")))
        rows.append(Contribution(region=region_a, customer=small, product=p2, month=month,
                                 revenue=Decimal("100.00"), cost=Decimal("300.00")))
    Contribution.objects.bulk_create(rows)
    Contact.objects.create(customer=big, name="王总", roles=["decider", "initiator"], last_met=AS_OF)
    Project.objects.create(region=region_a, code="P0001", name="专线扩容", customer=big, product=p1,
                           owner=manager_a1, amount=Decimal("1000000.00"), expected_close=dt.date(2026, 12, 11),
                           evidence=["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9"],
                           tariff_effect="increase", kill_degree="high")
    Project.objects.create(region=region_a, code="P0002", name="丢了", customer=big, product=p1,
                           owner=manager_a1, amount=Decimal("5.00"), expected_close=dt.date(2026, 12, 11),
                           status="lost")
    return region_a


ATTR = ["profit_contribution", "continuous_purchase", "high_ground", "referral", "payment_terms",
        "learning_opportunity", "future_product_acceptance", "credit", "procurement_ease"]
ADV = ["competitive_situation", "comparative_ability", "strategic_intent", "attention"]

EXPECTED = {
    "region": "A",
    "as_of": "2026-11-27",
    "base_period": {"start": "2025-11", "end": "2026-10"},
    "customers": [
        # small: one cell — (500-100 ≥ 0), one cell — (100-300 < 0): profitable; 600 of 126,600
        {"code": "C0001", "combination": "profitable", "scale": False, "growth": False,
         "contribution_class": "hare", "value_class": None, "publicity": "blank", "value_fit": None,
         "revenue": "7200.00", "profit": "2400.00"},
        {"code": "C0002", "combination": "high_profit", "scale": True, "growth": False,
         "contribution_class": "fat_sheep", "value_class": "consolidate", "publicity": "partial", "value_fit": True,
         "revenue": "120000.00", "profit": "72000.00"},
        {"code": "C0003", "combination": None, "scale": False, "growth": False,
         "contribution_class": "unclassified", "value_class": None, "publicity": "blank", "value_fit": None,
         "revenue": "0.00", "profit": "0.00"},
    ],
    "projects": [
        # 60 %, 14 days to close: bottom; no target: ¥1,000,000 is A; consolidate: 密集进攻
        {"code": "P0001", "win_rate": 60, "layer": "bottom", "overdue": False, "amount_class": "A",
         "category": "strategic", "tactic": "blitz", "conclusion": "intensive_attack",
         "role_coverage": 2},
    ],
}


def test_export_analysis_prints_the_interfaces_document(region_data, tmp_path):
    out = tmp_path / "a.json"
    call_command("export_analysis", "--region", "A", "--as-of", "2026-11-27", "--out", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == EXPECTED


def test_export_analysis_writes_to_stdout_by_default(region_data):
    buf = io.StringIO()
    call_command("export_analysis", "--region", "A", "--as-of", "2026-11-27", stdout=buf)
    assert json.loads(buf.getvalue())["customers"][1]["contribution_class"] == "fat_sheep"


def test_export_analysis_names_an_unknown_region_and_a_bad_date(region_data):
    with pytest.raises(CommandError, match="ZZ"):
        call_command("export_analysis", "--region", "ZZ")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("export_analysis", "--region", "A", "--as-of", "2026-13-01")


def test_an_empty_region_analyses_without_error(region_a):
    doc = to_json(region_analysis(region_a, AS_OF))
    assert doc["customers"] == [] and doc["projects"] == []


def test_the_cached_analysis_follows_a_data_change(region_data):
    assert region_analysis(region_data, AS_OF).customers  # cached now
    Contribution.objects.filter(customer__code="C0001", product__code="DL01").update(cost=Decimal("2000.00"))
    stale = region_analysis(region_data, AS_OF)
    assert {c.code: c.combination.value for c in stale.customers.values()}["C0001"] == "profitable"
    region_data.touch()  # what every write service does
    fresh = region_analysis(region_data, AS_OF)
    assert {c.code: c.combination.value for c in fresh.customers.values()}["C0001"] == "loss"


def test_changing_a_threshold_changes_the_result(region_data):
    before = region_analysis(region_data, AS_OF)
    assert {c.code: c.scale.value for c in before.customers.values()}["C0001"] is False
    settings = region_data.settings
    settings.scale_share = Decimal("1.0000")  # everybody with revenue is "scale +"
    settings.save()
    region_data.refresh_from_db()
    after = region_analysis(region_data, AS_OF)
    assert {c.code: c.scale.value for c in after.customers.values()}["C0001"] is True


def test_the_document_is_the_same_judged_or_cached_and_a_manager_reads_their_own(region_data, manager_a2, director):
    """to_json reads a fresh analysis's judged rows and a cached one's result
    objects (pickled): the same document, narrowed the same way."""
    Customer.objects.create(region=region_data, code="C0004", name="二号的客户", owner=manager_a2)
    judged = compute(region_data, AS_OF)
    cached = pickle.loads(pickle.dumps(compute(region_data, AS_OF)))
    assert not isinstance(cached.customers, CustomerResults) and not isinstance(cached.projects, ProjectResults)
    for analysis in (judged, cached):
        everything = to_json(analysis)
        assert [c["code"] for c in everything["customers"]] == ["C0001", "C0002", "C0003", "C0004"]
        assert {**everything, "customers": everything["customers"][:3]} == EXPECTED
        assert to_json(analysis, director) == everything
        own = to_json(analysis, manager_a2)
        assert [c["code"] for c in own["customers"]] == ["C0004"] and own["projects"] == []
    assert to_json(judged) == to_json(cached)

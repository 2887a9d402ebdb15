"""The region's customers judged column-wise (customers.analysis.analyse_customers
over customers.selectors.period_fen's fen sums) against the pure rules.

Over random small regions stored in the database — amounts, scores, dates
and thresholds drawn so that the rules' boundaries are hit exactly (R = 1.1 ×
Y, a mean of 2.5, a contact met on the window's first day …) — every
customer's values, labels and reasons are those the rules of
customers/rules.py give when each is called row by row on the raw rows,
with Decimal money. The reasons are written when read (LazyVerdict): the
test reads every one of them."""

import datetime as dt
import pickle
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers import rules
from customers.analysis import document_rows
from customers.models import Contact, Contribution, Customer, Product
from customers.rules import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS
from customers.selectors import compute_customer_analysis
from teams.models import Region, RegionSettings
from tsm.lib.periods import add_months, base_period
from tsm.lib.thresholds import LazyVerdict, Verdict

AS_OF = dt.date(2026, 11, 27)
PERIOD = base_period(AS_OF)  # 2025-11 .. 2026-10
# The 18 months read (Y, P, R) and one older, which nothing may count.
MONTHS = [add_months(PERIOD.end, -k) for k in range(19)]
A = [f for f, _ in ATTRACTIVENESS_FACTORS]
B = [f for f, _ in ADVANTAGE_FACTORS]

# Few amounts, so that sums tie and meet the thresholds exactly: R = 1.1 × Y
# (11 and 10), arrears of 3 months (2.50 of 10 a year), a profit of 0 …
revenue = st.sampled_from(["0.00", "1.00", "2.00", "10.00", "11.00", "20.00", "22.00", "0.01", "99999.99"])
cost = st.sampled_from(["0.00", "1.00", "2.00", "10.00", "11.00", "0.01"])
arrears = st.sampled_from(["0.00", "0.00", "0.50", "2.50", "5.00", "0.01"])
# Months by their distance from the base period's end: its end (R, and the
# arrears), R's first, P's last, P's (and the base period's) first, Y's last
# and first, and the month before anything read.
month = st.sampled_from([0, 1, 5, 6, 11, 12, 17, 18])
score = st.sampled_from([None, "0.0", "2.4", "2.5", "2.5", "2.6", "5.0", "3.0", "1.5"])
role = st.sampled_from(["initiator", "searcher", "decider", "user", "evaluator", "not-a-role"])
# Days before as_of a contact was met: both ends of a 180- and a 30-day window, and never.
met = st.sampled_from([None, 0, 1, 29, 30, 31, 179, 180, 181, -1, 400])

# (product, month) -> (revenue, cost, arrears): random, or one row at the end
# of the base period (R, the arrears) and one a year earlier (Y), whose
# figures the thresholds are then aimed at (`aim`).
rows = st.one_of(
    st.dictionaries(st.tuples(st.integers(0, 1), month), st.tuples(revenue, cost, arrears), max_size=6),
    st.builds(lambda r, a, y: {(0, 0): (r, "1.00", a), (1, 12): (y, "0.00", "0.00")},
              revenue, st.sampled_from(["0.50", "2.50", "5.00", "1.00"]), revenue),
)
customer = st.fixed_dictionaries({
    "rows": rows,
    "scores": st.one_of(st.lists(score, min_size=13, max_size=13),
                        st.lists(st.sampled_from(["2.5", "2.4", "2.6"]), min_size=13, max_size=13)),
    "contacts": st.lists(st.tuples(st.lists(role, max_size=4), met), max_size=4),
})
thresholds = st.fixed_dictionaries({
    "scale_share": st.sampled_from(["0.80", "0.50", "1.00", "0.25", "0.75"]),
    "growth_factor": st.sampled_from(["1.10", "1.00", "2.00"]),
    "rat_arrears_months": st.sampled_from(["3", "1", "0.5"]),
    "value_high": st.sampled_from(["2.5", "3", "0"]),
    "publicity_window_days": st.sampled_from([180, 30, 0]),
    "publicity_broad_roles": st.sampled_from([4, 1, 5]),
})


def build(region, customers, settings_: dict) -> None:
    RegionSettings.objects.filter(region=region).update(**settings_)
    products = [Product.objects.create(code=f"P{i}", name=f"产品{i}", series="系列") for i in range(3)]
    for i, c in enumerate(customers):
        scores = dict(zip(A + B, (None if s is None else Decimal(s) for s in c["scores"])))
        obj = Customer.objects.create(region=region, code=f"C{i:02d}", name=f"客户{i}", **scores)
        Contribution.objects.bulk_create(
            Contribution(region=region, customer=obj, product=products[p], month=MONTHS[m], revenue=Decimal(r),
                         cost=Decimal(k), arrears=Decimal(a))
            for (p, m), (r, k, a) in c["rows"].items())
        Contact.objects.bulk_create(
            Contact(customer=obj, name=f"联系人{j}", roles=roles,
                    last_met=None if days is None else AS_OF - dt.timedelta(days=days))
            for j, (roles, days) in enumerate(c["contacts"]))


def raw_sums(region) -> dict[int, dict]:
    """Each customer's sums read straight from its rows, in Decimal yuan: the
    base-period cells, R, Y, P, the arrears at the end, the months with revenue."""
    r_start, y_start, y_end = add_months(PERIOD.end, -5), add_months(PERIOD.end, -17), add_months(PERIOD.end, -12)
    zero = Decimal(0)
    out = {c.pk: {"customer": c, "cells": {}, "R": zero, "Y": zero, "P": zero, "arrears": zero, "months": set()}
           for c in Customer.objects.filter(region=region)}
    for x in Contribution.objects.filter(region=region):
        s = out[x.customer_id]
        if PERIOD.start <= x.month <= PERIOD.end:
            r, c = s["cells"].get(x.product_id, (zero, zero))
            s["cells"][x.product_id] = (r + x.revenue, c + x.cost)
            if x.revenue > 0:
                s["months"].add(x.month)
        if r_start <= x.month <= PERIOD.end:
            s["R"] += x.revenue
        elif PERIOD.start <= x.month < r_start:
            s["P"] += x.revenue
        elif y_start <= x.month <= y_end:
            s["Y"] += x.revenue
        if x.month == PERIOD.end:
            s["arrears"] += x.arrears
    for s in out.values():
        s["revenue"] = sum((r for r, _ in s["cells"].values()), zero)
        s["cost"] = sum((k for _, k in s["cells"].values()), zero)
    return out


def aim(region, aims: dict) -> None:
    """Move thresholds onto one customer's figures, so that it sits exactly on
    the boundary (R = factor × Y, arrears = months × monthly revenue, the
    larger customers' share = the scale share) — when the quotient is a
    threshold the settings can hold."""
    sums = list(raw_sums(region).values())
    total = sum((s["revenue"] for s in sums), Decimal(0))
    candidates = {  # the customers a boundary can run through, and where it does
        "growth_factor": [(s["R"], s["Y"] if s["Y"] > 0 else s["P"], 2) for s in sums],
        "rat_arrears_months": [(s["arrears"] * 12, s["revenue"], 2) for s in sums],
        "scale_share": [(sum((x["revenue"] for x in sums if x["revenue"] > s["revenue"]), Decimal(0)), total, 4)
                        for s in sums if s["revenue"] > 0],
    }
    changes = {}
    for name, index in aims.items():
        quotients = [(a / b).normalize() for a, b, places in candidates[name] if a > 0 and b > 0
                     and a / b <= (1 if name == "scale_share" else 100) and (a / b).as_tuple().exponent >= -places]
        if quotients:
            changes[name] = quotients[index % len(quotients)]
    RegionSettings.objects.filter(region=region).update(**changes)


def row_by_row(region) -> dict[int, dict]:
    """Every customer's verdicts, each rule called on its own inputs read
    straight from the rows (Decimal yuan), as the method defines them."""
    t = region.thresholds()
    sums = raw_sums(region)
    scale = rules.scale_flags({pk: s["revenue"] for pk, s in sums.items()}, t=t)
    percentiles = rules.profit_percentiles({pk: s["revenue"] - s["cost"] for pk, s in sums.items()})
    out = {}
    for pk, s in sums.items():
        c = s["customer"]
        combination = rules.combination(s["cells"].values())
        growth = rules.growth(s["R"], s["Y"], s["P"], t=t)
        a, b = [getattr(c, f) for f in A], [getattr(c, f) for f in B]
        has_data = combination.value is not None
        out[pk] = {
            "revenue": s["revenue"], "cost": s["cost"], "arrears_end": s["arrears"], "axes": rules.value_axes(a, b),
            "combination": combination, "scale": scale[pk], "growth": growth,
            "contribution_class": rules.contribution_class(has_data, combination.value, scale[pk].value,
                                                           growth.value, s["arrears"], s["revenue"], t=t),
            "value_class": rules.value_class(a, b, t=t),
            "publicity": rules.publicity([(x.roles, x.last_met) for x in c.contacts.all()], AS_OF, t=t),
            "suggestions": {"profit_contribution": rules.suggest_profit_contribution(percentiles[pk]),
                            "continuous_purchase": rules.suggest_continuous_purchase(len(s["months"]))}
            if has_data else {},
            "cells": {p: rules.cell_sign(r, k) for p, (r, k) in s["cells"].items() if r or k},
        }
    return out


def assert_same(fast: Verdict, rule: Verdict, what: str) -> None:
    """The same value (type and spelling too), reason and label, and equal as verdicts."""
    assert (repr(fast.value), fast.reason, str(fast.label)) == (repr(rule.value), rule.reason, str(rule.label)), what
    assert fast == rule and hash(fast) == hash(rule), what


VERDICTS = ["combination", "scale", "growth", "contribution_class", "value_class", "publicity"]


@pytest.mark.django_db
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(customers=st.lists(customer, min_size=1, max_size=6), settings_=thresholds,
       aims=st.dictionaries(st.sampled_from(["growth_factor", "rat_arrears_months", "scale_share"]),
                            st.integers(0, 5)))
def test_every_value_and_reason_is_the_rules_own(region_a, customers, settings_, aims):
    with transaction.atomic():
        build(region_a, customers, settings_)
        aim(region_a, aims)
        region = Region.objects.select_related("settings").get(pk=region_a.pk)
        fast = compute_customer_analysis(region, AS_OF)
        expected = row_by_row(region)
        # the export's rows, read as judged (before any result object is built) and from a cached analysis's results
        judged = document_rows(fast.customers)
        assert judged == document_rows(pickle.loads(pickle.dumps(fast.customers)))
        assert fast.customers.keys() == expected.keys()
        code_of = {pk: r.code for pk, r in fast.customers.items()}
        assert [row["code"] for row in judged] == sorted(code_of.values())
        by_code = {row["code"]: row for row in judged}
        for pk, want in expected.items():
            assert by_code[code_of[pk]] == {
                "code": code_of[pk], "combination": want["combination"].value, "scale": want["scale"].value,
                "growth": want["growth"].value, "contribution_class": want["contribution_class"].value,
                "value_class": want["value_class"].value, "publicity": want["publicity"].value,
                "value_fit": rules.value_fit(want["value_class"].value, want["contribution_class"].value).value,
                "revenue": f"{want['revenue']:.2f}", "profit": f"{want['revenue'] - want['cost']:.2f}"}
        for pk, want in expected.items():
            got = fast.customers[pk]
            for name in VERDICTS:
                assert_same(getattr(got, name), want[name], f"{got.code} {name}")
            assert (got.revenue, got.cost, got.arrears_end) == (want["revenue"], want["cost"], want["arrears_end"])
            assert (got.attractiveness, got.advantage) == want["axes"]
            assert got.suggestions.keys() == want["suggestions"].keys()
            for factor, verdict in want["suggestions"].items():
                assert_same(got.suggestions[factor], verdict, f"{got.code} {factor}")
            assert dict(got.cells) == want["cells"]
        transaction.set_rollback(True)


def test_the_cells_and_the_reasons_survive_a_pickle_unwritten(region_a):
    """A cached analysis is pickled: what was not yet written stays so, and is
    written afterwards by the same rule."""
    build(region_a, [{"rows": {(0, 0): ("10.00", "3.00", "0.00"), (1, 2): ("1.00", "2.00", "0.00")},
                      "scores": ["2.5"] * 13, "contacts": [(["decider"], 3)]}], {})
    analysis = compute_customer_analysis(Region.objects.get(pk=region_a.pk), AS_OF)
    (result,) = analysis.customers.values()
    assert isinstance(result.growth, LazyVerdict) and "_verdict" not in result.growth.__dict__
    again = pickle.loads(pickle.dumps(analysis))
    (copy,) = again.customers.values()
    assert "_verdict" not in copy.growth.__dict__
    assert copy.growth.reason == result.growth.reason == "成长 —：去年同期和前 6 个月均无收入，历史不足"
    assert copy.combination == Verdict("profitable", "可盈利：2 个产品中 1 个为 —，总利润 6.00 ≥ 0")
    assert [(x["revenue"], x["cost"]) for x in again.cells] == [(Decimal("10.00"), Decimal("3.00")),
                                                                 (Decimal("1.00"), Decimal("2.00"))]


def test_a_score_outside_0_to_5_stops_the_analysis_as_the_rule_does(region_a):
    build(region_a, [{"rows": {}, "scores": ["2.5"] * 13, "contacts": []}], {})
    Customer.objects.update(referral=Decimal("7.0"))  # the form and the import refuse it; the database does not
    with pytest.raises(ValueError, match="attractiveness: score 7.0 outside 0–5"):
        compute_customer_analysis(Region.objects.get(pk=region_a.pk), AS_OF)


def test_the_sums_in_any_order_give_the_same_results(region_a):
    """period_fen reads them ordered by customer; another order is merged, not lost."""
    from customers.analysis import analyse_customers
    from customers.selectors import contact_rows, customer_rows, period_fen

    build(region_a, [{"rows": {(0, 0): ("10.00", "3.00", "1.00"), (1, 12): ("2.00", "0.00", "0.00"),
                               (0, 6): ("1.00", "2.00", "0.00")}, "scores": ["2.5"] * 13, "contacts": []},
                     {"rows": {(1, 0): ("5.00", "1.00", "0.00"), (0, 17): ("4.00", "0.00", "0.00")},
                      "scores": [None] * 13, "contacts": []}], {})
    region = Region.objects.get(pk=region_a.pk)
    sums = period_fen(region, PERIOD)
    assert [row[0] for row in sums] == sorted(row[0] for row in sums)

    def judged(rows):
        results, cells = analyse_customers(customers=customer_rows(region), sums=rows, contacts=contact_rows(region),
                                           as_of=AS_OF, t=region.thresholds())
        return ({pk: (r.revenue, r.cost, r.arrears_end, [tuple(getattr(r, n)) for n in VERDICTS], dict(r.cells))
                 for pk, r in results.items()}, sorted(tuple(x.values()) for x in cells))

    assert judged(sums[::-1]) == judged(sums)

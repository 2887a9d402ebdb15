import datetime as dt
from decimal import Decimal

from customers.models import Contribution, Customer, Product
from customers.selectors import period_sums
from tsm.lib.periods import add_months, base_period

PERIOD = base_period(dt.date(2026, 11, 27))  # 2025-11 .. 2026-10


def test_the_sums_give_the_cells_the_growth_buckets_and_the_months_with_revenue(region_a):
    p1 = Product.objects.create(code="P1", name="专线", series="数据")
    p2 = Product.objects.create(code="P2", name="语音", series="语音")
    c = Customer.objects.create(region=region_a, code="C1", name="客户")

    def row(product, month, revenue, cost="0", arrears="0"):
        return Contribution(region=region_a, customer=c, product=product, month=month, revenue=Decimal(revenue),
                            cost=Decimal(cost), arrears=Decimal(arrears))

    end = PERIOD.end  # 2026-10
    Contribution.objects.bulk_create([
        row(p1, add_months(end, -12), "70.00"),  # Y: a year before R
        row(p1, add_months(end, -17), "1.00"),  # Y, oldest month read
        row(p1, add_months(end, -18), "999.00"),  # older than anything read
        row(p1, add_months(end, -11), "10.00", "4.00"),  # P, base
        row(p2, add_months(end, -11), "5.00"),  # same month, other product: one month with revenue
        row(p1, add_months(end, -6), "0.00", "3.00"),  # P, base, no revenue
        row(p1, end, "20.00", "1.00", "50.00"),  # R, base, arrears at the end
        row(p2, add_months(end, -2), "8.00"),  # R, base
        row(p2, add_months(end, -14), "2.00", arrears="9.00"),  # Y only: no cell, counted in Y
    ])
    cells, buckets = period_sums(region_a, PERIOD)
    assert sorted((x["product_id"], x["revenue"], x["cost"]) for x in cells) == [
        (p1.pk, Decimal("30.00"), Decimal("8.00")), (p2.pk, Decimal("13.00"), Decimal("0.00"))]
    (b,) = buckets
    assert (b["recent"], b["prior"], b["year_ago"], b["arrears_end"]) == (
        Decimal("28.00"), Decimal("15.00"), Decimal("73.00"), Decimal("50.00"))
    assert b["months_with_revenue"] == 3  # 2025-11, 2026-08, 2026-10


def test_factor_scores_are_read_as_exact_decimals(region_a):
    from customers.selectors import customer_rows

    Customer.objects.create(region=region_a, code="C1", name="客户", referral=Decimal("2.5"), credit=Decimal("0.1"),
                            attention=Decimal("5.0"), high_ground=Decimal("0"))
    (row,) = customer_rows(region_a)
    assert (row["referral"], row["credit"], row["attention"], row["high_ground"], row["payment_terms"]) == (
        Decimal("2.5"), Decimal("0.1"), Decimal("5.0"), Decimal("0.0"), None)
    assert str(row["credit"]) == "0.1"


def test_a_fully_scored_customer_without_an_owner_is_not_missing_scores(region_a):
    from customers.analysis import missing_scores_check
    from customers.rules import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS
    from planning.analysis import compute

    Customer.objects.create(region=region_a, code="C1", name="客户", owner=None,
                            **{f: Decimal("3") for f, _ in ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS})
    Customer.objects.create(region=region_a, code="C2", name="客户二", owner=None)
    check = missing_scores_check(compute(region_a, dt.date(2026, 11, 27)).customers.values())
    assert check.rows == (("未分类", 1, 2),)  # one of the two customers lacks scores
    assert "2 个客户中 1 个" in check.reason


def test_reading_no_customers_asks_nothing(region_a, django_assert_num_queries):
    from customers.selectors import contact_rows, customer_rows

    Customer.objects.create(region=region_a, code="C1", name="客户")
    with django_assert_num_queries(0):  # an empty filter: no query, no rows (tsm.lib.raw)
        assert contact_rows(region_a, customer_ids=set()) == []
        assert customer_rows(region_a, Customer.objects.filter(pk__in=[])) == []

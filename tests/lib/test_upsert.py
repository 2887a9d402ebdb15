"""tsm.lib.upsert writes rows of plain values — on SQLite one prepared
statement per row, on PostgreSQL one array per column — and an upsert never
replaces a row stored at a newer version. Every type the stored results use
comes back as it went in, across more than one batch."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer, CustomerCell, CustomerStanding, Product
from tsm.lib import upsert
from tsm.lib.upsert import insert_rows, upsert_unless_newer

COLUMNS = ["customer", "version", "region", "as_of", "code", "name", "owner", "reasons", "suggestions", "revenue",
           "cost", "profit", "arrears_end", "combination", "scale", "growth", "contribution_class", "value_class",
           "publicity", "attractiveness", "advantage", "scores_missing"]
DAY = dt.date(2026, 11, 30)


def _row(customer, version, region, *, revenue="1234567.89", value_class="A", owner=None, name=None):
    return (customer.pk, version, region.pk, DAY, customer.code, name or customer.name, owner,
            {"scale": "营收 ≥ 平均值"}, {"f1": ["3", "理由"]}, Decimal(revenue), Decimal("0.00"),
            Decimal(revenue), Decimal("-12.50"), None, True, False, "core", value_class, "high",
            Decimal("3.1250"), None, value_class is None)


@pytest.fixture
def customers(region_a, manager_a1):
    return [Customer.objects.create(region=region_a, code=f"C{i:03}", name=f"客户{i}", owner=manager_a1)
            for i in range(3)]


def test_rows_are_inserted_with_every_type_as_it_went_in(region_a, customers, manager_a1):
    upsert_unless_newer(CustomerStanding, [_row(c, 5, region_a, owner=manager_a1.pk) for c in customers],
                        columns=COLUMNS, unique="customer")
    s = CustomerStanding.objects.get(customer=customers[1])
    assert (s.version, s.region_id, s.as_of, s.code, s.name, s.owner_id) == (5, region_a.pk, DAY, "C001", "客户1",
                                                                           manager_a1.pk)
    assert s.reasons == {"scale": "营收 ≥ 平均值"} and s.suggestions == {"f1": ["3", "理由"]}
    assert (s.revenue, s.arrears_end, s.attractiveness, s.advantage) == (
        Decimal("1234567.89"), Decimal("-12.50"), Decimal("3.1250"), None)
    assert (s.combination, s.scale, s.growth, s.value_class, s.scores_missing) == (None, True, False, "A", False)
    assert CustomerStanding.objects.count() == 3


def test_an_upsert_replaces_an_older_or_equal_row_and_keeps_a_newer_one(region_a, customers):
    upsert_unless_newer(CustomerStanding, [_row(customers[0], 5, region_a), _row(customers[1], 7, region_a)],
                        columns=COLUMNS, unique="customer")
    upsert_unless_newer(CustomerStanding, [_row(c, 6, region_a, revenue="1.00", value_class=None, name="新名")
                                           for c in customers[:2]], columns=COLUMNS, unique="customer")
    stored = {s.customer_id: (s.version, s.revenue, s.value_class, s.name) for s in CustomerStanding.objects.all()}
    assert stored == {customers[0].pk: (6, Decimal("1.00"), None, "新名"),  # 5 ≤ 6: replaced
                      customers[1].pk: (7, Decimal("1234567.89"), "A", "客户1")}  # 7 > 6: kept
    upsert_unless_newer(CustomerStanding, [_row(customers[1], 7, region_a, revenue="2.00")], columns=COLUMNS,
                        unique="customer")
    assert CustomerStanding.objects.get(customer=customers[1]).revenue == Decimal("2.00")  # 7 ≤ 7: replaced


def test_more_rows_than_a_batch_are_all_written_in_one_statement_a_batch(region_a, customers, monkeypatch):
    products = [Product.objects.create(code=f"P{i}", name=f"产品{i}") for i in range(4)]
    monkeypatch.setattr(upsert, "BATCH", 5)
    rows = [(c.pk, region_a.pk, p.pk, Decimal(f"{i}.{j}0"), Decimal("0.01")) for i, c in enumerate(customers)
            for j, p in enumerate(products)]
    with CaptureQueriesContext(connection) as ctx:
        insert_rows(CustomerCell, iter(rows), columns=["customer", "region", "product", "revenue", "cost"])
    stored = sorted(CustomerCell.objects.values_list("customer_id", "region_id", "product_id", "revenue", "cost"))
    assert stored == sorted(rows)
    # 12 rows in batches of five: three statements on PostgreSQL, one executemany a batch on SQLite
    assert len(ctx.captured_queries) == 3


def test_the_columns_of_an_upsert_must_name_its_key_and_version(region_a, customers):
    with pytest.raises(ValueError):
        upsert_unless_newer(CustomerStanding, [], columns=["customer", "code"], unique="customer")

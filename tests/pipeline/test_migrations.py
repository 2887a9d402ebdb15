"""Data migrations keep every row: run them forward on real data."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("customers", "0003_contribution_covering_index"), ("pipeline", "0002_initial")]
AFTER = [("pipeline", "0003_project_contacts")]


@pytest.mark.django_db(transaction=True)
def test_the_contact_project_links_survive_the_move_to_the_project():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    region = old.get_model("teams", "Region").objects.create(code="M", name="迁移")
    owner = old.get_model("teams", "User").objects.create(username="m1")
    customer = old.get_model("customers", "Customer").objects.create(region=region, code="C1", name="客户")
    product = old.get_model("customers", "Product").objects.create(code="P1", name="产品", series="S")
    Project = old.get_model("pipeline", "Project")
    p1, p2 = (Project.objects.create(region=region, code=c, name=c, customer=customer, product=product, owner=owner,
                                     expected_close=dt.date(2027, 1, 1)) for c in ("X1", "X2"))
    Contact = old.get_model("customers", "Contact")
    a = Contact.objects.create(customer=customer, name="甲")
    b = Contact.objects.create(customer=customer, name="乙")
    a.projects.set([p1, p2])
    b.projects.set([p2])

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    links = {(p.code, c.name) for p in new.get_model("pipeline", "Project").objects.all() for c in p.contacts.all()}
    assert links == {("X1", "甲"), ("X2", "甲"), ("X2", "乙")}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the database as the other tests expect

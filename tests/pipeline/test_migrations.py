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


EDITING_BEFORE = [("customers", "0006_edit_versions"), ("pipeline", "0005_project_standing")]
EDITING_AFTER = [("customers", "0010_customer_version"), ("pipeline", "0006_project_version_and_close")]


@pytest.mark.django_db(transaction=True)
def test_the_form_versions_and_the_close_fields_keep_every_customer_and_project():
    executor = MigrationExecutor(connection)
    executor.migrate(EDITING_BEFORE)
    old = executor.loader.project_state(EDITING_BEFORE).apps
    region = old.get_model("teams", "Region").objects.create(code="M", name="迁移")
    owner = old.get_model("teams", "User").objects.create(username="m1")
    customer = old.get_model("customers", "Customer").objects.create(
        region=region, code="C1", name="客户", industry="物流", owner=owner, key_needs="带宽", needs_version=3)
    product = old.get_model("customers", "Product").objects.create(code="P1", name="产品", series="S")
    Project = old.get_model("pipeline", "Project")
    Project.objects.create(region=region, code="X1", name="进行中", customer=customer, product=product, owner=owner,
                           expected_close=dt.date(2027, 1, 1), evidence=["E1"], amount="1000.50")
    Project.objects.create(region=region, code="X2", name="已赢", customer=customer, product=product, owner=owner,
                           expected_close=dt.date(2026, 1, 1), status="won")

    executor = MigrationExecutor(connection)
    executor.migrate(EDITING_AFTER)
    new = executor.loader.project_state(EDITING_AFTER).apps
    c = new.get_model("customers", "Customer").objects.get(code="C1")
    assert (c.name, c.industry, c.owner_id, c.decider_needs, c.needs_version, c.version) == (  # key needs moved
        "客户", "物流", owner.pk, "带宽", 3, 0)
    rows = {p.code: (p.name, p.status, p.evidence, str(p.amount), p.version, p.close_reason, p.lost_to_id,
                     p.closed_at) for p in new.get_model("pipeline", "Project").objects.all()}
    assert rows == {"X1": ("进行中", "open", ["E1"], "1000.50", 0, "", None, None),
                    "X2": ("已赢", "won", [], "0.00", 0, "", None, None)}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the database as the other tests expect

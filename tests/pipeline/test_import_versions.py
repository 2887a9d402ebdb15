"""An import moves the version of a customer's or a project's form only when
it changes what that form shows (INTERFACES §1 rows matched on their codes):
a form read before it is then refused, never saved over it; a score or an
evidence change, one-value saves in the application, moves no version."""

import copy
from decimal import Decimal

from customers.models import Customer
from pipeline.models import Project
from tests.pipeline.test_import import BASE, run, team, with_row  # noqa: F401 (team is a fixture)


def _versions(model):
    return dict(model.objects.values_list("code", "version"))


def test_an_import_that_renames_a_customer_or_gives_it_another_manager_moves_its_version(tmp_path, team):
    assert run(tmp_path).applied
    data = copy.deepcopy(BASE)
    data["customers"][0]["name"] = "恒瑞物流（更正）"
    data["customers"][1]["manager"] = "manager_a1"
    assert run(tmp_path, data).applied
    assert _versions(Customer) == {"C1": 1, "C2": 1}


def test_an_import_that_changes_only_a_customers_score_leaves_its_version(tmp_path, team):
    assert run(tmp_path).applied
    assert run(tmp_path, with_row("customers", 0, attention=4)).applied
    assert Customer.objects.get(code="C1").attention == Decimal("4")
    assert _versions(Customer) == {"C1": 0, "C2": 0}


def test_an_import_moves_a_projects_version_for_its_fields_not_for_its_evidence(tmp_path, team):
    assert run(tmp_path).applied
    assert run(tmp_path, with_row("projects", 0, evidence="E1, E2, E3")).applied
    assert Project.objects.get(code="J1").evidence == ["E1", "E2", "E3"]
    assert _versions(Project) == {"J1": 0, "J2": 0}
    assert run(tmp_path, with_row("projects", 0, amount=Decimal("300000"))).applied
    assert _versions(Project) == {"J1": 1, "J2": 0}


def test_an_import_that_links_a_contact_to_a_project_moves_that_projects_version(tmp_path, team):
    assert run(tmp_path).applied
    assert run(tmp_path, with_row("contacts", 0, projects="J1, J2")).applied
    assert set(Project.objects.get(code="J2").contacts.values_list("name", flat=True)) == {"王伟"}
    assert _versions(Project) == {"J1": 0, "J2": 1}
    assert run(tmp_path, with_row("contacts", 0, projects="J2")).applied  # unlinked from J1
    assert _versions(Project) == {"J1": 1, "J2": 1}

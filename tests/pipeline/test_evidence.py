"""Ticking win-rate evidence (pipeline.views.project_evidence): with htmx
each box posts its own change and gets back what holds the form — the row on
the funnel, the panel on the project's own page; without JavaScript the form
posts what it showed and what was chosen, and only the difference lands."""

import re

import pytest

from pipeline.models import Project
from tests import factories

CODE = "A-manager_a1-C0000-X0"
URL = f"/r/A/projects/{CODE}/evidence/"
ON_FUNNEL = {"HX-Request": "true", "HX-Target": f"project-{CODE}"}
ON_PAGE = {"HX-Request": "true", "HX-Target": f"evidence-form-{CODE}"}


@pytest.fixture
def book(region_a, manager_a1, manager_a2):
    products = factories.products(2)
    factories.seed(region_a, manager_a1, 6, products)  # E1–E3 ticked everywhere: 20 %
    factories.seed(region_a, manager_a2, 2, products)
    return products


def _stored():
    return Project.objects.get(code=CODE).evidence


def _shown_win_rate(fragment):
    return int(re.search(r'class="[^"]*win-rate[^"]*"[^>]*>(\d+)%<', fragment).group(1))


def test_a_tick_on_the_funnel_answers_with_the_row_and_the_new_win_rate(client_for, director, book):
    client = client_for(director)
    client.get("/r/A/funnel/")  # the analysis the tick patches
    for box in ("E4", "E5"):
        client.post(URL, {"code": box, "ticked": "true"}, headers=ON_FUNNEL)
    response = client.post(URL, {"code": "E6", "ticked": "true"}, headers=ON_FUNNEL)
    body = response.content.decode()
    assert response.status_code == 200 and _stored() == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert _shown_win_rate(body) == 40 and "6/12" in body
    # the row's own cells (it is the target), the funnel's figures out of band, the form as saved
    assert f'<tr id="project-{CODE}"' not in body and 'id="funnel-summary" hx-swap-oob="true"' in body
    assert f'id="evidence-{CODE}-E6" checked' in body and body.count('name="shown"') == 6


def test_a_tick_on_the_projects_own_page_answers_with_its_panel(client_for, manager_a1, book):
    client = client_for(manager_a1)
    Project.objects.filter(code=CODE).update(evidence=["E1", "E2"])
    response = client.post(URL, {"code": "E3", "ticked": "true", "next": "/r/A/funnel/?sort=code"},
                           headers=ON_PAGE)
    body = response.content.decode()
    assert response.status_code == 200 and _stored() == ["E1", "E2", "E3"]
    assert _shown_win_rate(body) == 20 and "当前赢率" in body
    assert "<html" not in body and "funnel-summary" not in body and f"project-{CODE}" not in body
    assert f'id="evidence-{CODE}-E3" checked' in body and 'name="next" value="/r/A/funnel/?sort=code"' in body


def test_an_untick_lowers_the_win_rate_shown(client_for, manager_a1, book):
    body = client_for(manager_a1).post(URL, {"code": "E1", "ticked": "false"}, headers=ON_PAGE).content.decode()
    assert _stored() == ["E2", "E3"] and _shown_win_rate(body) == 0


def test_a_tick_shows_what_others_ticked_meanwhile(client_for, manager_a1, book):
    Project.objects.filter(code=CODE).update(evidence=["E1", "E2", "E3", "E5", "E6"])  # the director, just now
    body = client_for(manager_a1).post(URL, {"code": "E4", "ticked": "true"}, headers=ON_PAGE).content.decode()
    assert _shown_win_rate(body) == 40 and f'id="evidence-{CODE}-E5" checked' in body


@pytest.mark.parametrize("data,message", [
    ({"code": "E13", "ticked": "true"}, "E13"),
    ({"code": "E4"}, "缺少勾选状态"),  # a lost state must not be read as an untick
    ({"code": "E4", "ticked": "on"}, "true 或 false"),
])
def test_a_malformed_tick_is_refused_and_writes_nothing(client_for, director, book, data, message):
    response = client_for(director).post(URL, data, headers=ON_PAGE)
    assert response.status_code == 400 and message in response.content.decode()
    assert _stored() == ["E1", "E2", "E3"]


def _holder(html, element_id):
    """The opening tag of the element that sends the ticks and takes the answers."""
    return re.search(rf'<(?:tr|div) id="{element_id}"[^>]*>', html).group(0)


def test_each_page_sends_the_ticks_from_an_element_it_has(client_for, manager_a1, book):
    client = client_for(manager_a1)
    page = client.get(f"{URL}?next=/r/A/funnel/").content.decode()
    funnel = client.get("/r/A/funnel/").content.decode()
    for html, holder in ((page, f"evidence-form-{CODE}"), (funnel, f"project-{CODE}")):
        tag = _holder(html, holder)
        assert f'hx-post="{URL}"' in tag and 'hx-target="this"' in tag and "data-evidence-ticks" in tag
        assert 'hx-sync="this:queue all"' in tag  # one tick after another, none dropped
    assert page.index(_holder(page, f"evidence-form-{CODE}")) < page.index(f'<form method="post" action="{URL}"')
    # the form itself is a plain form: its save button is for pages without JavaScript
    fragment = client.get(URL, headers={"HX-Request": "true"}).content.decode()  # a row opened on the funnel
    assert "hx-post" not in fragment and "<noscript><button" in fragment and fragment.count('type="checkbox"') == 12


def test_without_javascript_only_the_forms_changes_are_saved(client_for, manager_a1, book):
    # The form showed E1–E3; meanwhile the director ticked E7.
    Project.objects.filter(code=CODE).update(evidence=["E1", "E2", "E3", "E7"])
    response = client_for(manager_a1).post(URL, {"shown": ["E1", "E2", "E3"], "evidence": ["E1", "E2", "E4"],
                                                 "next": "/r/A/funnel/?sort=code"})
    assert response.status_code == 302 and response["Location"] == "/r/A/funnel/?sort=code"
    assert _stored() == ["E1", "E2", "E4", "E7"]


def test_without_javascript_a_next_elsewhere_returns_to_the_funnel(client_for, manager_a1, book):
    response = client_for(manager_a1).post(URL, {"shown": [], "evidence": ["E4"], "next": "https://evil.example/"})
    assert response["Location"] == "/r/A/funnel/" and _stored() == ["E1", "E2", "E3", "E4"]


@pytest.mark.parametrize("persona", ["manager_a2", "manager_b", "director_b", "executive", "administrator"])
def test_nobody_outside_the_projects_owner_and_director_can_tick(client, personas, book, persona):
    client.force_login(personas[persona])
    assert client.post(URL, {"code": "E4", "ticked": "true"}, headers=ON_PAGE).status_code == 404
    assert client.post(URL, {"shown": [], "evidence": ["E4"]}).status_code == 404
    assert _stored() == ["E1", "E2", "E3"]


# A tick is a handful of queries, whatever the region's size: its project is
# judged again and its stored row rewritten, nothing else.
TICK_QUERIES = [
    "session", "user", "region + settings", "project",
    # project_evidence_toggle
    "SAVEPOINT", "project, locked (SELECT … FOR UPDATE)", "UPDATE project evidence",
    "UPDATE region data_version", "region data_version", "RELEASE SAVEPOINT",
    # project_standings_rejudge: the project judged again and its row stored
    "open project", "its customer's stored value class", "revenue targets", "contacts", "snapshots",
    "contact links", "upsert of its stored row",
    "evidence wording",  # (the navigation's regions: only a whole page reads them)
]
# On the funnel the answer also carries the figures: the managers, the stored
# results' GROUP BY, the customer's and product's names in one (the revenue targets
# were read once, for the judgement).
FUNNEL_QUERIES = ["managers", "figures", "customer and product names"]


@pytest.mark.parametrize("n_customers", [3, 60])
def test_a_tick_on_the_funnel_takes_a_constant_number_of_queries(
    client_for, director, region_a, manager_a1, django_assert_num_queries, n_customers
):
    factories.seed(region_a, manager_a1, n_customers, factories.products(2))
    client = client_for(director)
    client.get("/r/A/funnel/")  # the first visit stores the region's results
    with django_assert_num_queries(len(TICK_QUERIES) + len(FUNNEL_QUERIES)):
        response = client.post(URL, {"code": "E4", "ticked": "true"}, headers=ON_FUNNEL)
    assert response.status_code == 200 and _shown_win_rate(response.content.decode()) == 20


@pytest.mark.parametrize("n_customers", [3, 60])
def test_a_tick_on_the_projects_page_takes_a_constant_number_of_queries(
    client_for, director, region_a, manager_a1, django_assert_num_queries, n_customers
):
    factories.seed(region_a, manager_a1, n_customers, factories.products(2))
    client = client_for(director)
    client.get("/r/A/funnel/")  # the first visit stores the region's results
    with django_assert_num_queries(len(TICK_QUERIES)):
        response = client.post(URL, {"code": "E4", "ticked": "true"}, headers=ON_PAGE)
    assert response.status_code == 200 and _shown_win_rate(response.content.decode()) == 20

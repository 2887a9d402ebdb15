import pytest

from tests import factories
from tests.factories import seed


@pytest.fixture
def products(db):
    return factories.products(3)


def test_region_home_shows_base_period_figures_with_separators(client_for, director, manager_a1, region_a, products):
    seed(region_a, manager_a1, 40, products)
    response = client_for(director).get(f"/r/{region_a.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    # 40 customers x 3 products x 12 months x 1,000.00 revenue, 600.00 profit
    assert 'id="fig-revenue">1,440,000.00<' in body
    assert 'id="fig-profit">864,000.00<' in body
    assert 'id="fig-open">80<' in body
    assert "华东一区" in body and "基期" in body


def test_region_home_in_wan_when_the_user_picks_it(client_for, director, manager_a1, region_a, products):
    seed(region_a, manager_a1, 40, products)
    client = client_for(director)
    client.post("/unit/", {"unit": "wan", "next": f"/r/{region_a.code}/"})
    body = client.get(f"/r/{region_a.code}/").content.decode()
    assert 'id="fig-revenue">144.00<' in body


def test_a_manager_sees_only_their_own_book_on_the_region_home(client_for, manager_a1, manager_a2, region_a, products):
    seed(region_a, manager_a1, 10, products)
    body = client_for(manager_a2).get(f"/r/{region_a.code}/").content.decode()
    assert 'id="fig-customers">0<' in body and 'id="fig-revenue">0.00<' in body


@pytest.mark.parametrize("n_customers", [5, 60])
def test_region_home_query_count_does_not_grow_with_the_data(
    client_for, director, manager_a1, region_a, products, django_assert_num_queries, n_customers
):
    seed(region_a, manager_a1, n_customers, products)
    client = client_for(director)
    # session, user, region (+settings), nav regions, customer count,
    # base-period sums, project layer aggregate
    with django_assert_num_queries(7):
        response = client.get(f"/r/{region_a.code}/")
    assert response.status_code == 200


def test_pages_speak_chinese_by_default_and_english_on_request(client_for, director, region_a):
    client = client_for(director)
    assert "客户数" in client.get(f"/r/{region_a.code}/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(f"/r/{region_a.code}/").content.decode()


def test_login_page_is_in_chinese(client):
    body = client.get("/login/").content.decode()
    assert "登录" in body and '<html lang="zh-Hans">' in body


def test_the_layout_and_region_home_read_in_english_when_chosen(client_for, director, region_a):
    client = client_for(director)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(f"/r/{region_a.code}/").content.decode()
    assert "Base-period revenue" in body and "Analyse" in body and "Open projects" in body


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client_for, director, region_a):
    client = client_for(director)
    body = client.get(f"/r/{region_a.code}/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-Hans">' in body and "客户数" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Customers" in client.get(f"/r/{region_a.code}/").content.decode()


def test_a_director_of_two_regions_gets_a_region_switcher(client_for, director, region_a, region_b):
    director.regions.add(region_b)
    body = client_for(director).get(f"/r/{region_b.code}/").content.decode()
    assert 'aria-label="切换区域"' in body
    assert f'<option value="/r/{region_a.code}/" >' in body or f'value="/r/{region_a.code}/"' in body
    assert f'value="/r/{region_b.code}/" selected' in body


def test_a_manager_of_one_region_has_no_switcher(client_for, manager_a1, region_a):
    body = client_for(manager_a1).get(f"/r/{region_a.code}/").content.decode()
    assert 'aria-label="切换区域"' not in body and "华东一区" in body


def test_the_region_home_counts_layers_as_the_funnel_rule_does(director, manager_a1, region_a):
    """The home page counts layers in SQL for speed; it must agree with pipeline.rules.layer."""
    import datetime as dt

    from django.utils import timezone

    from pipeline.analysis import funnel_table
    from pipeline.models import Project
    from planning.analysis import compute
    from planning.selectors import region_headline

    today = timezone.localdate()
    (customer,) = seed(region_a, manager_a1, 1, factories.products(1), projects_per_customer=0)
    Project.objects.bulk_create(
        Project(region=region_a, code=f"D{d}", name="边界", customer=customer, product=customer.contributions.first()
                .product, owner=manager_a1, expected_close=today + dt.timedelta(days=d))
        for d in (-1, 0, 14, 15, 70, 71)
    )
    home = region_headline(region=region_a, user=director, as_of=today, t=region_a.thresholds())
    funnel = funnel_table(compute(region_a, today).projects.values())
    assert [(x.layer, x.count) for x in home.layers] == [(row["layer"], row["count"]) for row in funnel]
    assert [x.count for x in home.layers] == [1, 2, 3] and home.overdue == 1

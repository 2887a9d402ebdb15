"""客户策略总结 (DOMAIN §4.2): one row per customer with open projects, the
rule 重视"巩固和投入" listing its flagged customers first; sorted, filtered
and paged in SQL over the stored results; the same rows to Excel."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from customers.models import Contact, Customer, CustomerStanding
from customers.rules import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS, strategy_focus
from pipeline import selectors as psel
from pipeline import standings
from pipeline.models import Project, ProjectStanding
from tests import factories

HIGH, LOW = Decimal("3"), Decimal("2")
AXES = {"consolidate": (HIGH, HIGH), "invest": (HIGH, LOW), "harvest": (LOW, HIGH), "maintain": (LOW, LOW)}
ALL_ROLES = ["initiator", "searcher", "decider", "user", "evaluator"]


def _value_class(customer, value_class):
    a, b = AXES[value_class]
    Customer.objects.filter(pk=customer.pk).update(**{f: a for f, _ in ATTRACTIVENESS_FACTORS},
                                                   **{f: b for f, _ in ADVANTAGE_FACTORS})


def _met(customer, roles, days_ago=10):
    Contact.objects.create(customer=customer, name=f"联系人{len(roles)}", roles=roles,
                           last_met=timezone.localdate() - dt.timedelta(days=days_ago))


def _project(code, **fields):
    today = timezone.localdate()
    if "days" in fields:
        fields["expected_close"] = today + dt.timedelta(days=fields.pop("days"))
    Project.objects.filter(code=code).update(**fields)


def _codes(body):
    return re.findall(r'<tbody id="customer-([^"]+)"', body)


def _row(body, code):
    return re.search(rf'<tbody id="customer-{code}".*?</tbody>', body, re.S).group(0)


A1, A2 = "A-manager_a1-", "A-manager_a2-"
FLAGGED = [f"{A1}C0000", f"{A1}C0001", f"{A2}C0001"]


@pytest.fixture
def book(region_a, manager_a1, manager_a2):
    """Six customers (two open projects each, 50,000.00 at 20 %, closing in 7 and 67 days):

    flagged — a1 C0000 巩固类 大片空白 (+ manager_a2's project, 1,500,000 in 表层: 主动投入),
              a1 C0001 投入类 局部宣传 (its 中层 project at 40 %: 询问关注),
              a2 C0001 投入类 大片空白 (one project 300,000, the other overdue);
    not     — a1 C0002 巩固类 广泛宣传 (1,200,000 at 60 % in 底层: 闪电战, 密集进攻),
              a1 C0003 收获类 大片空白 (both in 表层, one 900,000),
              a2 C0000 待评估 大片空白 (both in 中层, one 2,000,000).
    """
    products = factories.products(1)
    a1 = factories.seed(region_a, manager_a1, 4, products)
    a2 = factories.seed(region_a, manager_a2, 2, products)
    for customer, value_class in zip(a1 + a2[1:], ["consolidate", "invest", "consolidate", "harvest", "invest"]):
        _value_class(customer, value_class)
    _met(a1[1], ["decider"])
    _met(a1[2], ALL_ROLES[:4])
    _met(a1[3], ALL_ROLES, days_ago=400)  # too long ago: still 大片空白
    Project.objects.create(region=region_a, code="A-extra", name="协同项目", customer=a1[0], product=products[0],
                           owner=manager_a2, amount=Decimal("1500000.00"),
                           expected_close=timezone.localdate() + dt.timedelta(days=200))
    _project(f"{A1}C0001-X1", evidence=[f"E{n}" for n in range(1, 7)])
    _project(f"{A1}C0002-X0", evidence=[f"E{n}" for n in range(1, 10)], amount=Decimal("1200000.00"))
    _project(f"{A1}C0003-X0", amount=Decimal("900000.00"), days=200)
    _project(f"{A1}C0003-X1", days=250)
    _project(f"{A2}C0000-X0", amount=Decimal("2000000.00"), days=40)
    _project(f"{A2}C0001-X0", amount=Decimal("300000.00"))
    _project(f"{A2}C0001-X1", days=-3)
    return a1 + a2


def test_each_customer_shows_its_publicity_class_and_projects_flagged_ones_first(client_for, director, book):
    body = client_for(director).get("/r/A/strategy-summary/").content.decode()
    # flagged first, then by value class (一级 … 四级, 待评估 last), then by code
    assert _codes(body) == FLAGGED + [f"{A1}C0002", f"{A1}C0003", f"{A2}C0000"]
    assert "3 个巩固类或投入类客户的宣传接触为大片空白或局部宣传" in body
    for code in FLAGGED:
        assert '<span class="tag bad focus"' in _row(body, code) and "重点：加强宣传接触" in _row(body, code)
    for code in (f"{A1}C0002", f"{A1}C0003", f"{A2}C0000"):
        assert "重点：加强宣传接触" not in _row(body, code)
    first = _row(body, f"{A1}C0000")
    assert ">大片空白</td>" in first and ">一级 巩固类</td>" in first
    assert "重点：巩固类客户，宣传接触状态为大片空白" in first  # the rule's reason, shown on expand
    # its projects, the deepest first: 底层, 中层, then manager_a2's 表层 project
    assert re.findall(r'<td id="project-([^"]+)"', first) == [f"{A1}C0000-X0", f"{A1}C0000-X1", "A-extra"]
    extra = re.search(r'<td id="project-A-extra".*?</tr>', first, re.S).group(0)
    assert ">0%</td>" in extra and "1,500,000.00" in extra and ">表层</td>" in extra
    assert '<span class="tactic">游击战</span>' in extra and '<strong class="conclusion">主动投入</strong>' in extra
    partial = _row(body, f"{A1}C0001")
    assert ">局部宣传</td>" in partial and ">二级 投入类</td>" in partial and "询问关注" in partial
    assert ">40%</td>" in partial
    broad = _row(body, f"{A1}C0002")
    assert ">广泛宣传</td>" in broad and "闪电战" in broad and "密集进攻" in broad and ">60%</td>" in broad
    assert ">待评估</td>" in _row(body, f"{A2}C0000")


def test_an_overdue_project_is_flagged_in_words(client_for, director, book):
    row = _row(client_for(director).get("/r/A/strategy-summary/").content.decode(), f"{A2}C0001")
    overdue = re.search(rf'<td id="project-{A2}C0001-X1".*?</tr>', row, re.S).group(0)
    assert '底层 <span class="tag bad">逾期</span>' in overdue and "已过 3 天" in overdue
    assert "逾期" not in re.search(rf'<td id="project-{A2}C0001-X0".*?</tr>', row, re.S).group(0)


def test_sorting_by_amount_keeps_the_flagged_first_and_marks_the_header(client_for, director, book):
    body = client_for(director).get("/r/A/strategy-summary/?sort=-amount").content.decode()
    assert _codes(body) == [f"{A1}C0000", f"{A2}C0001", f"{A1}C0001", f"{A2}C0000", f"{A1}C0002", f"{A1}C0003"]
    amount = re.search(r'<th scope="col"[^>]*><a href="([^"]*)">项目金额', body)
    assert 'aria-sort="descending"' in amount.group(0) and amount.group(1) == "?sort=amount"
    assert body.count("aria-sort=") == 1
    ascending = client_for(director).get("/r/A/strategy-summary/?sort=amount").content.decode()
    assert _codes(ascending) == [f"{A1}C0001", f"{A2}C0001", f"{A1}C0000", f"{A1}C0003", f"{A1}C0002", f"{A2}C0000"]
    assert re.search(r'<th scope="col" aria-sort="ascending"[^>]*><a href="\?sort=-amount">项目金额', ascending)


def test_the_default_order_is_marked_and_a_header_link_keeps_the_filter(client_for, director, manager_a1, book):
    body = client_for(director).get(f"/r/A/strategy-summary/?manager={manager_a1.pk}&page=1").content.decode()
    assert re.search(r'<th scope="col" aria-sort="ascending"><a href="[^"]*">客户群价值类别', body)
    assert f'href="?manager={manager_a1.pk}&amp;sort=-win_rate">项目赢率' in body  # the page is dropped


def _expected(region, codes_shown, key):
    """The order DOMAIN's table implies, worked out here from the stored rows."""
    publicity = {"blank": 0, "partial": 1, "broad": 2}
    classes = {"consolidate": 0, "invest": 1, "harvest": 2, "maintain": 3, None: 4}
    layers = {"surface": 0, "middle": 1, "bottom": 2}
    actions = {"intensive_attack": 0, "active_investment": 1, "inquire": 2, "wait": 3}
    rows = []
    for s in CustomerStanding.objects.filter(region=region, code__in=codes_shown).select_related("owner"):
        projects = list(ProjectStanding.objects.filter(customer_id=s.pk))
        rows.append({
            "code": s.code, "flag": strategy_focus(s.value_class, s.publicity).value,
            "customer": s.code, "manager": str(s.owner), "publicity": publicity[s.publicity],
            "value_class": classes[s.value_class], "win_rate": max(p.win_rate for p in projects),
            "amount": sum(p.amount for p in projects), "layer": max(layers[p.layer] for p in projects),
            "action": min(actions[p.conclusion] for p in projects),
        })
    rows.sort(key=lambda r: r["code"])
    rows.sort(key=lambda r: r[key.removeprefix("-")], reverse=key.startswith("-"))  # stable: code breaks ties
    rows.sort(key=lambda r: not r["flag"])
    return [r["code"] for r in rows]


@pytest.mark.parametrize("key", ["customer", "manager", "publicity", "value_class", "win_rate", "amount", "layer",
                                 "action"])
@pytest.mark.parametrize("sign", ["", "-"])
def test_every_column_sorts_in_sql_flagged_first(client_for, director, region_a, book, key, sign):
    body = client_for(director).get(f"/r/A/strategy-summary/?sort={sign}{key}").content.decode()
    shown = _codes(body)
    assert len(shown) == 6 and shown == _expected(region_a, shown, sign + key)
    assert set(shown[:3]) == set(FLAGGED)


def test_the_layer_and_action_sorts_put_the_deepest_and_most_pressing_first(client_for, director, book):
    client = client_for(director)
    layer = _codes(client.get("/r/A/strategy-summary/?sort=-layer").content.decode())
    assert layer[3:] == [f"{A1}C0002", f"{A2}C0000", f"{A1}C0003"]  # 底层, 中层, 表层
    action = _codes(client.get("/r/A/strategy-summary/?sort=action").content.decode())
    assert action[:3] == [f"{A1}C0000", f"{A1}C0001", f"{A2}C0001"]  # 主动投入, 询问关注, 等待观察
    assert action[3] == f"{A1}C0002"  # 密集进攻


def test_the_sql_flag_agrees_with_the_rule_for_every_class_and_publicity(client_for, director, region_a, book):
    client_for(director).get("/r/A/strategy-summary/")  # stores the region's results
    customers = list(CustomerStanding.objects.filter(region=region_a).order_by("code"))
    combos = [(v, p) for v in ["consolidate", "invest", "harvest", "maintain", None]
              for p in ["blank", "partial", "broad"]]
    for start in range(0, len(combos), len(customers)):
        for s, (value_class, publicity) in zip(customers, combos[start:]):
            CustomerStanding.objects.filter(pk=s.pk).update(value_class=value_class, publicity=publicity)
        for row in psel.strategy_summary(region_a):
            stored = CustomerStanding.objects.get(pk=row["customer_id"])
            assert row["focus"] == int(strategy_focus(stored.value_class, stored.publicity).value), stored.code


def test_the_director_filters_by_account_manager(client_for, director, manager_a2, book):
    body = client_for(director).get(f"/r/A/strategy-summary/?manager={manager_a2.pk}").content.decode()
    assert _codes(body) == [f"{A2}C0001", f"{A2}C0000"]
    assert "共 2 个客户" in body and f'<option value="{manager_a2.pk}" selected>' in body
    bad = client_for(director).get("/r/A/strategy-summary/?manager=999999")
    assert bad.status_code == 400 and "客户经理" in bad.content.decode()
    assert "排序" in client_for(director).get("/r/A/strategy-summary/?sort=profit").content.decode()


def test_a_manager_sees_only_their_own_customers_and_projects(client_for, manager_a1, manager_a2, book):
    body = client_for(manager_a1).get("/r/A/strategy-summary/").content.decode()
    assert _codes(body) == [f"{A1}C0000", f"{A1}C0001", f"{A1}C0002", f"{A1}C0003"]
    assert "A-extra" not in body  # manager_a2's project on manager_a1's customer
    assert f'<option value="{manager_a2.pk}"' not in body
    assert client_for(manager_a1).get(f"/r/A/strategy-summary/?manager={manager_a2.pk}").status_code == 400
    other = client_for(manager_a2).get("/r/A/strategy-summary/").content.decode()
    assert _codes(other) == [f"{A2}C0001", f"{A2}C0000"] and "A-extra" not in other


def test_the_export_has_the_same_rows_filter_and_order(client_for, director, manager_a1, book):
    response = client_for(director).get(f"/r/A/strategy-summary/xlsx/?manager={manager_a1.pk}&sort=-amount")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:7] == ("重点关注（巩固和投入）", "客户编码", "客户名称", "客户经理", "宣传接触状态", "客户群价值类别",
                           "项目编码")
    assert [r[6] for r in rows[1:]] == [
        f"{A1}C0000-X0", f"{A1}C0000-X1", "A-extra",  # flagged, 1,600,000.00
        f"{A1}C0001-X0", f"{A1}C0001-X1",  # flagged, 100,000.00
        f"{A1}C0002-X0", f"{A1}C0002-X1",  # 1,250,000.00
        f"{A1}C0003-X0", f"{A1}C0003-X1",  # 950,000.00; both in 表层, the larger (900,000.00) first
    ]
    assert rows[1] == ("是", f"{A1}C0000", "客户0", "manager_a1", "大片空白", "一级 巩固类", f"{A1}C0000-X0",
                       f"项目{A1}C0000-0", 20, 50000, "底层", "否", "阵地战", "等待观察")
    assert rows[3][8:] == (0, 1500000, "表层", "否", "游击战", "主动投入")
    assert rows[6][0] == "否" and rows[6][4:6] == ("广泛宣传", "一级 巩固类") and rows[6][12:] == ("闪电战", "密集进攻")


def test_a_managers_export_holds_only_their_own(client_for, manager_a2, book):
    response = client_for(manager_a2).get("/r/A/strategy-summary/xlsx/")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[1] for r in rows[1:]} == {f"{A2}C0000", f"{A2}C0001"} and len(rows) == 5
    assert client_for(manager_a2).get("/r/A/strategy-summary/xlsx/?sort=nonsense").status_code == 400


def test_an_empty_region_says_so(client_for, director, manager_a1, region_a):
    body = client_for(director).get("/r/A/strategy-summary/").content.decode()
    assert "本区域的客户还没有进行中的项目。" in body and "共 0 个客户" in body
    assert "你负责的客户还没有进行中的项目。" in client_for(manager_a1).get("/r/A/strategy-summary/").content.decode()
    rows = list(load_workbook(io.BytesIO(client_for(director).get("/r/A/strategy-summary/xlsx/").content))
                .active.iter_rows(values_only=True))
    assert len(rows) == 1


def test_the_funnel_and_the_menu_link_to_the_summary(client_for, director, book):
    body = client_for(director).get("/r/A/funnel/").content.decode()
    assert body.count('href="/r/A/strategy-summary/"') == 2  # the menu and the funnel's slogan
    page = client_for(director).get("/r/A/strategy-summary/").content.decode()
    assert '<a href="/r/A/strategy-summary/" aria-current="page">客户策略总结</a>' in page


def test_while_a_large_region_is_judged_again_the_page_says_so(client_for, director, region_a, book, monkeypatch):
    monkeypatch.setattr(standings, "LARGE", 3)
    client = client_for(director)
    client.get("/r/A/strategy-summary/")  # nothing stored yet: judged at once
    region_a.results_stale()
    body = client.get("/r/A/strategy-summary/").content.decode()
    assert "正在按最新数据重新计算本区域的分析，下表暂为" in body
    assert len(_codes(body)) == 6  # the previous results meanwhile


def test_pages_are_cut_in_sql_and_the_pager_keeps_the_sort(client_for, director, manager_a1, region_a):
    factories.seed(region_a, manager_a1, 25, factories.products(1))
    client = client_for(director)
    first = client.get("/r/A/strategy-summary/?sort=-customer&per_page=20").content.decode()
    assert len(_codes(first)) == 20 and _codes(first)[0] == f"{A1}C0024" and "共 25 个客户" in first
    assert 'href="?sort=-customer&amp;per_page=20&amp;page=2"' in first
    second = client.get("/r/A/strategy-summary/?sort=-customer&per_page=20&page=2").content.decode()
    assert _codes(second) == [f"{A1}C{i:04d}" for i in range(4, -1, -1)]


@pytest.mark.parametrize("n_customers", [3, 60])
def test_the_summary_takes_a_constant_number_of_queries(client_for, director, manager_a1, region_a,
                                                        django_assert_num_queries, n_customers):
    customers = factories.seed(region_a, manager_a1, n_customers, factories.products(2))
    for c in customers:
        _met(c, ["decider"])
    client = client_for(director)
    client.get("/r/A/strategy-summary/")  # the first visit stores the region's results
    # session, user, region + settings, managers; stored results: the count, the flagged
    # count, the page's customers (one GROUP BY), their reasons, their projects' ids; the
    # projects judged: rows, value classes, targets, contacts, snapshots, contact links;
    # nav regions
    with django_assert_num_queries(16):
        response = client.get("/r/A/strategy-summary/?per_page=50")
    assert response.status_code == 200 and len(_codes(response.content.decode())) == min(n_customers, 50)
    # the export: session, user, region + settings, managers; the customers, their projects
    with django_assert_num_queries(6):
        assert client.get("/r/A/strategy-summary/xlsx/").status_code == 200

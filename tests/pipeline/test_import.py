"""workbook_import: every bad input named as sheet, row, column, value, reason;
all-or-nothing; idempotent; corrections update in place."""

import copy
import datetime as dt
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from pipeline.importing import ImportError as RowError
from customers.models import Contact, Contribution, Customer, Product
from pipeline.import_services import workbook_import
from pipeline.workbook import write_csv_zip, write_xlsx
from pipeline.models import Project
from teams.models import Region, RegionSettings, Role, User

# --- workbooks for the tests (also used by the view and command tests) ---------------

BASE = {
    "products": [
        {"code": "P1", "name": "互联网专线", "series": "数据业务"},
        {"code": "P2", "name": "云主机", "series": "云与IDC"},
    ],
    "customers": [
        {"code": "C1", "name": "苏州恒瑞物流有限公司", "industry": "交通物流", "manager": "manager_a1",
         "profit_contribution": 4, "attention": 2.5},
        {"code": "C2", "name": "无锡华信银行", "industry": "金融", "manager": "manager_a2"},
    ],
    "contributions": [
        {"customer": "C1", "product": "P1", "month": "2026-01", "revenue": Decimal("1000.00"),
         "cost": Decimal("600.00"), "arrears": Decimal("0")},
        {"customer": "C1", "product": "P2", "month": "2026-01", "revenue": Decimal("500.50"),
         "cost": Decimal("200.25"), "arrears": Decimal("100")},
        {"customer": "C2", "product": "P1", "month": "2026-02", "revenue": Decimal("3000"),
         "cost": Decimal("3500"), "arrears": Decimal("0")},
    ],
    "projects": [
        {"code": "J1", "name": "恒瑞专线扩容", "customer": "C1", "product": "P1", "manager": "manager_a1",
         "amount": Decimal("250000"), "expected_close": dt.date(2026, 12, 31), "status": "进行中",
         "tariff_effect": "增加", "kill_degree": "高", "evidence": "E10, E2,e1"},
        {"code": "J2", "name": "华信上云", "customer": "C2", "product": "P2", "manager": "manager_a2",
         "amount": Decimal("80000"), "expected_close": "2027-03-01", "status": "won",
         "tariff_effect": "decrease", "kill_degree": "low", "evidence": ""},
    ],
    "contacts": [
        {"customer": "C1", "name": "王伟", "title": "总经理", "roles": "决策,评价", "attitude": "支持",
         "last_met": dt.date(2026, 10, 1), "projects": "J1"},
        {"customer": "C2", "name": "李娜", "title": "", "roles": "user", "attitude": "neutral",
         "last_met": None, "projects": ""},
    ],
}


def sheets(**changes) -> dict:
    """BASE with some sheets replaced (None drops a sheet)."""
    out = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            out.pop(key)
        else:
            out[key] = value
    return out


def with_row(sheet: str, index: int, **cells) -> dict:
    """BASE with one row of one sheet changed."""
    out = copy.deepcopy(BASE)
    out[sheet][index].update(cells)
    return out


def book(tmp_path, data=None, fmt="xlsx", name="book"):
    path = tmp_path / f"{name}.{fmt}"
    (write_xlsx if fmt == "xlsx" else write_csv_zip)(path, BASE if data is None else data)
    return path


def csv_zip(tmp_path, members: dict[str, str], encoding="utf-8", name="raw"):
    path = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for member, text in members.items():
            zf.writestr(member, text.encode(encoding))
    return path


def run(tmp_path, data=None, fmt="xlsx", region="A", **kw):
    return workbook_import(region_code=region, path=book(tmp_path, data, fmt), **kw)


def db_counts():
    return {m.__name__: m.objects.count() for m in (Product, Customer, Contribution, Project, Contact, User)}


def only_error(report) -> tuple:
    assert report.error_count == 1, report.errors
    e = report.errors[0]
    return (e.sheet, e.row, e.column, e.value, e.reason)


@pytest.fixture
def team(region_a, director, manager_a1, manager_a2, manager_b):
    return region_a


# --- a good workbook ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_a_complete_workbook_is_stored_value_by_value(tmp_path, team, manager_a1, fmt):
    report = run(tmp_path, fmt=fmt)
    assert report.ok and report.applied
    assert report.counts == {
        "products": {"add": 2, "update": 0, "unchanged": 0},
        "customers": {"add": 2, "update": 0, "unchanged": 0},
        "projects": {"add": 2, "update": 0, "unchanged": 0},
        "contributions": {"add": 3, "update": 0, "unchanged": 0},
        "contacts": {"add": 2, "update": 0, "unchanged": 0},
    }
    c1 = Customer.objects.get(region=team, code="C1")
    assert (c1.name, c1.industry, c1.owner, c1.profit_contribution, c1.attention, c1.credit) == (
        "苏州恒瑞物流有限公司", "交通物流", manager_a1, Decimal("4.0"), Decimal("2.5"), None)
    cell = Contribution.objects.get(customer=c1, product__code="P2", month=dt.date(2026, 1, 1))
    assert (cell.region_id, cell.revenue, cell.cost, cell.arrears) == (
        team.pk, Decimal("500.50"), Decimal("200.25"), Decimal("100.00"))
    j1, j2 = Project.objects.filter(region=team).order_by("code")
    assert (j1.customer, j1.product.code, j1.owner, j1.amount, j1.expected_close) == (
        c1, "P1", manager_a1, Decimal("250000.00"), dt.date(2026, 12, 31))
    assert (j1.status, j1.tariff_effect, j1.kill_degree, j1.evidence) == ("open", "increase", "high", ["E1", "E2", "E10"])
    assert (j2.status, j2.tariff_effect, j2.kill_degree, j2.evidence, j2.expected_close) == (
        "won", "decrease", "low", [], dt.date(2027, 3, 1))
    wang = Contact.objects.get(customer=c1, name="王伟")
    assert (wang.title, wang.roles, wang.attitude, wang.last_met) == (
        "总经理", ["decider", "evaluator"], "support", dt.date(2026, 10, 1))
    assert list(wang.projects.all()) == [j1]
    li = Contact.objects.get(customer__code="C2", name="李娜")
    assert (li.title, li.roles, li.attitude, li.last_met, li.projects.count()) == ("", ["user"], "neutral", None, 0)


def test_english_headers_and_sheet_names_are_accepted_in_any_column_order(tmp_path, team):
    path = csv_zip(tmp_path, {
        "products.csv": "series,code,name\n数据业务,P1,专线\n",
        "Customers.csv": "manager,name,code\nmanager_a1,恒瑞,C1\n",
        "contributions.csv": "month,customer,product,revenue,cost,arrears\n2026-05,C1,P1,10,5,0\n",
    })
    report = workbook_import(region_code="A", path=path)
    assert report.ok and report.counts["contributions"]["add"] == 1
    assert Contribution.objects.get().revenue == Decimal("10.00")


def test_chinese_and_english_headers_may_be_mixed_within_a_sheet(tmp_path, team):
    path = csv_zip(tmp_path, {"产品.csv": "产品编码,name,产品系列\nP9,专线,数据\n"})
    assert workbook_import(region_code="A", path=path).ok
    assert Product.objects.get(code="P9").name == "专线"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_written_by_chinese_excel_or_with_a_bom_is_imported(tmp_path, team, encoding):
    path = csv_zip(tmp_path, {"客户.csv": "客户编码,客户名称,行业,客户经理\nC7,常州天成电子有限公司,制造业,manager_a1\n"},
                   encoding=encoding)
    report = workbook_import(region_code="A", path=path)
    assert report.ok, report.errors
    assert Customer.objects.get(code="C7").name == "常州天成电子有限公司"


def test_an_extra_column_is_ignored_with_a_warning(tmp_path, team):
    path = csv_zip(tmp_path, {"产品.csv": "产品编码,产品名称,产品系列,备注\nP1,专线,数据,随便写\n"})
    report = workbook_import(region_code="A", path=path)
    assert report.ok
    assert report.warnings == ["工作表“产品”的列“备注”不是模板中的列，已忽略"]


def test_an_unknown_sheet_is_ignored_with_a_warning_but_the_instructions_sheet_silently(tmp_path, team):
    wb = Workbook()
    wb.active.title = "说明"
    wb.create_sheet("草稿").append(["x"])
    ws = wb.create_sheet("产品")
    ws.append(["产品编码", "产品名称", "产品系列"])
    ws.append(["P1", "专线", "数据"])
    wb.save(tmp_path / "b.xlsx")
    report = workbook_import(region_code="A", path=tmp_path / "b.xlsx")
    assert report.ok and report.warnings == ["工作表“草稿”不是模板中的工作表，已忽略"]


def test_a_workbook_of_only_contributions_may_refer_to_stored_customers_and_products(tmp_path, team):
    assert run(tmp_path).ok
    more = [{"customer": "C2", "product": "P2", "month": "2026-03", "revenue": 1, "cost": 0, "arrears": 0}]
    report = run(tmp_path, sheets(products=None, customers=None, projects=None, contacts=None, contributions=more))
    assert report.ok and report.counts == {"contributions": {"add": 1, "update": 0, "unchanged": 0}}
    assert Contribution.objects.count() == 4


def test_the_region_is_created_with_default_settings_when_it_does_not_exist(tmp_path, db):
    report = run(tmp_path, region="HD09", region_name="华东九区")
    assert report.ok and report.applied
    region = Region.objects.get(code="HD09")
    assert region.name == "华东九区" and RegionSettings.objects.filter(region=region).exists()
    assert Contribution.objects.filter(region=region).count() == 3


def test_money_is_rounded_half_up_to_the_fen_as_it_is_read(tmp_path, team):
    rows = [{"customer": "C1", "product": "P1", "month": "2026-01", "revenue": "1.005", "cost": "2.675",
             "arrears": "0.004"},
            {"customer": "C1", "product": "P1", "month": "2026-02", "revenue": 1.005, "cost": "1,234.5",
             "arrears": "¥3"}]
    assert run(tmp_path, sheets(contributions=rows)).ok
    jan, feb = Contribution.objects.order_by("month")
    assert (jan.revenue, jan.cost, jan.arrears) == (Decimal("1.01"), Decimal("2.68"), Decimal("0.00"))
    assert (feb.revenue, feb.cost, feb.arrears) == (Decimal("1.01"), Decimal("1234.50"), Decimal("3.00"))


def test_an_excel_date_cell_is_accepted_as_a_month(tmp_path, team):
    rows = [{"customer": "C1", "product": "P1", "month": dt.date(2026, 7, 15), "revenue": 1, "cost": 0,
             "arrears": 0}]
    assert run(tmp_path, sheets(contributions=rows)).ok
    assert Contribution.objects.get().month == dt.date(2026, 7, 1)


def test_an_empty_amount_cell_counts_as_zero(tmp_path, team):
    rows = [{"customer": "C1", "product": "P1", "month": "2026-01", "revenue": 5, "cost": None, "arrears": ""}]
    assert run(tmp_path, sheets(contributions=rows)).ok
    assert Contribution.objects.get().cost == Decimal("0")


def test_formula_text_is_stored_as_text_and_neutralised_on_export(tmp_path, team):
    data = with_row("customers", 0, name="=1+1", industry="@cmd")
    assert run(tmp_path, data).ok
    c1 = Customer.objects.get(code="C1")
    assert (c1.name, c1.industry) == ("=1+1", "@cmd")
    cell = Contribution.objects.filter(customer=c1).order_by("product__code").first()
    export = tmp_path / "export.xlsx"
    write_xlsx(export, {"customers": [{"code": c1.code, "name": c1.name, "industry": c1.industry,
                                       "manager": c1.owner.username}],
                        "contributions": [{"customer": "C1", "product": "P1", "month": "2026-01",
                                           "revenue": cell.revenue, "cost": cell.cost, "arrears": cell.arrears}]})
    wb = load_workbook(export)
    assert (wb["客户"]["B2"].value, wb["客户"]["B2"].data_type, wb["客户"]["B2"].quotePrefix) == ("=1+1", "s", True)
    assert (wb["资费"]["D2"].value, wb["资费"]["D2"].data_type) == (1000, "n")


# --- new users -----------------------------------------------------------------------


def test_unknown_managers_are_listed_and_created_as_managers_of_the_region_without_a_password(tmp_path, team):
    data = with_row("customers", 1, manager="zhang_san")
    data["projects"][1]["manager"] = "zhang_san"
    preview = run(tmp_path, data, dry_run=True)
    assert preview.ok and preview.new_users == ["zhang_san"] and not preview.applied
    assert not User.objects.filter(username="zhang_san").exists()
    report = run(tmp_path, data)
    assert report.new_users == ["zhang_san"] and report.applied
    user = User.objects.get(username="zhang_san")
    assert (user.role, user.has_usable_password(), list(user.regions.all())) == (Role.MANAGER, False, [team])
    assert Customer.objects.get(code="C2").owner == user
    assert Project.objects.get(code="J2").owner == user
    assert run(tmp_path, data).new_users == []


def test_an_existing_user_of_no_region_joins_the_region(tmp_path, team):
    loner = User.objects.create_user(username="loner", role=Role.MANAGER)
    report = run(tmp_path, with_row("customers", 0, manager="loner"))
    assert report.ok and report.joining_users == ["loner"] and report.new_users == []
    assert list(loner.regions.all()) == [team]


def test_a_director_of_no_region_cannot_be_made_a_member_by_an_import(tmp_path, team):
    boss = User.objects.create_user(username="boss", role=Role.DIRECTOR)
    report = run(tmp_path, with_row("customers", 0, manager="boss"))
    assert only_error(report) == ("客户", 2, "客户经理", "boss", "该用户不是客户经理，不能负责客户或项目")
    assert list(boss.regions.all()) == []


def test_a_manager_of_another_region_is_an_error(tmp_path, team, manager_b):
    report = run(tmp_path, with_row("customers", 1, manager="manager_b"))
    assert only_error(report) == ("客户", 3, "客户经理", "manager_b",
                                  "该用户属于其他区域（B），不能负责本区域的客户或项目")


def test_a_username_django_would_refuse_is_an_error(tmp_path, team):
    report = run(tmp_path, with_row("customers", 0, manager="张 三!"))
    assert only_error(report)[1:4] == (2, "客户经理", "张 三!")


# --- bad data: every error, nothing written -------------------------------------------------


def test_nothing_is_written_when_any_row_has_an_error(tmp_path, team):
    before = db_counts()
    data = copy.deepcopy(BASE)
    data["contributions"].append({"customer": "C2", "product": "P2", "month": "2026-13", "revenue": 1,
                                  "cost": 1, "arrears": 1})
    data["customers"][1]["manager"] = "someone_new"
    report = run(tmp_path, data)
    assert not report.ok and not report.applied
    assert db_counts() == before
    assert not Region.objects.filter(code="NEW").exists()
    assert not run(tmp_path, data, region="NEW").ok
    assert not Region.objects.filter(code="NEW").exists()


def test_a_file_that_is_not_a_workbook_is_one_clear_error(tmp_path, team):
    path = tmp_path / "data.xlsx"
    path.write_text("this is not excel")
    report = workbook_import(region_code="A", path=path, filename="data.xlsx")
    assert only_error(report) == ("", None, "", "data.xlsx",
                                  "不是 Excel 工作簿或 CSV 压缩包（请上传 .xlsx 文件，或由 .csv 文件组成的 .zip 压缩包）")


def test_a_workbook_without_any_known_sheet_is_an_error(tmp_path, team):
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "b.xlsx")
    report = workbook_import(region_code="A", path=tmp_path / "b.xlsx")
    assert report.error_count == 1 and "未找到可识别的工作表" in report.errors[0].reason


def test_a_missing_required_column_is_named(tmp_path, team):
    path = csv_zip(tmp_path, {"资费.csv": "客户编码,产品编码,月份,收入,欠费\nC1,P1,2026-01,1,0\n"})
    report = workbook_import(region_code="A", path=path)
    assert only_error(report) == ("资费", 1, "成本", "", "缺少必需的列“成本”（cost）")


def test_a_sheet_whose_header_is_bad_still_defines_its_codes_for_the_other_sheets(tmp_path, team):
    path = csv_zip(tmp_path, {"客户.csv": "客户编码,客户名称\nC5,恒瑞\n",
                              "资费.csv": "客户编码,产品编码,月份,收入,成本,欠费\nC5,P1,2026-01,1,0,0\n",
                              "产品.csv": "产品编码,产品名称,产品系列\nP1,a,b\n"})
    report = workbook_import(region_code="A", path=path)
    assert [(e.sheet, e.column) for e in report.errors] == [("客户", "客户经理")]


def test_duplicate_codes_in_a_sheet_name_the_first_row(tmp_path, team):
    data = copy.deepcopy(BASE)
    data["customers"].append(dict(data["customers"][0], name="另一个"))
    assert only_error(run(tmp_path, data)) == ("客户", 4, "客户编码", "C1", "编码重复（与第 2 行相同）")


def test_a_duplicate_customer_product_month_is_an_error(tmp_path, team):
    data = copy.deepcopy(BASE)
    data["contributions"].append(dict(data["contributions"][0], revenue=5))
    assert only_error(run(tmp_path, data, fmt="zip")) == (
        "资费", 5, "月份", "C1 × P1 × 2026-01", "同一客户、产品、月份重复（与第 2 行相同）")


def test_a_duplicate_contact_of_a_customer_is_an_error(tmp_path, team):
    data = copy.deepcopy(BASE)
    data["contacts"].append(dict(data["contacts"][0], title="副总"))
    assert only_error(run(tmp_path, data)) == ("联系人", 4, "姓名", "王伟", "同一客户的联系人重复（与第 2 行相同）")


@pytest.mark.parametrize(("cell", "value", "reason"), [
    ("revenue", "-1", "不能为负数"),
    ("cost", "12元", "不是数字"),
    ("arrears", "=A1*2", "不是数字"),
    ("revenue", "1e20", "金额过大"),
])
def test_negative_or_non_numeric_money_is_an_error(tmp_path, team, cell, value, reason):
    data = with_row("contributions", 1, **{cell: value})
    column = {"revenue": "收入", "cost": "成本", "arrears": "欠费"}[cell]
    assert only_error(run(tmp_path, data, fmt="zip")) == ("资费", 3, column, value, reason)


def test_a_negative_number_cell_in_xlsx_is_an_error_too(tmp_path, team):
    data = with_row("projects", 0, amount=Decimal("-0.01"))
    assert only_error(run(tmp_path, data)) == ("项目", 2, "金额", "-0.01", "不能为负数")


@pytest.mark.parametrize(("value", "reason"), [
    ("2026-13", "月份不存在（月应为 01–12）"),
    ("2026-02-30", "日期不存在"),
    ("26-01", "月份格式应为 YYYY-MM"),
    ("", "不能为空"),
])
def test_a_bad_month_is_an_error(tmp_path, team, value, reason):
    data = with_row("contributions", 0, month=value)
    assert only_error(run(tmp_path, data, fmt="zip")) == ("资费", 2, "月份", value, reason)


def test_month_accepts_yyyy_mm_and_slashes(tmp_path, team):
    rows = [{"customer": "C1", "product": "P1", "month": m, "revenue": 1, "cost": 0, "arrears": 0}
            for m in ("2026-3", "2026/04", "2026-05-01")]
    assert run(tmp_path, sheets(contributions=rows), fmt="zip").ok
    assert sorted(Contribution.objects.values_list("month", flat=True)) == [
        dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)]


def test_an_unknown_product_code_is_an_error(tmp_path, team):
    data = with_row("contributions", 2, product="P404")
    assert only_error(run(tmp_path, data)) == ("资费", 4, "产品编码", "P404", "未知的产品编码（文件和系统中都没有）")


def test_an_unknown_customer_or_project_code_is_an_error(tmp_path, team):
    data = with_row("projects", 1, customer="C404")
    data["contacts"][0]["projects"] = "J1,J404"
    report = run(tmp_path, data)
    assert [(e.sheet, e.row, e.column, e.value) for e in report.errors] == [
        ("项目", 3, "客户编码", "C404"), ("联系人", 2, "项目编码", "J404")]


def test_evidence_outside_e1_to_e12_is_an_error(tmp_path, team):
    data = with_row("projects", 0, evidence="E1,E13")
    assert only_error(run(tmp_path, data)) == ("项目", 2, "证据", "E1,E13", "“E13”不是证据编码；应为 E1–E12")


@pytest.mark.parametrize(("value", "reason"), [
    (150, "评分应在 0–5 之间"), ("-1", "评分应在 0–5 之间"), ("高", "评分应为 0–5 的数字"), (2.55, "评分最多一位小数"),
])
def test_a_score_outside_0_to_5_is_an_error(tmp_path, team, value, reason):
    data = with_row("customers", 0, credit=value)
    assert only_error(run(tmp_path, data)) == ("客户", 2, "企业信用", str(value), reason)


@pytest.mark.parametrize(("sheet", "cell", "column", "value"), [
    ("projects", "status", "状态", "进行"),
    ("projects", "tariff_effect", "资费影响", "不变"),
    ("projects", "kill_degree", "杀伤度", "中"),
    ("contacts", "attitude", "态度", "友好"),
    ("contacts", "roles", "角色", "决策,老板"),
])
def test_a_value_outside_its_list_is_an_error(tmp_path, team, sheet, cell, column, value):
    e = only_error(run(tmp_path, with_row(sheet, 0, **{cell: value})))
    assert e[:4] == ({"projects": "项目", "contacts": "联系人"}[sheet], 2, column, value)
    assert e[4].startswith("“老板”不是角色" if cell == "roles" else "应为 ")


@pytest.mark.parametrize("value", ["2026-02-30", "明年", "2026.13.01"])
def test_a_bad_date_is_an_error(tmp_path, team, value):
    e = only_error(run(tmp_path, with_row("projects", 0, expected_close=value)))
    assert e[:4] == ("项目", 2, "预计签约日期", value)


def test_every_error_is_listed_with_its_row(tmp_path, team):
    rows = [{"customer": "C1", "product": "P1", "month": f"2026-{m:02d}", "revenue": "x", "cost": 0, "arrears": 0}
            for m in range(1, 13)]
    report = run(tmp_path, sheets(contributions=rows))
    assert [e.row for e in report.errors] == list(range(2, 14))
    assert all(isinstance(e, RowError) and e.column == "收入" for e in report.errors)


def test_row_numbers_count_blank_rows_as_excel_does(tmp_path, team):
    wb = Workbook()
    ws = wb.active
    ws.title = "产品"
    ws.append(["产品编码", "产品名称", "产品系列"])
    ws.append(["P1", "a", "b"])
    ws.append([])
    ws.append([])
    ws.append(["P2", "", "b"])
    wb.save(tmp_path / "b.xlsx")
    assert only_error(workbook_import(region_code="A", path=tmp_path / "b.xlsx")) == (
        "产品", 5, "产品名称", "", "不能为空")


# --- idempotence and corrections ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_reimporting_the_same_file_writes_nothing_and_reports_all_unchanged(tmp_path, team, fmt):
    path = book(tmp_path, fmt=fmt)
    assert workbook_import(region_code="A", path=path).applied
    before = db_counts()
    with CaptureQueriesContext(connection) as queries:
        report = workbook_import(region_code="A", path=path)
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert report.ok and not report.applied and report.new_users == []
    assert {k: c["add"] + c["update"] for k, c in report.counts.items()} == dict.fromkeys(BASE, 0)
    assert report.counts["contributions"]["unchanged"] == 3
    assert db_counts() == before


def test_a_reimport_reads_the_region_in_a_fixed_number_of_queries(tmp_path, team, django_assert_num_queries):
    path = book(tmp_path)
    workbook_import(region_code="A", path=path)
    # region, products, customers, projects, contacts + their project links,
    # contributions (one raw query), the managers named + their regions
    with django_assert_num_queries(9):
        workbook_import(region_code="A", path=path)


def test_a_corrected_file_updates_in_place(tmp_path, team, manager_a2):
    assert run(tmp_path).ok
    ids = {c.code: c.pk for c in Customer.objects.all()}
    data = copy.deepcopy(BASE)
    data["customers"][0].update(name="恒瑞物流（更正）", manager="manager_a2")
    data["contributions"][1]["revenue"] = Decimal("555.55")
    data["projects"][0].update(evidence="E1", status="丢单")
    data["contacts"][0].update(roles="使用", projects="J1,J2")
    data["products"][1]["series"] = "云计算"
    report = run(tmp_path, data, fmt="zip")
    assert report.applied
    assert {k: (c["add"], c["update"], c["unchanged"]) for k, c in report.counts.items()} == {
        "products": (0, 1, 1), "customers": (0, 1, 1), "projects": (0, 1, 1),
        "contributions": (0, 1, 2), "contacts": (0, 1, 1)}
    c1 = Customer.objects.get(code="C1")
    assert (c1.pk, c1.name, c1.owner, c1.profit_contribution) == (ids["C1"], "恒瑞物流（更正）", manager_a2, Decimal("4"))
    assert Contribution.objects.count() == 3
    assert Contribution.objects.get(customer=c1, product__code="P2").revenue == Decimal("555.55")
    j1 = Project.objects.get(code="J1")
    assert (j1.evidence, j1.status, j1.amount) == (["E1"], "lost", Decimal("250000"))
    wang = Contact.objects.get(name="王伟")
    assert (wang.roles, sorted(wang.projects.values_list("code", flat=True))) == (["user"], ["J1", "J2"])
    assert Product.objects.get(code="P2").series == "云计算"
    assert run(tmp_path, data, fmt="zip").counts["contacts"] == {"add": 0, "update": 0, "unchanged": 2}


def test_empty_optional_cells_keep_what_is_stored(tmp_path, team):
    assert run(tmp_path).ok
    Customer.objects.filter(code="C1").update(credit=Decimal("3.5"), industry="物流")
    Contact.objects.filter(name="王伟").update(title="董事长")
    data = with_row("customers", 0, industry="", profit_contribution=None)
    data["contacts"][0].update(title="", projects="", last_met=None)
    report = run(tmp_path, data)
    assert report.counts["customers"] == {"add": 0, "update": 0, "unchanged": 2}
    assert report.counts["contacts"] == {"add": 0, "update": 0, "unchanged": 2}
    c1 = Customer.objects.get(code="C1")
    assert (c1.industry, c1.credit, c1.profit_contribution) == ("物流", Decimal("3.5"), Decimal("4"))
    wang = Contact.objects.get(name="王伟")
    assert (wang.title, wang.last_met, wang.projects.count()) == ("董事长", dt.date(2026, 10, 1), 1)


def test_a_dry_run_previews_without_writing(tmp_path, team):
    before = db_counts()
    report = run(tmp_path, dry_run=True)
    assert report.ok and not report.applied and report.counts["contributions"]["add"] == 3
    assert db_counts() == before


def test_an_applied_import_moves_the_regions_data_version_on_and_a_no_op_does_not(tmp_path, team):
    path = book(tmp_path)
    workbook_import(region_code="A", path=path)
    team.refresh_from_db()
    version = team.data_version
    assert version == 1
    workbook_import(region_code="A", path=path)
    team.refresh_from_db()
    assert team.data_version == version
    workbook_import(region_code="A", path=book(tmp_path, with_row("customers", 0, name="新名称"), name="b"))
    team.refresh_from_db()
    assert team.data_version == version + 1


def test_renaming_a_shared_product_moves_every_regions_data_version_on(tmp_path, team, region_b):
    assert run(tmp_path).ok
    before = region_b.data_version
    assert run(tmp_path, with_row("products", 0, name="互联网专线（新）")).ok
    region_b.refresh_from_db()
    assert region_b.data_version == before + 1


def test_a_true_false_cell_is_not_money_even_after_a_1(tmp_path, team):
    rows = [{"customer": "C1", "product": "P1", "month": "2026-01", "revenue": 1, "cost": 0, "arrears": 0},
            {"customer": "C1", "product": "P1", "month": "2026-02", "revenue": True, "cost": 0, "arrears": 0}]
    assert only_error(run(tmp_path, sheets(contributions=rows))) == ("资费", 3, "收入", "True", "不是数字")


def test_a_directors_import_adds_products_but_cannot_rename_them(tmp_path, team, director):
    assert run(tmp_path).ok  # as the operator on the command line: adds P1, P2
    renamed = with_row("products", 0, name="改名的专线")
    report = run(tmp_path, renamed, user=director)
    code = BASE["products"][0]["code"]
    assert only_error(report) == ("产品", None, "产品编码", code, "已有产品的名称和系列由系统管理员维护，导入只能新增产品")
    assert Product.objects.get(code=code).name == BASE["products"][0]["name"]
    assert run(tmp_path, renamed).ok  # the operator may
    assert Product.objects.get(code=code).name == "改名的专线"


# --- an import writes exactly what its preview showed ------------------------------------
# The web flow: a dry run's report carries what it read (report.preview); the
# confirmation hands it back. The command line compares with its own parse,
# under row locks inside the writing transaction (`between_read_and_write`).


def preview_then(tmp_path, data, meanwhile=None, **kw):
    """Preview `data`, run `meanwhile()` (someone else's edit), then confirm with the preview."""
    path = book(tmp_path, data, name="next")
    preview = workbook_import(region_code="A", path=path, dry_run=True)
    assert preview.ok and preview.preview is not None
    if meanwhile:
        meanwhile()
    return workbook_import(region_code="A", path=path, preview=preview.preview, **kw)


@pytest.fixture
def between_read_and_write(monkeypatch):
    """between_read_and_write(edit): `edit()` runs after the import has read the
    region and parsed the file, before its writing transaction begins."""
    import pipeline.import_services as services

    def install(edit):
        real = services.build_plan

        def build_then_edit(book, existing):
            plan = real(book, existing)
            edit()
            return plan

        monkeypatch.setattr(services, "build_plan", build_then_edit)

    return install


def tick(code, *codes):
    project = Project.objects.get(code=code)
    Project.objects.filter(pk=project.pk).update(evidence=sorted({*project.evidence, *codes}))


def snapshot():
    """Everything an import may write, to show that a stopped one wrote nothing."""
    return {
        "projects": list(Project.objects.order_by("code").values_list("code", "amount", "evidence", "name")),
        "customers": list(Customer.objects.order_by("code").values_list("code", "name", "owner__username")),
        "contributions": sorted(Contribution.objects.values_list("customer__code", "product__code", "month",
                                                                 "revenue")),
        "contacts": sorted(Contact.objects.values_list("name", "title", "roles")),
        "links": sorted(Project.contacts.through.objects.values_list("project__code", "contact__name")),
        "users": sorted(User.objects.values_list("username", flat=True)),
        "versions": list(Region.objects.order_by("code").values_list("data_version", flat=True)),
    }


def test_a_row_changed_after_the_preview_stops_the_import_and_is_listed(tmp_path, team):
    assert run(tmp_path).applied
    data = with_row("projects", 0, amount=Decimal("300000"))
    data["customers"][1]["name"] = "无锡华信银行（总行）"
    data["customers"].append({"code": "C3", "name": "新客户", "manager": "new_manager"})

    def meanwhile():
        tick("J1", "E3")
        return snapshot()

    before = {}
    report = preview_then(tmp_path, data, lambda: before.update(meanwhile()))
    assert not report.ok and not report.applied
    assert [str(c) for c in report.changed] == ["项目 J1：证据 已被修改（预览时 E1,E2,E10，现在 E1,E2,E3,E10）"]
    assert report.changed_count == 1 and report.errors == []
    assert snapshot() == before  # not even the rows nobody touched, nor the new user


def test_an_edit_to_a_row_the_preview_showed_unchanged_survives_the_import(tmp_path, team):
    assert run(tmp_path).applied
    data = with_row("projects", 0, amount=Decimal("300000"))
    report = preview_then(tmp_path, data, lambda: Project.objects.filter(code="J2").update(
        amount=Decimal("90000"), evidence=["E1"]))
    assert report.applied and report.changed == []
    assert report.counts["projects"] == {"add": 0, "update": 1, "unchanged": 1}
    assert Project.objects.get(code="J1").amount == Decimal("300000")
    j2 = Project.objects.get(code="J2")
    assert (j2.amount, j2.evidence) == (Decimal("90000"), ["E1"])  # the file says 80000 and no evidence


def test_a_field_the_file_does_not_give_survives_when_the_row_is_updated(tmp_path, team, between_read_and_write):
    assert run(tmp_path).applied
    between_read_and_write(lambda: Customer.objects.filter(code="C1").update(
        credit=Decimal("3.5"), decider_needs="专线冗余"))
    report = run(tmp_path, with_row("customers", 0, name="恒瑞物流（更正）"))
    assert report.applied
    c1 = Customer.objects.get(code="C1")
    assert (c1.name, c1.credit, c1.decider_needs) == ("恒瑞物流（更正）", Decimal("3.5"), "专线冗余")


def test_an_update_writes_only_the_fields_the_file_changes(tmp_path, team):
    assert run(tmp_path).applied
    data = with_row("projects", 0, amount=Decimal("300000"))
    with CaptureQueriesContext(connection) as queries:
        assert run(tmp_path, data).applied
    table = Project._meta.db_table
    updates = [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]
    assert len(updates) == 1
    assert '"amount"' in updates[0] and '"updated_at"' in updates[0]
    for column in ("evidence", "name", "status", "customer_id", "owner_id", "expected_close"):
        assert f'"{column}"' not in updates[0]


def test_on_the_command_line_a_row_changed_between_reading_and_writing_stops_the_import(
        tmp_path, team, between_read_and_write):
    assert run(tmp_path).applied
    before = {}

    def edit():
        tick("J1", "E3")
        before.update(snapshot())

    between_read_and_write(edit)
    data = with_row("projects", 0, amount=Decimal("300000"))
    data["contributions"][0]["revenue"] = Decimal("1111")
    report = run(tmp_path, data)
    assert not report.applied
    assert [str(c) for c in report.changed] == ["项目 J1：证据 已被修改（预览时 E1,E2,E10，现在 E1,E2,E3,E10）"]
    assert snapshot() == before


def test_a_row_to_add_that_someone_created_meanwhile_stops_the_import(tmp_path, team, between_read_and_write):
    assert run(tmp_path).applied
    before = {}

    def create():
        j1 = Project.objects.get(code="J1")
        j1.pk, j1.code, j1.name = None, "J3", "他人新建的项目"
        j1.save()
        before.update(snapshot())

    between_read_and_write(create)
    data = copy.deepcopy(BASE)
    data["projects"].append({**BASE["projects"][1], "code": "J3", "name": "华信二期"})
    data["customers"][0]["name"] = "恒瑞物流（更正）"
    report = run(tmp_path, data)
    assert not report.applied
    assert [str(c) for c in report.changed] == ["项目 J3：已被他人新增（预览时还没有）"]
    assert snapshot() == before
    assert Project.objects.get(code="J3").name == "他人新建的项目"


def test_a_row_added_or_deleted_after_the_preview_is_listed(tmp_path, team):
    assert run(tmp_path).applied
    data = copy.deepcopy(BASE)
    data["projects"].append({**BASE["projects"][1], "code": "J3", "name": "华信二期"})
    data["contacts"][1]["title"] = "财务总监"

    def meanwhile():
        j2 = Project.objects.get(code="J2")
        j2.pk, j2.code = None, "J3"
        j2.save()
        Contact.objects.filter(name="李娜").delete()

    report = preview_then(tmp_path, data, meanwhile)
    assert [str(c) for c in report.changed] == [
        "项目 J3：已被他人新增（预览时还没有）",
        "联系人 李娜（C2）：已被删除（预览时还在）",
    ]
    assert Project.objects.get(code="J3").name == "华信上云"


def test_changed_contributions_contacts_and_customers_name_each_field_with_both_values(tmp_path, team, manager_a2):
    assert run(tmp_path).applied
    data = copy.deepcopy(BASE)
    data["contributions"][0]["revenue"] = Decimal("1200")
    data["contacts"][0].update(roles="决策", projects="J1,J2")
    data["customers"][0]["attention"] = 4

    def meanwhile():
        c1 = Customer.objects.get(code="C1")
        Contribution.objects.filter(customer=c1, product__code="P1").update(cost=Decimal("650.5"))
        wang = Contact.objects.get(name="王伟")
        wang.roles = ["decider", "evaluator", "user"]
        wang.save()
        Customer.objects.filter(pk=c1.pk).update(owner=manager_a2, attention=Decimal("3"))

    report = preview_then(tmp_path, data, meanwhile)
    assert [str(c) for c in report.changed] == [
        "客户 C1：客户经理 已被修改（预览时 manager_a1，现在 manager_a2）；关注程度 已被修改（预览时 2.5，现在 3.0）",
        "资费 C1 × P1 × 2026-01：成本 已被修改（预览时 600.00，现在 650.50）",
        "联系人 王伟（C1）：角色 已被修改（预览时 决策,评价，现在 决策,使用,评价）",
    ]


def test_what_a_preview_read_is_kept_with_the_upload_and_read_back_alike(tmp_path, team, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pipeline.import_services import preview_keep, preview_load, upload_discard, upload_path, upload_store

    assert run(tmp_path).applied
    data = copy.deepcopy(BASE)
    data["contributions"][0]["revenue"] = Decimal("1200")
    data["contributions"].append({**BASE["contributions"][0], "month": "2026-03"})
    data["contacts"][0].update(projects="J1,J2")
    data["projects"][1]["evidence"] = "E4"
    path = book(tmp_path, data, name="next")
    token = upload_store(upload=SimpleUploadedFile("next.xlsx", path.read_bytes()))
    report = workbook_import(region_code="A", path=upload_path(token), dry_run=True)
    preview_keep(name=token, preview=report.preview)
    kept = preview_load(token)
    assert kept == report.preview
    assert kept.read["contributions"] == {("C1", "P1", dt.date(2026, 1, 1)): (100000, 60000, 0)}
    assert kept.added["contributions"] == {("C1", "P1", dt.date(2026, 3, 1))}
    assert kept.read["contacts"][("C1", "王伟")]["projects"] == ["J1"]
    assert kept.read["projects"]["J2"]["evidence"] == []
    assert workbook_import(region_code="A", path=upload_path(token), preview=kept).applied
    upload_discard(token)
    assert preview_load(token) is None and not list((tmp_path / "media" / "imports").iterdir())


def test_a_contacts_links_change_by_the_difference_only(tmp_path, team):
    assert run(tmp_path).applied
    Link = Project.contacts.through
    kept = Link.objects.get(contact__name="王伟", project__code="J1").pk
    report = run(tmp_path, with_row("contacts", 0, projects="J2, J1"))
    assert report.counts["contacts"]["update"] == 1
    links = dict(Link.objects.filter(contact__name="王伟").values_list("project__code", "pk"))
    assert links.keys() == {"J1", "J2"} and links["J1"] == kept
    assert run(tmp_path, with_row("contacts", 0, projects="J2")).applied
    assert list(Link.objects.filter(contact__name="王伟").values_list("project__code", flat=True)) == ["J2"]


def test_a_new_user_someone_created_meanwhile_stops_the_import(tmp_path, team, between_read_and_write):
    assert run(tmp_path).applied
    between_read_and_write(lambda: User.objects.create_user(username="wang_wu", role=Role.MANAGER))
    data = with_row("customers", 1, manager="wang_wu")
    report = run(tmp_path, data)
    assert not report.applied
    assert [str(c) for c in report.changed] == ["用户 wang_wu：预览之后已被他人创建、删除或调整了区域"]
    assert Customer.objects.get(code="C2").owner.username == "manager_a2"


def test_an_import_that_changes_a_contact_moves_its_form_version(tmp_path, team):
    """A contact form read before the import is refused after it (stale), never saved over it."""
    assert run(tmp_path).applied
    contact = Contact.objects.get(name=BASE["contacts"][0]["name"])
    before = contact.version
    data = copy.deepcopy(BASE)
    data["contacts"][0]["title"] = "董事长"
    assert run(tmp_path, data).applied
    contact.refresh_from_db()
    assert contact.title == "董事长" and contact.version == before + 1
    untouched = Contact.objects.exclude(pk=contact.pk).get()
    assert untouched.version == 0  # a contact the file leaves as it is keeps its version

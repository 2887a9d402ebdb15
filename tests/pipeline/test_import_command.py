"""manage.py import_workbook FILE --region CODE [--dry-run]."""

import copy
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from customers.models import Contribution, Customer
from pipeline.models import Project
from teams.models import Region, User
from tests.pipeline.test_import import BASE, between_read_and_write, book, tick  # noqa: F401 (a fixture)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_workbook", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_and_prints_the_counts(tmp_path, region_a, manager_a1, manager_a2):
    out, _ = run(str(book(tmp_path)), "--region", "A")
    assert "资费\t新增 3\t更新 0\t不变 0" in out
    assert "已导入到区域 A" in out
    assert Contribution.objects.filter(region=region_a).count() == 3


def test_it_creates_a_missing_region_and_lists_new_users(tmp_path, db):
    out, _ = run(str(book(tmp_path, fmt="zip")), "--region", "HD01")
    assert "新用户（请核对拼写）：manager_a1" in out and "新用户（请核对拼写）：manager_a2" in out
    assert Region.objects.get(code="HD01").customers.count() == 2
    assert not User.objects.get(username="manager_a1").has_usable_password()


def test_a_dry_run_prints_the_preview_and_writes_nothing(tmp_path, region_a, manager_a1, manager_a2):
    out, _ = run(str(book(tmp_path)), "--region", "A", "--dry-run")
    assert "客户\t新增 2\t更新 0\t不变 0" in out and "未写入任何数据" in out
    assert Customer.objects.count() == 0


def test_a_second_run_reports_everything_unchanged(tmp_path, region_a, manager_a1, manager_a2):
    path = str(book(tmp_path))
    run(path, "--region", "A")
    out, _ = run(path, "--region", "A")
    assert "资费\t新增 0\t更新 0\t不变 3" in out and "没有需要写入的变化" in out


def test_bad_data_exits_1_printing_every_error(tmp_path, region_a, manager_a1, manager_a2, manager_b):
    data = copy.deepcopy(BASE)
    data["contributions"][1]["month"] = "2026-13"
    data["customers"][0]["manager"] = "manager_b"
    data["customers"][1]["credit"] = 150
    with pytest.raises(CommandError) as failure:
        run(str(book(tmp_path, data)), "--region", "A")
    assert failure.value.returncode == 1  # what manage.py exits with
    assert "共 3 个错误，未写入任何数据" in str(failure.value)
    assert Customer.objects.count() == 0


def test_the_error_list_names_sheet_row_column_value_and_reason(tmp_path, region_a, manager_a1, manager_a2):
    data = copy.deepcopy(BASE)
    data["contributions"][1]["month"] = "2026-13"
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_workbook", str(book(tmp_path, data)), "--region", "A", stderr=err, stdout=StringIO())
    assert err.getvalue().splitlines() == ["工作表\t行\t列\t值\t原因", "资费\t3\t月份\t2026-13\t月份不存在（月应为 01–12）"]


def test_a_missing_file_is_a_command_error(tmp_path, db):
    with pytest.raises(CommandError, match="文件不存在"):
        run(str(tmp_path / "nope.xlsx"), "--region", "A")


def test_a_row_changed_between_reading_and_writing_exits_1_listing_it(
        tmp_path, region_a, manager_a1, manager_a2, between_read_and_write):
    run(str(book(tmp_path)), "--region", "A")
    between_read_and_write(lambda: tick("J1", "E3"))
    data = copy.deepcopy(BASE)
    data["projects"][0]["amount"] = Decimal("300000")
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_workbook", str(book(tmp_path, data, name="next")), "--region", "A",
                     stderr=err, stdout=StringIO())
    assert failure.value.returncode == 1
    assert "1 行数据在读取之后已被修改" in str(failure.value)
    assert err.getvalue().splitlines() == ["读取文件之后，以下各行已在系统中被修改，未写入任何数据：",
                                           "项目 J1：证据 已被修改（预览时 E1,E2,E10，现在 E1,E2,E3,E10）"]
    assert Project.objects.get(code="J1").amount == Decimal("250000")

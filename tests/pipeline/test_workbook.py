"""The workbook file: its spec, the safe readers (zip bombs, DTDs, encodings)
and the writers (formula neutralising, numbers kept numeric)."""

import datetime as dt
import io
import struct
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from pipeline import workbook
from pipeline.workbook import (
    SHEETS, WorkbookError, open_workbook, read_workbook, template_xlsx, write_csv_zip, write_xlsx,
)

ONE_CUSTOMER = {"customers": [{"code": "C1", "name": "恒瑞", "industry": "", "manager": "m1"}]}


def zip_of(path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def patch_sizes(path, member: str, declared: int) -> None:
    """Rewrite a member's uncompressed size in both its local and central headers."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_len = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30: local + 30 + name_len] == name:
            struct.pack_into("<I", data, local + 22, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46: central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


# --- the spec -----------------------------------------------------------------------


def test_every_sheet_has_its_chinese_and_english_names():
    assert {k: s.zh for k, s in SHEETS.items()} == {
        "products": "产品", "customers": "客户", "contributions": "资费", "projects": "项目", "contacts": "联系人"}
    assert [(c.zh, c.key) for c in SHEETS["contributions"].columns] == [
        ("客户编码", "customer"), ("产品编码", "product"), ("月份", "month"),
        ("收入", "revenue"), ("成本", "cost"), ("欠费", "arrears")]
    factors = [c.key for c in SHEETS["customers"].columns if c.kind == "score"]
    assert factors[0] == "profit_contribution" and factors[-1] == "attention" and len(factors) == 13


# --- not a workbook -------------------------------------------------------------------


def test_a_renamed_text_file_is_not_a_workbook(tmp_path):
    path = tmp_path / "客户.xlsx"
    path.write_text("客户编码,客户名称\nC1,恒瑞\n", encoding="utf-8")
    with pytest.raises(WorkbookError, match="不是 Excel 工作簿或 CSV 压缩包"):
        open_workbook(path)


def test_an_old_xls_file_is_refused_with_a_hint_to_save_as_xlsx(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(WorkbookError, match="另存为 .xlsx"):
        open_workbook(path)


def test_a_zip_with_neither_a_workbook_nor_csv_files_is_refused(tmp_path):
    path = zip_of(tmp_path / "photos.zip", {"a.jpg": b"\xff\xd8"})
    with pytest.raises(WorkbookError, match="没有 .csv 文件"):
        open_workbook(path)


def test_a_truncated_zip_is_refused(tmp_path):
    path = tmp_path / "book.xlsx"
    write_xlsx(path, ONE_CUSTOMER)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(WorkbookError, match="不是 Excel 工作簿或 CSV 压缩包"):
        open_workbook(path)


# --- zip bombs --------------------------------------------------------------------------


def test_a_small_zip_declaring_a_huge_size_is_refused_before_anything_is_inflated(tmp_path, monkeypatch):
    path = zip_of(tmp_path / "bomb.zip", {"资费.csv": b"x" * 100})
    patch_sizes(path, "资费.csv", 4 * 1024**3 - 1)  # "4 GB" in a file of a few hundred bytes
    monkeypatch.setattr(workbook.zlib, "decompressobj", lambda *a: pytest.fail("inflated a bomb"))
    with pytest.raises(WorkbookError, match="解压后过大.*压缩炸弹"):
        open_workbook(path)


def test_a_zip_over_the_uncompressed_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 10_000
    path = zip_of(tmp_path / "big.zip", {"资费.csv": b"C1,P1,2026-01,1,1,1\n" * 1000})
    with pytest.raises(WorkbookError, match="解压后过大"):
        open_workbook(path)


def test_a_member_with_a_bomb_like_compression_ratio_is_refused(tmp_path):
    path = zip_of(tmp_path / "ratio.zip", {"资费.csv": b"0" * (8 * 1024 * 1024)})  # ~8 KB on disk
    assert path.stat().st_size < 100_000
    with pytest.raises(WorkbookError, match="压缩比异常"):
        open_workbook(path)


def test_a_zip_with_too_many_members_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_MEMBERS = 5
    path = zip_of(tmp_path / "many.zip", {f"{i}.csv": b"a" for i in range(6)})
    with pytest.raises(WorkbookError, match="文件过多（6 个，上限 5 个）"):
        open_workbook(path)


def test_an_xlsx_bomb_with_too_many_members_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_MEMBERS = 8
    path = tmp_path / "book.xlsx"
    write_xlsx(path, ONE_CUSTOMER)
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(10):
            zf.writestr(f"xl/media/image{i}.png", b"\x89PNG")
    with pytest.raises(WorkbookError, match="文件过多"):
        open_workbook(path)


def test_an_xlsx_bomb_with_a_huge_sheet_is_refused(tmp_path):
    path = tmp_path / "book.xlsx"
    write_xlsx(path, ONE_CUSTOMER)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet9.xml", b"<row/>" * (2 * 1024 * 1024))
    with pytest.raises(WorkbookError, match="压缩比异常"):
        open_workbook(path)


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_a_member_that_inflates_past_its_declared_size_is_stopped_while_reading(tmp_path, fmt):
    # The header says 100 bytes; the deflate stream holds 1 MB. Directory
    # checks pass, so only the capped inflate can catch it.
    path = tmp_path / f"liar.{fmt}"
    if fmt == "xlsx":
        write_xlsx(path, ONE_CUSTOMER)
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("xl/media/liar.bin", b"\0" * 1024 * 1024)
        member = "xl/media/liar.bin"
    else:
        zip_of(path, {"客户.csv": "客户编码,客户名称\n".encode() + b" " * 1024 * 1024})
        member = "客户.csv"
    patch_sizes(path, member, 100)
    with pytest.raises(WorkbookError, match="超过其声明的大小"):
        sheets = open_workbook(path)
        for sheet in sheets:
            list(sheet.rows())


def test_an_xlsx_declaring_an_xml_entity_is_refused(tmp_path):
    path = tmp_path / "book.xlsx"
    write_xlsx(path, ONE_CUSTOMER)
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    laughs = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n')
    sheet = next(n for n in parts if n.startswith("xl/worksheets/"))
    body = parts[sheet]
    parts[sheet] = laughs + (body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body)
    evil = zip_of(tmp_path / "evil.xlsx", parts)
    with pytest.raises(WorkbookError, match="DTD"):
        open_workbook(evil)


# --- reading --------------------------------------------------------------------------


def test_an_xlsx_is_read_with_its_rows_numbered_as_excel_shows_them(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "资费"
    ws.append(["客户编码", "产品编码", "月份", "收入", "成本", "欠费"])
    ws.append(["C1", "P1", dt.date(2026, 3, 1), 1.5, 0, 0])
    ws.append([])
    ws.append(["C2", "P1", "2026-04", "2", 0, 0])
    wb.create_sheet("说明")
    wb.save(tmp_path / "b.xlsx")
    book = read_workbook(tmp_path / "b.xlsx")
    assert set(book) == {"contributions", "说明"}
    rows = book["contributions"]
    assert rows[1] == ["C1", "P1", dt.date(2026, 3, 1), 1.5, 0, 0]
    assert rows[3][:3] == ["C2", "P1", "2026-04"]  # row 4 in Excel


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030_is_read(tmp_path, encoding):
    text = "客户编码,客户名称,行业,客户经理\nC1,苏州恒瑞物流有限公司,交通物流,经理一\n"
    path = zip_of(tmp_path / "book.zip", {"客户.csv": text.encode(encoding)})
    assert read_workbook(path)["customers"] == [
        ["客户编码", "客户名称", "行业", "客户经理"], ["C1", "苏州恒瑞物流有限公司", "交通物流", "经理一"]]


def test_csv_members_may_be_named_in_english_and_sit_in_a_folder(tmp_path):
    path = zip_of(tmp_path / "book.zip", {"export/Products.csv": b"code,name,series\nP1,a,b\n",
                                          "__MACOSX/export/._Products.csv": b"\0\0"})
    assert read_workbook(path) == {"products": [["code", "name", "series"], ["P1", "a", "b"]]}


def test_csv_in_an_unknown_encoding_is_refused(tmp_path):
    path = zip_of(tmp_path / "book.zip", {"客户.csv": b"\xff\xfe\x00\xd8\x81"})
    with pytest.raises(WorkbookError, match="编码"):
        read_workbook(path)


# --- writing --------------------------------------------------------------------------


def test_formula_text_is_written_as_a_string_cell_and_amounts_stay_numbers(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, {
        "customers": [{"code": "C1", "name": "=1+1", "industry": "@SUM(A1)", "manager": "-m"}],
        "contributions": [{"customer": "C1", "product": "+P", "month": "2026-01", "revenue": Decimal("1.01"),
                           "cost": Decimal("-2.50"), "arrears": 0}],
    })
    with zipfile.ZipFile(path) as zf:
        assert not any(b"<f>" in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    wb = load_workbook(path)
    name = wb["客户"]["B2"]
    assert (name.value, name.data_type, name.quotePrefix) == ("=1+1", "s", True)
    assert (wb["客户"]["C2"].value, wb["客户"]["C2"].data_type) == ("@SUM(A1)", "s")
    revenue, cost = wb["资费"]["D2"], wb["资费"]["E2"]
    assert (revenue.value, revenue.data_type) == (1.01, "n")
    assert (cost.value, cost.data_type) == (-2.5, "n")  # a number, not neutralised text
    assert read_workbook(path)["customers"][1][:2] == ["C1", "=1+1"]


def test_csv_export_marks_formula_text_for_excel_and_reading_takes_the_mark_off(tmp_path):
    path = tmp_path / "out.zip"
    write_csv_zip(path, {"customers": [{"code": "C1", "name": "=HYPERLINK(\"x\")", "manager": "m"}],
                         "contributions": [{"customer": "C1", "product": "P1", "month": "2026-01",
                                            "revenue": Decimal("-3"), "cost": 1, "arrears": 0}]})
    with zipfile.ZipFile(path) as zf:
        raw = zf.read("客户.csv").decode("utf-8-sig")
        money = zf.read("资费.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in raw
    assert money.splitlines()[1] == "C1,P1,2026-01,-3,1,0"
    assert read_workbook(path)["customers"][1][1] == '=HYPERLINK("x")'


def test_writers_join_lists_and_write_headers_in_chinese(tmp_path):
    data = {"projects": [{"code": "J1", "evidence": ["E1", "E2"], "expected_close": dt.date(2026, 5, 1)}]}
    write_csv_zip(tmp_path / "p.zip", data)
    rows = read_workbook(tmp_path / "p.zip")["projects"]
    assert rows[0] == [c.zh for c in SHEETS["projects"].columns]
    assert rows[1][0] == "J1" and rows[1][6] == "2026-05-01" and rows[1][-1] == "E1,E2"


def test_the_template_has_chinese_headers_and_an_instructions_sheet():
    wb = load_workbook(io.BytesIO(template_xlsx()))
    assert wb.sheetnames == ["说明", "产品", "客户", "资费", "项目", "联系人"]
    assert [c.value for c in wb["资费"][1]] == ["客户编码", "产品编码", "月份", "收入", "成本", "欠费"]
    assert "导入模板说明" == wb["说明"]["A1"].value
    assert wb["资费"].max_row >= 1 and wb["资费"]["A2"].value is None


def test_the_inflate_cap_checks_the_crc(tmp_path):
    path = zip_of(tmp_path / "crc.zip", {"产品.csv": b"code,name,series\n"}, compression=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    data[data.find(b"code")] = ord("C")  # same size, different bytes
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookError, match="已损坏"):
        read_workbook(path)

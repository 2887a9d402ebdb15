"""The import workbook (INTERFACES.md §1): its sheets and columns, and the
readers and writers of .xlsx and of .zip of .csv.

Uploaded files are hostile until proven otherwise.  Both formats are zip
archives, so before a byte is decompressed the zip directory is checked
(member count, declared total size, compression ratio); then every member is
inflated by our own capped loop, which stops the moment a member produces
more than it declared (a lying header is the classic zip bomb).  xlsx XML
parts that declare a DTD (entity expansion, external entities) are refused
before the spreadsheet parser sees them.  Cell text is only ever text: a
leading ``=`` is not evaluated on import, and is neutralised on export.
"""

import csv
import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath

from django.conf import settings

from customers.rules import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS
from tsm.lib.xlsx import as_text, is_formula_like

# --- the spec ----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # English header, and the field name used everywhere in code
    zh: str  # Chinese header
    kind: str = "text"  # text | code | money | month | date | score | choice | list
    # Optional columns may be missing from a sheet, and an empty optional cell
    # leaves the stored value as it is (a workbook never erases by omission).
    optional: bool = False


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    columns: tuple[Column, ...]


FACTOR_COLUMNS = tuple(
    Column(field, zh, "score", optional=True) for field, zh in ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS
)

SHEETS: dict[str, Sheet] = {
    s.key: s
    for s in [
        Sheet("products", "产品", (
            Column("code", "产品编码", "code"),
            Column("name", "产品名称"),
            Column("series", "产品系列"),
        )),
        Sheet("customers", "客户", (
            Column("code", "客户编码", "code"),
            Column("name", "客户名称"),
            Column("industry", "行业", optional=True),
            Column("manager", "客户经理", "code"),
            *FACTOR_COLUMNS,
        )),
        Sheet("contributions", "资费", (
            Column("customer", "客户编码", "code"),
            Column("product", "产品编码", "code"),
            Column("month", "月份", "month"),
            Column("revenue", "收入", "money"),
            Column("cost", "成本", "money"),
            Column("arrears", "欠费", "money"),
        )),
        Sheet("projects", "项目", (
            Column("code", "项目编码", "code"),
            Column("name", "项目名称"),
            Column("customer", "客户编码", "code"),
            Column("product", "产品编码", "code"),
            Column("manager", "客户经理", "code"),
            Column("amount", "金额", "money"),
            Column("expected_close", "预计签约日期", "date"),
            Column("status", "状态", "choice"),
            Column("tariff_effect", "资费影响", "choice"),
            Column("kill_degree", "杀伤度", "choice"),
            Column("evidence", "证据", "list", optional=True),
        )),
        Sheet("contacts", "联系人", (
            Column("customer", "客户编码", "code"),
            Column("name", "姓名"),
            Column("title", "职务", optional=True),
            Column("roles", "角色", "list"),
            Column("attitude", "态度", "choice"),
            Column("last_met", "最近面谈日期", "date", optional=True),
            Column("projects", "项目编码", "list", optional=True),
        )),
    ]
}

# The template's own instructions sheet is recognised and skipped silently.
INSTRUCTIONS_NAMES = ("说明", "instructions")


def sheet_key_for(name: str) -> str | None:
    """'资费', 'Contributions ' -> 'contributions'; anything else -> None."""
    text = name.strip().lower()
    for sheet in SHEETS.values():
        if text in (sheet.zh, sheet.key):
            return sheet.key
    return None


def column_for(sheet: Sheet, header) -> Column | None:
    text = str(header).strip().lower() if header is not None else ""
    for column in sheet.columns:
        if text in (column.zh, column.key):
            return column
    return None


# --- reading -------------------------------------------------------------------


class WorkbookError(Exception):
    """The file as a whole cannot be read; the message is for the user (Chinese)."""


NOT_A_WORKBOOK = "不是 Excel 工作簿或 CSV 压缩包（请上传 .xlsx 文件，或由 .csv 文件组成的 .zip 压缩包）"
# A member larger than this may not compress better than MAX_RATIO : 1.
# Real sheets compress 5–30 : 1; a bomb, thousands to one.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
CHUNK = 1024 * 1024


@dataclass
class SheetData:
    """One sheet of an opened workbook; `rows()` yields every row, the i-th
    (from 0) being the row Excel numbers i + 1, so errors can name it."""

    key: str | None  # None: not a sheet of the template
    name: str  # as written in the file
    _reader: object = None

    def rows(self) -> Iterator[list]:
        return self._reader() if self._reader else iter(())


def open_workbook(path) -> list[SheetData]:
    """Check the file and list its sheets; rows are read lazily, one sheet at a time."""
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise WorkbookError("这是旧版 .xls 文件（或加密的工作簿），请在 Excel 中另存为 .xlsx 后再导入")
    if not head.startswith(b"PK\x03\x04"):
        raise WorkbookError(NOT_A_WORKBOOK)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookError(NOT_A_WORKBOOK) from None
    _check_directory(infos)
    names = {_member_name(i) for i in infos}
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return _open_xlsx(path, infos)
    csvs = [i for i in infos if _is_csv(_member_name(i))]
    if not csvs:
        raise WorkbookError(NOT_A_WORKBOOK + "：压缩包里没有 .csv 文件")
    return _open_csv_zip(path, infos)


def read_workbook(path) -> dict[str, list[list]]:
    """{sheet key: rows, header first} — unknown sheets under their own name, with no rows."""
    out = {}
    for sheet in open_workbook(path):
        out[sheet.key or sheet.name] = list(sheet.rows()) if sheet.key else []
    return out


def _member_name(info: zipfile.ZipInfo) -> str:
    """Member names from Chinese Windows zip tools are GBK without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.orig_filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _is_csv(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return (p.suffix.lower() == ".csv" and not p.name.startswith(".")
            and "__MACOSX" not in p.parts)


def _check_directory(infos: list[zipfile.ZipInfo]) -> None:
    """Zip bomb checks on the declared sizes, before anything is decompressed."""
    if len(infos) > settings.IMPORT_MAX_MEMBERS:
        raise WorkbookError(f"压缩包内文件过多（{len(infos)} 个，上限 {settings.IMPORT_MAX_MEMBERS} 个）")
    total = sum(i.file_size for i in infos)
    if total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError(
            f"解压后过大（{_mb(total)}，上限 {_mb(settings.IMPORT_MAX_UNCOMPRESSED_BYTES)}），可能是压缩炸弹"
        )
    for i in infos:
        if i.flag_bits & 0x1:
            raise WorkbookError("工作簿已加密，请先取消密码保护")
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise WorkbookError(f"不支持的压缩方式（{_member_name(i)}）")
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise WorkbookError(f"压缩比异常（{_member_name(i)}），可能是压缩炸弹")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def _inflate(fh, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Yield a member's bytes, refusing to produce more than it declared.

    zipfile trusts the header's size; a crafted member can inflate far past it
    (and a native parser reading the same file would follow).  So we inflate
    the raw stream ourselves, capped, and check size and CRC at the end.
    """
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise WorkbookError(NOT_A_WORKBOOK + "（压缩包已损坏）")
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    remaining, produced, crc = info.compress_size, 0, 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    pending = b""
    while True:
        if not pending:
            if remaining == 0:
                out = inflater.flush() if inflater else b""
                done = True
            else:
                pending = fh.read(min(CHUNK, remaining))
                if not pending:
                    raise WorkbookError(NOT_A_WORKBOOK + "（压缩包已截断）")
                remaining -= len(pending)
                continue
        elif inflater is None:
            out, pending, done = pending, b"", False
        else:
            try:
                out = inflater.decompress(pending, CHUNK)
            except zlib.error:
                raise WorkbookError(NOT_A_WORKBOOK + "（压缩数据已损坏）") from None
            pending = inflater.unconsumed_tail
            done = inflater.eof
        produced += len(out)
        if produced > info.file_size:
            raise WorkbookError(f"{_member_name(info)} 解压后超过其声明的大小，可能是压缩炸弹")
        if out:
            crc = zlib.crc32(out, crc)
            yield out
        if done:
            break
    if produced != info.file_size or crc != info.CRC:
        raise WorkbookError(f"{_member_name(info)} 已损坏（大小或校验和不符）")


def _open_xlsx(path: Path, infos) -> list[SheetData]:
    # Inflate every part once, capped, before calamine (a native parser) opens
    # the file; XML parts are also scanned for DTDs. Text in cells is escaped
    # (&lt;), so a literal "<!DOCTYPE" or "<!ENTITY" can only be markup.
    with open(path, "rb") as fh:
        for info in infos:
            is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
            tail = b""
            for chunk in _inflate(fh, info):
                if is_xml:
                    if not tail and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                        raise WorkbookError(f"不支持的 XML 编码（{info.filename}）")
                    window = tail + chunk
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise WorkbookError(f"工作簿含有 XML 实体声明（DTD），已拒绝（{info.filename}）")
                    tail = window[-16:]
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except (CalamineError, ValueError, OSError) as exc:
        raise WorkbookError(f"{NOT_A_WORKBOOK}：{exc}") from None

    def reader(name):
        def rows():
            try:
                yield from book.get_sheet_by_name(name).iter_rows()
            except (CalamineError, ValueError) as exc:
                raise WorkbookError(f"无法读取工作表“{name}”：{exc}") from None

        return rows

    return [SheetData(sheet_key_for(n), n, reader(n)) for n in names]


def _open_csv_zip(path: Path, infos) -> list[SheetData]:
    sheets = []
    for info in infos:
        name = _member_name(info)
        if info.is_dir() or not _is_csv(name):
            continue
        stem = PurePosixPath(name.replace("\\", "/")).stem
        key = sheet_key_for(stem)
        sheets.append(SheetData(key, stem, _csv_reader(path, info) if key else None))
    return sheets


def _csv_reader(path: Path, info: zipfile.ZipInfo):
    def rows():
        with open(path, "rb") as fh:
            data = b"".join(_inflate(fh, info))
        text = decode_csv(data)
        del data
        rows = csv.reader(io.StringIO(text, newline=""))
        if "'" not in text:
            yield from rows
            return
        for row in rows:
            yield [_unquote(cell) for cell in row]

    return rows


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, as Chinese Excel writes "CSV"."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise WorkbookError("无法识别 CSV 文件的编码（应为 UTF-8 或 GB18030/GBK）") from None


def _unquote(cell: str) -> str:
    """Excel's text marker: a leading apostrophe before = + - @ is not content
    (our CSV export writes it so that Excel does not run the cell)."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@":
        return cell[1:]
    return cell


# --- writing -------------------------------------------------------------------


def _cell_out(value):
    """The value to write: lists joined, dates kept, money kept numeric."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(v) for v in value)
    if isinstance(value, (bool, int, float, Decimal, dt.date)):
        return value
    return str(value)


def write_xlsx(dest, rows_by_sheet: dict[str, list[dict]]) -> None:
    """Write {sheet key: [row dicts keyed by English field]} as a Chinese-headed .xlsx.

    Text that would read as a formula is written as an explicit string cell
    with Excel's quote prefix; amounts stay numbers.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for key, sheet in SHEETS.items():
        if key not in rows_by_sheet:
            continue
        ws = book.create_sheet(sheet.zh)
        ws.append([c.zh for c in sheet.columns])
        keys = [c.key for c in sheet.columns]
        for row in rows_by_sheet[key]:
            cells = []
            for k in keys:
                value = _cell_out(row.get(k))
                if is_formula_like(value):
                    cell = WriteOnlyCell(ws, value=value)
                    as_text(cell)
                    value = cell
                cells.append(value)
            ws.append(cells)
    book.save(dest)


def write_csv_zip(dest, rows_by_sheet: dict[str, list[dict]]) -> None:
    """Write a .zip with one UTF-8 (BOM) .csv per sheet, named and headed in Chinese.

    Text that Excel would run as a formula gets Excel's apostrophe prefix,
    which our reader takes off again.
    """
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key, sheet in SHEETS.items():
            if key not in rows_by_sheet:
                continue
            buf = io.StringIO(newline="")
            writer = csv.writer(buf)
            writer.writerow([c.zh for c in sheet.columns])
            keys = [c.key for c in sheet.columns]
            for row in rows_by_sheet[key]:
                out = []
                for k in keys:
                    value = _cell_out(row.get(k))
                    if value is None:
                        value = ""
                    elif is_formula_like(value):
                        value = "'" + value
                    elif isinstance(value, dt.date):
                        value = value.isoformat()
                    out.append(value)
                writer.writerow(out)
            zf.writestr(f"{sheet.zh}.csv", "\ufeff" + buf.getvalue())


INSTRUCTIONS = [
    "导入模板说明",
    "",
    "1. 每个工作表对应一类数据：产品、客户、资费（每客户×产品×月一行）、项目、联系人。可以只保留需要导入的工作表。",
    "2. 表头可以用中文或英文（见各列），列的顺序不限；多余的列会被忽略并给出提示。",
    "3. 月份写 YYYY-MM（如 2026-03），日期写 YYYY-MM-DD，也可以使用 Excel 日期单元格。",
    "4. 金额单位为元，导入时四舍五入到分；收入、成本、欠费、金额不能为负数。",
    "5. 评分为 0–5，最多一位小数；留空表示不修改。可选列（行业、评分、职务、最近面谈日期、联系人的项目编码）留空时保留系统中的原值。",
    "6. 状态：进行中/赢单/丢单/放弃；资费影响：增加/减少；杀伤度：高/低；态度：支持/中立/反对。",
    "7. 角色：提出需求/寻找/决策/使用/评价，多个用逗号分隔；证据：E1–E12，多个用逗号分隔，留空表示没有。",
    "8. 客户经理填用户名；系统中不存在的用户名将作为本区域的新客户经理创建（预览中会列出，请核对拼写）。",
    "9. 按编码匹配已有数据（资费按客户×产品×月份）：修正后重新导入会原地更新，重复导入同一文件不会改变任何数据。",
    "10. 导入前会先预览；有任何错误时不会写入任何数据。",
]


def template_xlsx() -> bytes:
    """The empty template: one sheet per kind with Chinese headers, and 说明."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    info = book.active
    info.title = INSTRUCTIONS_NAMES[0]
    for line in INSTRUCTIONS:
        info.append([line])
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 120
    bold = Font(bold=True)
    for sheet in SHEETS.values():
        ws = book.create_sheet(sheet.zh)
        ws.append([c.zh for c in sheet.columns])
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=index)
            cell.font = bold
            letter = cell.column_letter
            ws.column_dimensions[letter].width = max(12, len(column.zh) * 2 + 4)
            if column.kind == "month":
                # Text, so that Excel keeps "2026-03" as typed.
                for row in range(2, 1001):
                    ws.cell(row=row, column=index).number_format = "@"
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()

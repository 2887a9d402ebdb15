"""Tables out to Excel: amounts stay numbers, text can never become a formula."""

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def as_text(cell) -> None:
    """Keep a cell's text as typed: an explicit string cell with Excel's quote
    prefix, so `=1+1` is shown, never computed, and the text is unchanged."""
    cell.data_type = TYPE_STRING
    cell.quotePrefix = True


def table_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return sheets_xlsx([(title, headers, rows)])


def sheets_xlsx(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """A workbook of (title, headers, rows) sheets, in order."""
    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        _fill(wb.create_sheet(title[:31]), headers, rows)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _fill(ws, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    ws.append(list(headers))
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, bool) or value is None:
                cell.value = "" if value is None else ("是" if value else "否")
            elif isinstance(value, (int, float, Decimal)):
                cell.value = value
                if isinstance(value, Decimal):
                    cell.number_format = "#,##0.00"
            else:
                cell.value = str(value)
                if is_formula_like(cell.value):
                    as_text(cell)
    for c, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(c)].width = max(10, min(40, len(str(header)) * 2 + 4))
    ws.freeze_panes = "A2"


def xlsx_response(filename: str, title: str, headers, rows):
    from django.http import HttpResponse

    response = HttpResponse(
        table_xlsx(title, headers, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)

import io
from decimal import Decimal

from openpyxl import load_workbook

from tsm.lib.xlsx import table_xlsx


def test_text_that_looks_like_a_formula_stays_text_and_amounts_stay_numbers():
    data = table_xlsx("表", ["名称", "金额"], [["=1+1", Decimal("12345.67")], ["@SUM(A1)", -5]])
    ws = load_workbook(io.BytesIO(data)).active
    name, amount = ws["A2"], ws["B2"]
    assert (name.value, name.data_type, name.quotePrefix) == ("=1+1", "s", True)
    assert (amount.value, amount.data_type, amount.number_format) == (12345.67, "n", "#,##0.00")
    assert (ws["A3"].data_type, ws["B3"].value) == ("s", -5)


def test_plain_text_is_not_prefixed():
    ws = load_workbook(io.BytesIO(table_xlsx("表", ["名称"], [["华信物流"]]))).active
    assert (ws["A2"].value, ws["A2"].quotePrefix) == ("华信物流", False)

"""绩效分析 (DOMAIN §3.1): actual vs target per product and per account
manager, as of a date, for a plan period — 欠缺 (< 100 %), 完成 (100–110 %),
超越 (≥ 110 %) by planning.rules.performance."""

import datetime as dt


def performance(plan, as_of: dt.date) -> dict:
    """{"by_product": [row…], "by_manager": [row…]}, each row
    {"code", "name", "actual", "target", "ratio", "verdict", "label", "reason"}
    (money and ratio as decimal strings) — filled in by the 绩效 work."""
    return {"by_product": [], "by_manager": []}

"""重视"巩固和投入" (DOMAIN §4.2, 客户策略总结): every value class × every
publicity state, and a customer not yet assessed."""

import pytest

from customers.rules import FOCUS_LABEL, strategy_focus

CLASSES = ["consolidate", "invest", "harvest", "maintain", None]
STATES = ["blank", "partial", "broad"]
FLAGGED = {("consolidate", "blank"), ("consolidate", "partial"), ("invest", "blank"), ("invest", "partial")}


@pytest.mark.parametrize("publicity", STATES)
@pytest.mark.parametrize("value_class", CLASSES)
def test_only_consolidate_and_invest_customers_without_broad_publicity_are_flagged(value_class, publicity):
    verdict = strategy_focus(value_class, publicity)
    assert verdict.value is ((value_class, publicity) in FLAGGED)
    assert verdict.label == (FOCUS_LABEL if verdict.value else "")
    assert verdict.reason.startswith("重点：" if verdict.value else "不标记：")


@pytest.mark.parametrize("value_class,publicity,reason", [
    ("consolidate", "blank", "重点：巩固类客户，宣传接触状态为大片空白，重视“巩固和投入”，应加强宣传接触"),
    ("invest", "partial", "重点：投入类客户，宣传接触状态为局部宣传，重视“巩固和投入”，应加强宣传接触"),
    ("invest", "broad", "不标记：投入类客户，宣传接触状态为广泛宣传，宣传接触已经到位"),
    ("harvest", "blank", "不标记：收获类客户，宣传接触状态为大片空白；只有巩固类、投入类客户在“巩固和投入”之列"),
    ("maintain", "partial", "不标记：兼顾类客户，宣传接触状态为局部宣传；只有巩固类、投入类客户在“巩固和投入”之列"),
    (None, "blank", "不标记：客户待评估，尚无价值类别"),
])
def test_the_reason_names_the_class_and_the_publicity(value_class, publicity, reason):
    assert strategy_focus(value_class, publicity).reason == reason


def test_an_unknown_class_or_publicity_state_is_an_error_not_a_silent_no():
    with pytest.raises(ValueError, match="publicity"):
        strategy_focus("consolidate", "none")
    with pytest.raises(ValueError, match="value class"):
        strategy_focus("gold", "blank")

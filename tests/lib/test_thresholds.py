"""LazyVerdict: a Verdict whose reason its rule writes when first read, and
which behaves as the rule's Verdict everywhere (the tests of the rules compare
verdicts as (value, reason))."""

import copy
import pickle
from decimal import Decimal

import pytest

from customers import rules
from tsm.lib.thresholds import LazyVerdict, Verdict

ARGS = (Decimal("11.00"), Decimal("10.00"), Decimal("0"))  # R = 1.1 × Y: growth +


def lazy(value=True):
    return LazyVerdict(value, rules.growth, ARGS)


def test_it_is_written_only_when_read_and_then_once():
    calls = []

    def write(*args):
        calls.append(args)
        return rules.growth(*args)

    verdict = LazyVerdict(True, write, ARGS)
    assert verdict.value is True and calls == []  # the value costs nothing
    assert verdict.reason == "成长 +：近 6 个月收入 11.00 ≥ 1.1 × 去年同期 10.00"
    assert verdict.reason and verdict.label == "" and calls == [ARGS]


def test_it_compares_hashes_and_unpacks_as_the_rules_verdict():
    rule = rules.growth(*ARGS)
    verdict = lazy()
    assert verdict == rule and rule == verdict and not verdict != rule
    assert verdict == (True, rule.reason) and (True, rule.reason) == verdict
    assert hash(verdict) == hash(rule) and {rule: 1}[verdict] == 1
    value, reason = verdict
    assert (value, reason) == tuple(rule) and list(verdict) == list(rule) and len(verdict) == 2
    assert verdict[1] == verdict[-1] == rule.reason and verdict[:1] == (True,)
    assert repr(verdict) == repr(rule) and verdict._asdict() == rule._asdict()
    assert isinstance(verdict, Verdict) and verdict != Verdict(True, "另一个理由")


def test_a_labelled_rules_label_is_its_own():
    verdict = LazyVerdict("rat", rules.contribution_class, (True, "loss", False, False, Decimal(0), Decimal(0)))
    assert (verdict.reason, str(verdict.label)) == ("硕鼠：组合为亏损", "硕鼠")


def test_it_pickles_unwritten_and_is_written_afterwards():
    verdict = pickle.loads(pickle.dumps(lazy()))
    assert type(verdict) is LazyVerdict and "_verdict" not in verdict.__dict__
    assert verdict == rules.growth(*ARGS)
    written = lazy()
    assert written.reason
    assert pickle.loads(pickle.dumps(written)).__dict__["_verdict"] == rules.growth(*ARGS)
    assert copy.deepcopy(written) == copy.copy(written) == written


def test_a_value_its_rule_does_not_give_is_an_error_when_read():
    wrong = lazy(False)
    assert wrong.value is False
    with pytest.raises(AssertionError, match="gives True, judged False"):
        wrong.reason
    with pytest.raises(AssertionError):
        LazyVerdict(1, rules.growth, ARGS).reason  # 1 == True, but not the rule's value

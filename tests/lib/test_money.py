"""Whole fen written as yuan text: the same text as the Decimal's."""

from hypothesis import given
from hypothesis import strategies as st

from tsm.lib.money import fen_text, from_fen


@given(st.one_of(st.integers(-10**15, 10**15), st.sampled_from([0, 1, -1, 5, -5, 99, -99, 100, -100, 101, -101])))
def test_fen_text_writes_what_the_decimal_writes(fen):
    assert fen_text(fen) == f"{from_fen(fen):.2f}"

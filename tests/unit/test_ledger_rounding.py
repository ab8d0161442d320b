"""Largest-remainder rounding: parts add up, stay within 1 of the exact share, ties by index."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congress_site.ledger.rounding import largest_remainder

weights_st = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=60).filter(
    lambda ws: sum(ws) > 0
)


def test_even_split():
    assert largest_remainder(90, [1, 1, 1]) == [30, 30, 30]


def test_leftover_goes_to_largest_remainder():
    # exact shares 33.33.., 66.66..: the larger remainder (.66) takes the leftover unit
    assert largest_remainder(100, [1, 2]) == [33, 67]


def test_ties_go_to_the_earlier_index():
    assert largest_remainder(2, [1, 1, 1]) == [1, 1, 0]
    assert largest_remainder(1, [1, 1, 1]) == [1, 0, 0]


def test_zero_weight_gets_nothing():
    assert largest_remainder(10, [0, 1, 0, 2]) == [0, 3, 0, 7]


def test_all_zero_weights():
    assert largest_remainder(0, [0, 0]) == [0, 0]
    assert largest_remainder(0, []) == []
    with pytest.raises(ValueError):
        largest_remainder(5, [0, 0])
    with pytest.raises(ValueError):
        largest_remainder(5, [])


def test_negative_total_is_symmetric():
    assert largest_remainder(-100, [1, 2]) == [-33, -67]


@pytest.mark.parametrize("bad", [[1, -1], [1.0, 2], [True, 1]])
def test_bad_weights(bad):
    with pytest.raises((ValueError, TypeError)):
        largest_remainder(10, bad)


def test_float_total_refused():
    with pytest.raises(TypeError):
        largest_remainder(10.0, [1])


@given(total=st.integers(min_value=0, max_value=10**9), weights=weights_st)
def test_parts_sum_to_whole_and_stay_close_to_exact_share(total, weights):
    parts = largest_remainder(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    weight_sum = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        exact = Fraction(total * w, weight_sum)
        assert part >= 0
        assert abs(part - exact) < 1
        if w == 0:
            assert part == 0


@given(total=st.integers(min_value=-(10**9), max_value=10**9), weights=weights_st)
def test_parts_sum_for_any_sign(total, weights):
    assert sum(largest_remainder(total, weights)) == total


@given(total=st.integers(min_value=0, max_value=10**6), weights=weights_st)
def test_deterministic(total, weights):
    assert largest_remainder(total, weights) == largest_remainder(total, list(weights))


@given(total=st.integers(min_value=0, max_value=10**6), weights=weights_st)
def test_bigger_weight_never_gets_less(total, weights):
    parts = largest_remainder(total, weights)
    for i in range(len(weights)):
        for j in range(len(weights)):
            if weights[i] > weights[j]:
                assert parts[i] >= parts[j]

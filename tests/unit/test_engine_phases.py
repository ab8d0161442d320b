"""The session clock (``phase_at``) and the word diff shown in proposal histories."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congress_site.congress.phases import DEFAULT_DURATIONS, PHASES, phase_at
from congress_site.congress.textdiff import word_diff

START = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (-10, ("preparation", 600)),
        (0, ("introduction", 900)),
        (14.5, ("introduction", 30)),
        (15, ("collaboration", 2700)),
        (59, ("collaboration", 60)),
        (60, ("review", 1800)),
        (90, ("local", 1800)),
        (119.99, ("local", 1)),
        (120, ("closed", None)),
        (60 * 24, ("closed", None)),
    ],
)
def test_default_schedule(minutes, expected):
    assert phase_at(START, at(minutes), DEFAULT_DURATIONS) == expected


def test_seconds_left_rounds_up():
    assert phase_at(START, START + timedelta(minutes=15, microseconds=-1)) == ("introduction", 1)


def test_given_durations_override_defaults_and_zero_skips_a_phase():
    durations = {"introduction": timedelta(0), "collaboration": timedelta(minutes=10)}

    assert phase_at(START, START, durations) == ("collaboration", 600)
    assert phase_at(START, at(10), durations) == ("review", 1800)


def test_times_in_other_zones_are_the_same_instant():
    mexico = timezone(timedelta(hours=-6))

    assert phase_at(START, datetime(2024, 5, 1, 8, 20, tzinfo=mexico)) == ("collaboration", 2400)


@pytest.mark.parametrize(
    "durations",
    [{"closed": timedelta(minutes=5)}, {"review": timedelta(minutes=-1)}, {"local": 30}],
)
def test_bad_durations_are_refused(durations):
    with pytest.raises(ValueError):
        phase_at(START, START, durations)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        phase_at(START, datetime(2024, 5, 1, 14, 0))
    with pytest.raises(ValueError):
        phase_at(datetime(2024, 5, 1, 14, 0), START)


@given(st.integers(min_value=-10_000, max_value=20_000), st.integers(min_value=1, max_value=600))
def test_phases_only_move_forward(second, step):
    earlier, _ = phase_at(START, START + timedelta(seconds=second))
    later, _ = phase_at(START, START + timedelta(seconds=second + step))

    assert PHASES.index(earlier) <= PHASES.index(later)


_text = st.text(alphabet=st.sampled_from("ab \n."), max_size=30)


@given(_text, _text)
def test_word_diff_rebuilds_both_texts(before, after):
    changes = word_diff(before, after)

    assert "".join(t for op, t in changes if op != "insert") == before
    assert "".join(t for op, t in changes if op != "delete") == after
    assert all(text for _, text in changes)
    assert all(a[0] != b[0] for a, b in zip(changes, changes[1:], strict=False))


def test_word_diff_works_on_whole_words():
    assert word_diff("open data now", "open code now") == [
        ("equal", "open "),
        ("delete", "data"),
        ("insert", "code"),
        ("equal", " now"),
    ]

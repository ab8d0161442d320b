"""The engine's additive ``replace_group`` helper (merge/remove a group) and Session groups."""

from datetime import UTC, datetime

import pytest

from congress_site.congress.content import CongressError, Session, Venue
from congress_site.congress.engine import InvalidInput, ProposalBoard

NOW = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)


def board_with(*endorsements):
    board = ProposalBoard(phase="collaboration")
    for n, groups in enumerate(endorsements):
        board.add(groups[0], f"idea {n}", NOW)
        for group in groups[1:]:
            board.endorse(group, f"p{n + 1}", NOW)
    return board


def test_merge_keeps_one_endorsement_in_place():
    board = board_with(["a", "b", "c"], ["b"], ["c", "a"])
    revision = board.revision
    assert board.replace_group("a", "c") == 2
    assert board.get("p1").endorsements == ("c", "b")
    assert board.get("p2").endorsements == ("b",)
    assert board.get("p3").endorsements == ("c",)
    assert board.revision == revision + 1


def test_remove_retires_what_only_it_endorsed():
    board = board_with(["a"], ["b", "a"])
    assert board.replace_group("a") == 2
    assert [p.id for p in board.ranked()] == ["p2"]
    assert board.get("p1").retired and board.live_count == 1
    assert [v.group for v in board.get("p1").versions()] == ["a"]  # history untouched


def test_nothing_to_replace_changes_nothing():
    board = board_with(["a"])
    revision = board.revision
    assert board.replace_group("zz") == 0
    assert board.revision == revision
    with pytest.raises(InvalidInput):
        board.replace_group("a", "a")


def test_works_in_any_phase():
    board = board_with(["a", "b"])
    board.set_phase("closed")
    board.replace_group("b")
    assert board.get("p1").endorsements == ("a",)


def make_session():
    session = Session(title="S")
    venue = Venue(title="Room", join_code="abc 123")
    session.add("room", venue)
    return session


def test_join_rules_on_the_session():
    session = make_session()
    assert session["room"].join_code == "ABC123"
    group = session.join("room", "abc123", "  Les   Castors ", NOW)
    assert group.name == "Les Castors" and session.resolve_group(group.id) is group
    with pytest.raises(CongressError) as info:
        session.join("room", "abc123", "LES CASTORS", NOW)
    assert (info.value.status, info.value.code) == (409, "duplicate")
    with pytest.raises(CongressError) as info:
        session.join("room", "nope", "Other", NOW)
    assert info.value.code == "code"
    other = session.join("room", "ABC123", "Other", NOW)
    session.merge_group(other.id, group.id)
    assert session.resolve_group(other.id) is group
    session.remove_group(group.id)
    assert session.resolve_group(other.id) is None
    assert session.active_groups() == []


def test_a_venue_always_has_a_code_and_an_empty_code_never_joins():
    session = Session(title="S")
    venue = session.add("v", Venue(title="No code given"))
    assert len(venue.join_code) == 6
    with pytest.raises(CongressError) as info:
        session.join("v", "", "G", NOW)
    assert info.value.code == "code"

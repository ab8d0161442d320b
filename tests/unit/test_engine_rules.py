"""Example tests of the proposal rules and of each error the engine raises."""

import ast
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from congress_site.congress import engine
from congress_site.congress.engine import (
    EngineError,
    InvalidInput,
    InvalidText,
    LimitReached,
    PhaseClosed,
    ProposalBoard,
    Stale,
    UnknownProposal,
)

NOW = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=3)


@pytest.fixture
def board():
    return ProposalBoard(phase="collaboration")


def test_add_makes_version_one_endorsed_by_its_creator(board):
    proposal = board.add("paris-1", "  Software is a commons  ", NOW)

    assert proposal.text == "Software is a commons"
    assert proposal.version == 1
    assert proposal.endorsements == ("paris-1",)
    assert (proposal.created_by, proposal.edited_by) == ("paris-1", "paris-1")
    assert proposal.created == proposal.modified == NOW
    assert board.get(proposal.id) is proposal


def test_ids_are_short_distinct_strings_in_creation_order(board):
    ids = [board.add("g", f"idea {n}", NOW).id for n in range(3)]

    assert ids == ["p1", "p2", "p3"]


def test_to_dict_has_the_api_item_shape(board):
    proposal = board.add("paris-1", "Repair before replace", NOW)
    board.endorse("detroit-2", proposal.id, NOW)

    assert proposal.to_dict() == {
        "id": "p1",
        "text": "Repair before replace",
        "version": 1,
        "endorsements": ["paris-1", "detroit-2"],
        "endorsement_count": 2,
        "created_by": "paris-1",
        "edited_by": "paris-1",
        "modified": "2024-05-01T14:00:00+00:00",
    }


def test_edit_by_another_group_clears_endorsements_but_the_editors(board):
    proposal = board.add("paris-1", "Open standards", NOW)
    board.endorse("mexico-1", proposal.id, NOW)
    board.endorse("detroit-1", proposal.id, NOW)

    edited = board.edit("mexico-2", proposal.id, "Open standards, open data", 1, LATER)

    assert edited is proposal
    assert edited.version == 2
    assert edited.text == "Open standards, open data"
    assert edited.endorsements == ("mexico-2",)
    assert (edited.created_by, edited.edited_by) == ("paris-1", "mexico-2")
    assert (edited.created, edited.modified) == (NOW, LATER)


def test_endorse_twice_is_a_no_op_that_keeps_the_revision(board):
    proposal = board.add("paris-1", "Local first", NOW)
    board.endorse("paris-2", proposal.id, NOW)
    revision = board.revision

    again = board.endorse("paris-2", proposal.id, NOW)

    assert again.endorsements == ("paris-1", "paris-2")
    assert board.revision == revision


def test_withdraw_without_endorsement_is_a_no_op(board):
    proposal = board.add("paris-1", "Local first", NOW)
    revision = board.revision

    board.withdraw("paris-2", proposal.id, NOW)

    assert proposal.endorsements == ("paris-1",)
    assert board.revision == revision


def test_ranking_more_endorsements_first_then_older_first(board):
    first = board.add("a", "first", NOW)
    second = board.add("b", "second", NOW)
    third = board.add("c", "third", NOW)
    board.endorse("x", third.id, NOW)

    assert [p.id for p in board.ranked()] == [third.id, first.id, second.id]


def test_ranking_tie_uses_creation_order_not_edit_time(board):
    first = board.add("a", "first", NOW)
    second = board.add("b", "second", NOW)
    board.edit("c", second.id, "second, edited", 1, NOW - timedelta(hours=1))

    assert [p.id for p in board.ranked()] == [first.id, second.id]


def test_withdrawing_the_last_endorsement_retires_the_proposal(board):
    kept = board.add("a", "kept", NOW)
    gone = board.add("b", "gone", NOW)

    board.withdraw("b", gone.id, NOW)

    assert gone.retired
    assert board.ranked() == [kept]
    assert board.live_count == 1
    assert board.get(gone.id) is gone
    assert [entry.text for entry in board.history(gone.id)] == ["gone"]


def test_retired_proposal_refuses_edit_and_endorse_and_ignores_withdraw(board):
    gone = board.add("b", "gone", NOW)
    board.withdraw("b", gone.id, NOW)
    revision = board.revision

    with pytest.raises(UnknownProposal):
        board.edit("c", gone.id, "revived", 1, NOW)
    with pytest.raises(UnknownProposal):
        board.endorse("c", gone.id, NOW)
    board.withdraw("b", gone.id, NOW)

    assert board.revision == revision
    assert gone.version == 1


def test_limit_of_ten_live_proposals(board):
    for n in range(10):
        board.add(f"g{n}", f"idea {n}", NOW)

    with pytest.raises(LimitReached) as caught:
        board.add("g10", "one too many", NOW)

    assert caught.value.code == "limit"
    assert caught.value.limit == 10
    assert board.live_count == 10


def test_retiring_frees_a_place_under_the_limit():
    board = ProposalBoard(max_live=2, phase="collaboration")
    board.add("a", "one", NOW)
    two = board.add("b", "two", NOW)
    board.withdraw("b", two.id, NOW)

    three = board.add("c", "three", NOW)

    assert [p.id for p in board.ranked()] == ["p1", three.id]


def test_stale_edit_carries_the_current_proposal(board):
    proposal = board.add("a", "draft", NOW)
    board.edit("b", proposal.id, "draft by b", 1, NOW)

    with pytest.raises(Stale) as caught:
        board.edit("c", proposal.id, "draft by c", 1, NOW)

    assert caught.value.code == "stale"
    assert caught.value.current is proposal
    assert caught.value.current.to_dict()["text"] == "draft by b"
    assert proposal.version == 2


@pytest.mark.parametrize("base_version", [0, 2, -1, "1", 1.0, True, None])
def test_malformed_base_version_is_invalid_input(board, base_version):
    proposal = board.add("a", "draft", NOW)

    with pytest.raises(InvalidInput) as caught:
        board.edit("b", proposal.id, "changed", base_version, NOW)

    assert caught.value.code == "invalid"
    assert proposal.version == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), (" \n\t ", "empty"), ("x" * 1001, "too_long"), (None, "not_text")],
)
def test_invalid_text_on_add(board, text, reason):
    with pytest.raises(InvalidText) as caught:
        board.add("a", text, NOW)

    assert (caught.value.code, caught.value.reason) == ("invalid", reason)
    assert board.ranked() == []
    assert board.revision == 0


def test_length_limit_counts_the_stripped_text():
    board = ProposalBoard(max_length=5, phase="collaboration")

    assert board.add("a", "  12345\n", NOW).text == "12345"
    with pytest.raises(InvalidText):
        board.add("a", "123456", NOW)


def test_invalid_text_on_edit_leaves_the_proposal_alone(board):
    proposal = board.add("a", "draft", NOW)

    with pytest.raises(InvalidText):
        board.edit("b", proposal.id, "   ", 1, NOW)

    assert (proposal.text, proposal.version, proposal.endorsements) == ("draft", 1, ("a",))


def test_unchanged_edit_is_refused_and_keeps_endorsements(board):
    proposal = board.add("a", "draft", NOW)
    board.endorse("b", proposal.id, NOW)
    revision = board.revision

    with pytest.raises(InvalidText) as caught:
        board.edit("c", proposal.id, "  draft ", 1, NOW)

    assert caught.value.reason == "unchanged"
    assert proposal.endorsements == ("a", "b")
    assert board.revision == revision


@pytest.mark.parametrize("action", ["edit", "endorse", "withdraw", "get", "history"])
def test_unknown_proposal(board, action):
    calls = {
        "edit": lambda: board.edit("a", "p9", "text", 1, NOW),
        "endorse": lambda: board.endorse("a", "p9", NOW),
        "withdraw": lambda: board.withdraw("a", "p9", NOW),
        "get": lambda: board.get("p9"),
        "history": lambda: board.history("p9"),
    }

    with pytest.raises(UnknownProposal) as caught:
        calls[action]()

    assert caught.value.code == "not_found"
    assert caught.value.proposal_id == "p9"


@pytest.mark.parametrize("group", ["", "   ", None, 7])
def test_group_must_be_a_non_empty_string(board, group):
    with pytest.raises(InvalidInput):
        board.add(group, "text", NOW)


@pytest.mark.parametrize("phase", ["preparation", "introduction", "review", "local", "closed"])
def test_every_change_is_refused_outside_collaboration(board, phase):
    proposal = board.add("a", "draft", NOW)
    board.set_phase(phase)
    revision = board.revision
    attempts = [
        lambda: board.add("b", "another", NOW),
        lambda: board.edit("b", proposal.id, "changed", 1, NOW),
        lambda: board.endorse("b", proposal.id, NOW),
        lambda: board.withdraw("a", proposal.id, NOW),
    ]

    for attempt in attempts:
        with pytest.raises(PhaseClosed) as caught:
            attempt()
        assert (caught.value.code, caught.value.phase) == ("phase", phase)

    assert proposal.to_dict()["endorsements"] == ["a"]
    assert board.revision == revision


def test_schedule_drives_the_phase_of_the_board():
    board = ProposalBoard()
    start = NOW
    board.follow_schedule(start)

    with pytest.raises(PhaseClosed):
        board.add("a", "too early", start + timedelta(minutes=14, seconds=59))
    proposal = board.add("a", "just in time", start + timedelta(minutes=15))
    with pytest.raises(PhaseClosed) as caught:
        board.endorse("b", proposal.id, start + timedelta(minutes=60))

    assert caught.value.phase == "review"
    assert board.phase_at(start + timedelta(minutes=59)) == ("collaboration", 60)


def test_set_phase_and_follow_schedule_bump_the_revision_only_on_change():
    board = ProposalBoard()

    assert board.set_phase("preparation") is False
    assert board.revision == 0
    assert board.set_phase("collaboration") is True
    assert board.revision == 1
    assert board.follow_schedule(NOW) is True
    assert board.follow_schedule(NOW) is False
    assert board.revision == 2
    assert board.schedule[0] == NOW
    assert board.phase_at(NOW - timedelta(seconds=90)) == ("preparation", 90)


def test_unknown_phase_name_is_invalid_input(board):
    with pytest.raises(InvalidInput):
        board.set_phase("lunch")
    with pytest.raises(InvalidInput):
        ProposalBoard(phase="lunch")


def test_naive_now_is_a_programming_error(board):
    with pytest.raises(ValueError):
        board.add("a", "text", datetime(2024, 5, 1, 14, 0))


def test_history_keeps_every_version_with_group_time_and_changes(board):
    proposal = board.add("a", "Share the server", NOW)
    board.edit("b", proposal.id, "Share the server fairly", 1, LATER)
    board.edit("c", proposal.id, "Share the servers fairly", 2, LATER + timedelta(minutes=1))

    history = board.history(proposal.id)

    assert [(e.version, e.group) for e in history] == [(1, "a"), (2, "b"), (3, "c")]
    assert [e.time for e in history] == [NOW, LATER, LATER + timedelta(minutes=1)]
    assert history[0].changes == (("insert", "Share the server"),)
    assert history[1].changes == (("equal", "Share the server"), ("insert", " fairly"))
    assert ("delete", "server") in history[2].changes
    assert ("insert", "servers") in history[2].changes
    assert history[2].to_dict()["time"] == "2024-05-01T14:04:00+00:00"
    assert history[1].to_dict()["changes"][1] == {"op": "insert", "text": " fairly"}


def test_snapshot_is_the_api_state(board):
    board.add("a", "one", NOW)
    board.endorse("b", board.add("c", "two", NOW).id, NOW)

    snapshot = board.snapshot(NOW)

    assert snapshot["revision"] == board.revision == 3
    assert snapshot["phase"] == "collaboration"
    assert snapshot["phase_ends"] is None
    assert [item["text"] for item in snapshot["items"]] == ["two", "one"]


def test_every_error_is_an_engine_error_with_its_code():
    codes = {
        LimitReached: "limit",
        Stale: "stale",
        InvalidText: "invalid",
        InvalidInput: "invalid",
        UnknownProposal: "not_found",
        PhaseClosed: "phase",
    }

    for error, code in codes.items():
        assert issubclass(error, EngineError)
        assert error.code == code


def test_engine_modules_import_no_web_framework():
    # Checked on the source: the package's own __init__ may load Pyramid for the site.
    allowed = {"BTrees", "ZODB", "persistent", "transaction", *sys.stdlib_module_names}
    package = Path(engine.__file__).parent
    for module in ("engine.py", "phases.py", "textdiff.py"):
        tree = ast.parse((package / module).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            assert {name.split(".")[0] for name in names} <= allowed, (module, names)

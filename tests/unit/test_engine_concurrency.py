"""The board under concurrent transactions, on a real ZODB FileStorage.

First, two connections interleaved by hand show which conflicts are merged (endorse/withdraw
on one proposal, revision counting) and which are refused so that a retry re-checks the
rules (two adds at the limit, an edit against an endorse, a merge that would retire).
Then many threads, one group each, act at once with retries; the committed transactions,
replayed serially in commit order on a fresh board, must give exactly the final state, and
no committed state may ever hold more live proposals than the limit.
"""

import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import transaction
import ZODB
from hypothesis import assume, given
from hypothesis import strategies as st
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from congress_site.congress.engine import (
    EngineError,
    LimitReached,
    ProposalBoard,
    merge_endorsements,
)

NOW = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path):
    database = ZODB.DB(FileStorage(str(tmp_path / "Data.fs")), pool_size=32)
    yield database
    database.close()


class Scribe:
    """One connection with its own transaction manager, as one waitress thread has."""

    def __init__(self, db):
        self.manager = transaction.TransactionManager(explicit=True)
        self.connection = db.open(transaction_manager=self.manager)
        self.manager.begin()

    @property
    def board(self) -> ProposalBoard:
        return self.connection.root()["board"]

    def commit(self):
        self.manager.commit()
        self.manager.begin()

    def abort(self):
        self.manager.abort()
        self.manager.begin()


def create_board(db, proposals=0, **options):
    scribe = Scribe(db)
    board = ProposalBoard(phase="collaboration", **options)
    scribe.connection.root()["board"] = board
    for n in range(proposals):
        board.add(f"creator-{n}", f"idea {n}", NOW)
    scribe.manager.get().note("setup")
    scribe.commit()
    return scribe


def fresh_board(db) -> ProposalBoard:
    return Scribe(db).board


# Two transactions interleaved by hand -------------------------------------------------------


def test_concurrent_endorsements_merge_in_commit_order(db):
    create_board(db, proposals=1)
    first, second = Scribe(db), Scribe(db)

    first.board.endorse("paris-1", "p1", NOW)
    second.board.endorse("detroit-1", "p1", NOW)
    first.commit()
    second.commit()  # resolved, not refused

    board = fresh_board(db)
    assert board.get("p1").endorsements == ("creator-0", "paris-1", "detroit-1")
    assert board.revision == 1 + 2


def test_concurrent_endorse_and_withdraw_merge(db):
    setup = create_board(db, proposals=1)
    setup.board.endorse("paris-1", "p1", NOW)
    setup.commit()
    first, second = Scribe(db), Scribe(db)

    first.board.withdraw("paris-1", "p1", NOW)
    second.board.endorse("detroit-1", "p1", NOW)
    first.commit()
    second.commit()

    assert fresh_board(db).get("p1").endorsements == ("creator-0", "detroit-1")


def test_the_same_group_endorsing_twice_at_once_counts_once(db):
    create_board(db, proposals=1)
    first, second = Scribe(db), Scribe(db)

    first.board.endorse("paris-1", "p1", NOW)
    second.board.endorse("paris-1", "p1", NOW)
    first.commit()
    second.commit()

    assert fresh_board(db).get("p1").endorsements == ("creator-0", "paris-1")


def test_two_adds_at_the_last_free_place_conflict_and_the_retry_hits_the_limit(db):
    create_board(db, proposals=2, max_live=3)
    first, second = Scribe(db), Scribe(db)

    first.board.add("paris-1", "third", NOW)
    second.board.add("detroit-1", "fourth", NOW)
    first.commit()
    with pytest.raises(ConflictError):
        second.commit()
    second.abort()

    with pytest.raises(LimitReached):
        second.board.add("detroit-1", "fourth", NOW)
    assert fresh_board(db).live_count == 3


def test_edit_and_endorse_of_one_proposal_conflict(db):
    create_board(db, proposals=1)
    first, second = Scribe(db), Scribe(db)

    first.board.edit("paris-1", "p1", "idea 0, better", 1, NOW)
    second.board.endorse("detroit-1", "p1", NOW)
    first.commit()
    with pytest.raises(ConflictError):
        second.commit()
    second.abort()

    # The retry sees the edit: endorsing now endorses the new version.
    second.board.endorse("detroit-1", "p1", NOW)
    second.commit()
    assert fresh_board(db).get("p1").endorsements == ("paris-1", "detroit-1")


def test_withdrawals_that_together_would_retire_conflict(db):
    setup = create_board(db, proposals=1)
    setup.board.endorse("paris-1", "p1", NOW)
    setup.commit()
    first, second = Scribe(db), Scribe(db)

    first.board.withdraw("creator-0", "p1", NOW)
    second.board.withdraw("paris-1", "p1", NOW)
    first.commit()
    with pytest.raises(ConflictError):
        second.commit()
    second.abort()

    second.board.withdraw("paris-1", "p1", NOW)
    second.commit()
    board = fresh_board(db)
    assert board.get("p1").retired
    assert board.live_count == 0


def test_endorse_against_a_retirement_conflicts(db):
    create_board(db, proposals=1)
    first, second = Scribe(db), Scribe(db)

    first.board.withdraw("creator-0", "p1", NOW)
    second.board.endorse("paris-1", "p1", NOW)
    first.commit()
    with pytest.raises(ConflictError):
        second.commit()


def test_actions_on_different_proposals_do_not_conflict(db):
    create_board(db, proposals=3)
    first, second, third = Scribe(db), Scribe(db), Scribe(db)

    first.board.edit("paris-1", "p1", "edited", 1, NOW)
    second.board.endorse("paris-2", "p2", NOW)
    third.board.withdraw("creator-2", "p3", NOW)  # retires p3: writes the board
    for scribe in (first, second, third):
        scribe.commit()

    board = fresh_board(db)
    assert [p.id for p in board.ranked()] == ["p2", "p1"]
    assert board.revision == 3 + 3


# The merge rule on its own ------------------------------------------------------------------

GROUP_NAMES = st.sampled_from("abcdef")
STEPS = st.tuples(st.sampled_from(["endorse", "withdraw"]), GROUP_NAMES)


def apply_step(endorsements, step):
    kind, group = step
    if kind == "endorse":
        return endorsements if group in endorsements else (*endorsements, group)
    return tuple(g for g in endorsements if g != group)


def proposal_state(endorsements, version=1):
    retired = not endorsements  # as Proposal._withdraw sets it
    return {"id": "p1", "version": version, "endorsements": endorsements, "retired": retired}


@given(st.lists(GROUP_NAMES, min_size=1, unique=True).map(tuple), STEPS, STEPS)
def test_merge_equals_committed_then_ours(old, theirs, ours):
    committed, new = apply_step(old, theirs), apply_step(old, ours)
    assume(committed != old and new != old)  # a no-op writes nothing, so never conflicts
    serial = apply_step(committed, ours)

    merged = merge_endorsements(proposal_state(old), proposal_state(committed), proposal_state(new))

    if not (committed and new and serial):
        assert merged is None  # retiring needs the board: retry instead
    else:
        assert merged == serial


def test_merge_refuses_when_anything_but_endorsements_changed():
    old = proposal_state(("a",))
    edited = {**proposal_state(("b",), version=2)}

    assert merge_endorsements(old, edited, proposal_state(("a", "c"))) is None
    assert merge_endorsements(old, proposal_state(("a", "c")), edited) is None


# Many threads at once -----------------------------------------------------------------------

THREADS = 8
ACTIONS_PER_THREAD = 40
MAX_LIVE = 4  # small, so that adds often race for the last free place


def choose_action(board, group, rng, now):
    """Pick an action from what this group sees now, as a scribe would."""
    live = board.ranked()
    kind = rng.choices(["add", "edit", "endorse", "withdraw"], weights=[3, 2, 5, 3])[0]
    if kind == "add" or not live:
        return {"kind": "add", "group": group, "text": f"{group} idea {rng.random():.6f}"}
    target = rng.choice(live)
    action = {"kind": kind, "group": group, "id": target.id}
    if kind == "edit":
        stale = rng.random() < 0.1 and target.version > 1
        action["text"] = f"{target.text} / {group}"[-200:]
        action["base_version"] = target.version - 1 if stale else target.version
    return action


def play(board, action):
    now = datetime.fromisoformat(action["now"])
    group, kind = action["group"], action["kind"]
    if kind == "add":
        return board.add(group, action["text"], now)
    if kind == "edit":
        return board.edit(group, action["id"], action["text"], action["base_version"], now)
    return getattr(board, kind)(group, action["id"], now)


def run_group(db, group, seed, start_line, stats):
    """Act ACTIONS_PER_THREAD times, retrying each transaction on conflict."""
    rng = random.Random(seed)
    scribe = Scribe(db)
    scribe.abort()
    start_line.wait()
    for step in range(ACTIONS_PER_THREAD):
        for _attempt in range(100):
            try:
                now = NOW + timedelta(seconds=step, microseconds=rng.randrange(10**6))
                action = choose_action(scribe.board, group, rng, now)
                action["now"] = now.isoformat()
                try:
                    play(scribe.board, action)
                except EngineError:
                    stats["rejected"] += 1
                    scribe.abort()
                    break
                time.sleep(rng.random() / 500)  # widen the window in which others commit
                scribe.manager.get().note(json.dumps(action))
                scribe.commit()
                break
            except ConflictError:
                stats["conflicts"] += 1
                scribe.abort()
        else:
            raise AssertionError(f"{group}: too many conflicts")


def committed_actions(db):
    """The actions of all committed transactions, in commit order, with their tids."""
    actions = []
    for record in db.storage.iterator():
        description = record.description.decode()
        if description.startswith("{"):
            actions.append((record.tid, json.loads(description)))
    return actions


def state_of(board):
    """Everything a reader can observe, history included."""
    return {
        "revision": board.revision,
        "ranked": [p.id for p in board.ranked()],
        "proposals": {
            p.id: (
                p.to_dict(),
                p.retired,
                p.created,
                [(e.version, e.text, e.group, e.time) for e in board.history(p.id)],
            )
            for p in board.all_proposals()
        },
    }


def test_many_groups_at_once_equal_a_serial_replay(db):
    create_board(db, max_live=MAX_LIVE)
    stats = {"conflicts": 0, "rejected": 0}
    start_line = threading.Barrier(THREADS)
    errors = []

    def worker(n):
        try:
            run_group(db, f"group-{n}", seed=n, start_line=start_line, stats=stats)
        except BaseException as error:  # surface thread failures in the test
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors

    actions = committed_actions(db)
    replay = ProposalBoard(max_live=MAX_LIVE, phase="collaboration")
    for _tid, action in actions:
        play(replay, action)  # every committed action is valid in commit order

    final = fresh_board(db)
    assert state_of(final) == state_of(replay)
    assert final.revision == len(actions)  # each committed action counted exactly once
    assert stats["conflicts"] > 0, "no conflict happened: the test proved nothing"
    assert_limit_held_in_every_committed_state(db, actions)


def assert_limit_held_in_every_committed_state(db, actions):
    for tid, _action in actions:
        connection = db.open(at=tid)
        try:
            board = connection.root()["board"]
            live = [p for p in board.all_proposals() if not p.retired]
            assert len(live) == board.live_count <= MAX_LIVE
        finally:
            connection.close()

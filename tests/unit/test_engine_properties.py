"""Property-based tests: random action sequences from several groups against the board.

Each run plays a random sequence of add/edit/endorse/withdraw and checks, after every action,
both the invariants of the rules and agreement with a deliberately naive reference model
written from DESIGN.md (lists and dicts, no persistence, no cleverness).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from congress_site.congress.engine import EngineError, ProposalBoard

START = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
GROUPS = ("paris-1", "paris-2", "mexico-1", "detroit-1")
# A tiny vocabulary, so that unchanged edits and duplicate texts happen often.
TEXTS = ("share", "repair", "share repair", "repair first", "  share  ", "", "   ")


# The reference model -------------------------------------------------------------------------


@dataclass
class ModelProposal:
    seq: int
    versions: list = field(default_factory=list)  # (text, group, time)
    endorsers: list = field(default_factory=list)
    retired: bool = False


@dataclass
class Model:
    max_live: int
    proposals: dict = field(default_factory=dict)

    def live(self):
        return [pid for pid, p in self.proposals.items() if not p.retired]

    def apply(self, action, now):
        """Return the expected error code (and change nothing) or None after applying."""
        kind, group = action[0], action[1]
        if kind == "add":
            text = action[2].strip()
            if not text:
                return "invalid"
            if len(self.live()) >= self.max_live:
                return "limit"
            pid = f"p{len(self.proposals) + 1}"
            self.proposals[pid] = ModelProposal(len(self.proposals) + 1, [(text, group, now)])
            self.proposals[pid].endorsers = [group]
            return None
        pid = action[2]
        proposal = self.proposals.get(pid)
        if proposal is None or (proposal.retired and kind != "withdraw"):
            return "not_found"
        if kind == "endorse":
            if group not in proposal.endorsers:
                proposal.endorsers.append(group)
        elif kind == "withdraw":
            if group in proposal.endorsers:
                proposal.endorsers.remove(group)
                proposal.retired = not proposal.endorsers
        elif kind == "edit":
            text, base = action[3].strip(), action[4]
            current = len(proposal.versions)
            if not text or not 1 <= base <= current:
                return "invalid"
            if base < current:
                return "stale"
            if text == proposal.versions[-1][0]:
                return "invalid"
            proposal.versions.append((text, group, now))
            proposal.endorsers = [group]
        return None

    def state(self):
        return {
            pid: (p.versions[-1][0], len(p.versions), tuple(p.endorsers), p.retired)
            for pid, p in self.proposals.items()
        }


# Strategies ----------------------------------------------------------------------------------

groups = st.sampled_from(GROUPS)
# A target is a number that picks a proposal when the action is played: mostly a live one,
# sometimes any (retired included), sometimes one that does not exist.
targets = st.integers(min_value=0, max_value=11)
actions = st.one_of(
    st.tuples(st.just("add"), groups, st.sampled_from(TEXTS)),
    # base_offset: 0 is the current version, -1 stale, +1 a version that does not exist
    st.tuples(
        st.just("edit"), groups, targets, st.sampled_from(TEXTS), st.sampled_from([0, 0, -1, 1])
    ),
    st.tuples(st.just("endorse"), groups, targets),
    st.tuples(st.just("withdraw"), groups, targets),
)
# Scripts open with a few valid adds, so that most actions have proposals to act on.
scripts = st.tuples(
    st.lists(st.tuples(st.just("add"), groups, st.sampled_from(TEXTS[:4])), min_size=1, max_size=4),
    st.lists(actions, max_size=60),
).map(lambda parts: parts[0] + parts[1])


def resolve(board, action):
    """Turn a drawn action into a concrete one, as a scribe's screen would on this board."""
    if action[0] == "add":
        return action
    kind, group, target = action[:3]
    live = [p.id for p in board.ranked()]
    every = [p.id for p in board.all_proposals()]
    if target < 9 and live:
        pid = live[target % len(live)]
    elif target < 11 and every:
        pid = every[target % len(every)]
    else:
        pid = "p99"
    if kind != "edit":
        return (kind, group, pid)
    current = board.get(pid).version if pid in every else 1
    return (kind, group, pid, action[3], current + action[4])


def play(board, action, now):
    kind, group = action[0], action[1]
    if kind == "add":
        return board.add(group, action[2], now)
    if kind == "edit":
        return board.edit(group, action[2], action[3], action[4], now)
    return getattr(board, kind)(group, action[2], now)


def board_state(board):
    return {p.id: (p.text, p.version, p.endorsements, p.retired) for p in board.all_proposals()}


def histories(board):
    return {
        p.id: [(e.version, e.text, e.group) for e in board.history(p.id)]
        for p in board.all_proposals()
    }


# The properties ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(max_live=st.integers(min_value=1, max_value=4), script=scripts)
def test_random_sequences_keep_the_rules(max_live, script):
    board = ProposalBoard(max_live=max_live, phase="collaboration")
    model = Model(max_live)

    for step, raw in enumerate(script):
        action = resolve(board, raw)
        now = START + timedelta(seconds=step)
        before_state, before_history, revision = (
            board_state(board),
            histories(board),
            board.revision,
        )

        try:
            play(board, action, now)
            error = None
        except EngineError as caught:
            error = caught.code

        assert error == model.apply(action, now), action
        assert board_state(board) == model.state()
        check_invariants(board, max_live)
        check_history_append_only(before_history, histories(board))
        changed = board_state(board) != before_state
        assert board.revision == revision + (1 if changed else 0), action
        if action[0] == "edit" and error is None:
            assert board.get(action[2]).endorsements == (action[1],)


def check_invariants(board, max_live):
    ranked = board.ranked()
    live = [p for p in board.all_proposals() if not p.retired]
    assert len(live) <= max_live
    assert board.live_count == len(live)
    assert sorted(p.id for p in ranked) == sorted(p.id for p in live)
    for better, worse in zip(ranked, ranked[1:], strict=False):
        assert len(better.endorsements) >= len(worse.endorsements)
        if len(better.endorsements) == len(worse.endorsements):
            assert better.seq < worse.seq
    for proposal in board.all_proposals():
        assert len(set(proposal.endorsements)) == len(proposal.endorsements)
        assert bool(proposal.endorsements) != proposal.retired
        history = board.history(proposal.id)
        assert [e.version for e in history] == list(range(1, proposal.version + 1))
        assert history[-1].text == proposal.text
        assert history[-1].group == proposal.edited_by
        assert history[0].group == proposal.created_by


def check_history_append_only(before, after):
    for pid, versions in before.items():
        assert after[pid][: len(versions)] == versions
        assert len(after[pid]) - len(versions) in (0, 1)


@settings(max_examples=200, deadline=None)
@given(script=scripts, group=groups, target=st.sampled_from(["p1", "p2"]))
def test_repeating_an_endorse_never_changes_anything(script, group, target):
    board = ProposalBoard(phase="collaboration")
    for step, raw in enumerate(script):
        try:
            play(board, resolve(board, raw), START + timedelta(seconds=step))
        except EngineError:
            pass
    try:
        board.endorse(group, target, START)
    except EngineError:
        return  # unknown or retired: nothing to repeat
    state, revision = board_state(board), board.revision

    board.endorse(group, target, START)

    assert (board_state(board), board.revision) == (state, revision)

"""The Collaborative Democracy proposal rules, as the persisted model of one session.

A ``ProposalBoard`` holds the proposals of one session; the web layer keeps one board per
session and calls it from its views. Nothing here imports a web framework; every operation
either returns a result or raises an ``EngineError`` whose ``code`` names the API error.

The rules (DESIGN.md, "The proposal engine"):

* Any group may add a proposal; the creator endorses its version automatically.
* Any group may edit any live proposal. An edit names the version it started from
  (``base_version``); an older one raises ``Stale`` carrying the current proposal. An edit
  makes a new version and leaves exactly one endorsement: the editor's.
* Any group may endorse a proposal once (repeating is a no-op) and withdraw its endorsement
  (withdrawing an absent endorsement is a no-op).
* At most ``max_live`` (10) live proposals: ``add`` raises ``LimitReached`` beyond that.
* Text is stripped of surrounding whitespace; empty or longer than ``max_length`` (1,000)
  characters raises ``InvalidText``.
* Only the ``collaboration`` phase accepts changes; otherwise ``PhaseClosed``.

Interpretations (the design leaves them open):

* **Retirement.** When a proposal's last endorsement is withdrawn it is *retired*: no longer
  live, not ranked, not counted toward the limit, history kept. ``get`` and ``history`` still
  find it; ``edit`` and ``endorse`` raise ``UnknownProposal``; ``withdraw`` is a no-op (the
  group's endorsement is already gone, and a repeated DELETE stays harmless).
* **Unchanged edit.** An edit whose stripped text equals the current text raises
  ``InvalidText`` (reason ``"unchanged"``): it is not a new version, and it must not silently
  wipe the other groups' endorsements.
* **Order of checks**, first failure wins: phase, group id, unknown proposal, text, then
  ``base_version`` (malformed, then stale), unchanged text (``edit``) or limit (``add``).
* **Ids** are ``"p1"``, ``"p2"``, ... per board, never reused, in creation order.
* **modified** is the time of the current version; endorsements do not change it.

Using it from a view (the web layer owns transactions, auth and HTTP)::

    board = session.proposals            # a ProposalBoard stored on the Session
    try:
        proposal = board.edit(group_id, proposal_id, text, base_version, now)
    except Stale as error:               # 409 {"error": "stale", "current": ...}
        body = {"error": error.code, "message": str(error), "current": error.current.to_dict()}
    except EngineError as error:         # limit/phase 409, invalid 422, not_found 404
        body = {"error": error.code, "message": str(error)}

``board.snapshot(now)`` is the body of ``GET @proposals``; a good ETag is the revision plus
the current phase, since a schedule moves the phase without writing anything.

Concurrency design (ZODB; many threads, 200 groups at once; no update may be lost and the
result must equal a serial run of the committed actions):

* ZODB gives each transaction a snapshot and refuses (``ConflictError``, retried by
  ``pyramid_retry``) a commit that writes an object someone else wrote meanwhile, unless the
  object's ``_p_resolveConflict`` merges the two. So an invariant is safe when every
  transaction that could break it writes one common object.
* The **board object** holds the tuple of live ids and the id counter. ``add`` and
  retirement are the only operations that change the set of live proposals and both write
  the board, so two concurrent adds conflict and one is retried against the new count: the
  limit can never be exceeded. (Inserting into a BTree alone would not do: two inserts into
  one bucket merge, and 10 + 1 + 1 would commit as 12.) Board writes are rare (add, retire,
  phase change); endorse, withdraw and edit only read the board.
* Each **Proposal** is its own persistent object, so actions on different proposals never
  conflict. Its ``_p_resolveConflict`` merges concurrent endorse/withdraw of the same
  version (the hot spot: many groups endorsing the leading proposal) exactly as a serial
  run would: the committed change first, then ours. It refuses, and so forces a retry, when
  either side changed anything else (an edit, a retirement) or when the merge would leave
  no endorsement, since retiring must also update the board.
* Each proposal's **versions** live in their own ``IOBTree`` (version number -> ``Version``),
  written only by the add or edit that creates the version: append-only, and endorsements
  never rewrite the history.
* ``revision`` is a ``BTrees.Length``, whose conflict resolution adds both increments, so
  counting changes never makes two otherwise independent actions conflict. It is bumped by
  every action that changes what ``snapshot`` shows, and only by those.
* Two concurrent adds also draw the same id from the board's counter, which is a second,
  independent conflict (same key in the ``_proposals`` BTree).
* A phase change writes the board; an endorsement that read ``collaboration`` just before
  commits as if it came first, which is a valid serial order (it did not write the board).
* When the same group endorses the same proposal from two threads at once, the merge keeps
  one endorsement but both increments of ``revision``: it still changes exactly when the
  state does, it just skips a number.
* There is no global counter: proposal ids come from the board's own counter, which only
  ``add`` writes, and ``add`` writes the board anyway.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from BTrees.IOBTree import IOBTree
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from ZODB.POSException import ConflictError

from .phases import (
    OPEN_PHASE,
    PHASES,
    complete_durations,
    phase_window,
    require_aware,
    seconds_until,
)
from .textdiff import Change, word_diff

DEFAULT_MAX_LIVE = 10
DEFAULT_MAX_LENGTH = 1000


# Errors -------------------------------------------------------------------------------------


class EngineError(Exception):
    """A refused action. ``code`` is the API error name; nothing was changed."""

    code = "error"


class LimitReached(EngineError):
    """``add`` with ``limit`` live proposals already (API: 409)."""

    code = "limit"

    def __init__(self, limit: int):
        super().__init__(f"at most {limit} proposals at a time: edit one instead")
        self.limit = limit


class Stale(EngineError):
    """``edit`` based on an older version; ``current`` is the proposal as it is (API: 409).

    ``current`` is a persistent object: call ``current.to_dict()`` before the transaction ends.
    """

    code = "stale"

    def __init__(self, current: "Proposal", base_version: int):
        super().__init__(
            f"proposal {current.id} is at version {current.version}, "
            f"the edit started from version {base_version}"
        )
        self.current = current
        self.base_version = base_version


class InvalidInput(EngineError):
    """Malformed input: a bad group id, base version or phase name (API: 422)."""

    code = "invalid"


class InvalidText(InvalidInput):
    """Text refused; ``reason`` is ``"not_text"``, ``"empty"``, ``"too_long"`` or
    ``"unchanged"`` (API: 422)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class UnknownProposal(EngineError):
    """No such proposal, or (for ``edit``/``endorse``) a retired one (API: 404)."""

    code = "not_found"

    def __init__(self, proposal_id: str):
        super().__init__(f"no live proposal {proposal_id!r}")
        self.proposal_id = proposal_id


class PhaseClosed(EngineError):
    """A change outside the ``collaboration`` phase (API: 409)."""

    code = "phase"

    def __init__(self, phase: str):
        super().__init__(f"proposals can only change during {OPEN_PHASE}, not during {phase}")
        self.phase = phase


# Versions and history -----------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One stored version of a proposal, as written by the group that made it."""

    number: int
    text: str
    group: str
    time: datetime


@dataclass(frozen=True)
class HistoryEntry:
    """A version plus what changed from the previous one (all of it is new in version 1)."""

    version: int
    text: str
    group: str
    time: datetime
    changes: tuple[Change, ...]

    def to_dict(self) -> dict:
        """JSON shape: ``{"version", "text", "group", "time", "changes": [{"op", "text"}]}``."""
        return {
            "version": self.version,
            "text": self.text,
            "group": self.group,
            "time": self.time.isoformat(),
            "changes": [{"op": op, "text": text} for op, text in self.changes],
        }


# Proposal -----------------------------------------------------------------------------------


class Proposal(Persistent):
    """One proposal. Read its attributes; change it only through its ``ProposalBoard``.

    ``id`` (str), ``text`` (current version), ``version`` (1-based), ``endorsements``
    (tuple of group ids in the order they endorsed), ``created_by``/``created`` (first
    version), ``edited_by``/``modified`` (current version), ``retired`` (bool).
    """

    def __init__(self, proposal_id: str, seq: int, text: str, group: str, now: datetime):
        self.id = proposal_id
        self.seq = seq  # creation order: ranks ties, older first
        self.created_by = group
        self.created = now
        self.retired = False
        self._versions = IOBTree()
        self.version = 0
        self._new_version(text, group, now)

    @property
    def endorsement_count(self) -> int:
        return len(self.endorsements)

    def versions(self) -> list[Version]:
        """Every version, oldest first."""
        return list(self._versions.values())

    def to_dict(self) -> dict:
        """The API item (issue 3): ``modified`` as an ISO 8601 string."""
        return {
            "id": self.id,
            "text": self.text,
            "version": self.version,
            "endorsements": list(self.endorsements),
            "endorsement_count": self.endorsement_count,
            "created_by": self.created_by,
            "edited_by": self.edited_by,
            "modified": self.modified.isoformat(),
        }

    def __repr__(self) -> str:
        return f"<Proposal {self.id} v{self.version} {list(self.endorsements)!r}>"

    # Changes, called by the board after it has checked the rules.

    def _new_version(self, text: str, group: str, now: datetime) -> None:
        self.version += 1
        self._versions[self.version] = Version(self.version, text, group, now)
        self.text = text
        self.edited_by = group
        self.modified = now
        self.endorsements = (group,)

    def _endorse(self, group: str) -> bool:
        if group in self.endorsements:
            return False  # no write: a repeated endorse must not cause conflicts
        self.endorsements += (group,)
        return True

    def _withdraw(self, group: str) -> bool:
        if group not in self.endorsements:
            return False
        self.endorsements = tuple(g for g in self.endorsements if g != group)
        self.retired = not self.endorsements
        return True

    def _p_resolveConflict(self, old: dict, committed: dict, new: dict) -> dict:
        """Merge two concurrent endorse/withdraw on the same version; refuse all else."""
        merged = merge_endorsements(old, committed, new)
        if merged is None:
            raise ConflictError
        return {**committed, "endorsements": merged}


def merge_endorsements(old: dict, committed: dict, new: dict) -> tuple[str, ...] | None:
    """Endorsements after applying ``new``'s change on top of ``committed``'s, or ``None``.

    The states are proposal ``__getstate__`` dicts. ``None`` (do not merge) unless both sides
    changed nothing but endorsements, each as plain endorse/withdraw steps, and the result
    keeps at least one endorsement (retiring needs the board, which this cannot write).
    """
    if not (_only_endorsements_differ(old, committed) and _only_endorsements_differ(old, new)):
        return None
    delta = _endorsement_delta(old["endorsements"], new["endorsements"])
    if delta is None or _endorsement_delta(old["endorsements"], committed["endorsements"]) is None:
        return None
    added, removed = delta
    kept = [g for g in committed["endorsements"] if g not in removed]
    merged = tuple(kept + [g for g in added if g not in kept])
    return merged or None


def _only_endorsements_differ(old: dict, state: dict) -> bool:
    if old.keys() != state.keys():
        return False
    return all(old[key] == state[key] for key in old if key != "endorsements")


def _endorsement_delta(
    before: tuple[str, ...], after: tuple[str, ...]
) -> tuple[list[str], set[str]] | None:
    """``(added in order, removed)`` if ``after`` is ``before`` minus some plus appended."""
    removed = set(before) - set(after)
    added = [g for g in after if g not in before]
    if tuple(g for g in before if g not in removed) + tuple(added) != tuple(after):
        return None
    return added, removed


# Board --------------------------------------------------------------------------------------


class ProposalBoard(Persistent):
    """The proposals of one session, with the session's phase.

    Mutating operations take the acting group id and ``now`` (an aware datetime: it decides
    the phase when the board follows a schedule, and stamps new versions). They raise an
    ``EngineError`` subclass and change nothing when refused. Callers run them inside a
    transaction and retry on ``ConflictError`` (``pyramid_retry`` does); see the module
    docstring for why conflicts are rare and never lose an update.

    ``revision`` changes exactly when ``snapshot`` would show something different, except that
    a schedule-driven phase moves with the clock alone: build an ETag from ``revision`` *and*
    the current phase.
    """

    def __init__(
        self,
        max_live: int = DEFAULT_MAX_LIVE,
        max_length: int = DEFAULT_MAX_LENGTH,
        phase: str = "preparation",
    ):
        if max_live < 1 or max_length < 1:
            raise ValueError("max_live and max_length must be at least 1")
        self.max_live = max_live
        self.max_length = max_length
        self._proposals = OOBTree()  # id -> Proposal, live and retired
        self._live: tuple[str, ...] = ()  # written on add/retire: makes those conflict
        self._next_seq = 1
        self._revision = Length(0)
        self._manual_phase: str | None = _checked_phase(phase)
        self._schedule: tuple[datetime, tuple[tuple[str, timedelta], ...]] | None = None

    # Reading

    @property
    def revision(self) -> int:
        return self._revision()

    @property
    def live_count(self) -> int:
        return len(self._live)

    def get(self, proposal_id: str) -> Proposal:
        """The proposal, live or retired; ``UnknownProposal`` if it never existed."""
        proposal = self._proposals.get(proposal_id) if isinstance(proposal_id, str) else None
        if proposal is None:
            raise UnknownProposal(proposal_id)
        return proposal

    def all_proposals(self) -> list[Proposal]:
        """Every proposal ever added, retired ones included, in creation order."""
        return sorted(self._proposals.values(), key=lambda p: p.seq)

    def ranked(self) -> list[Proposal]:
        """Live proposals, more endorsements first; ties: the older proposal first."""
        live = [self._proposals[pid] for pid in self._live]
        return sorted(live, key=lambda p: (-len(p.endorsements), p.seq))

    def history(self, proposal_id: str) -> list[HistoryEntry]:
        """Every version of a proposal (live or retired), oldest first, with its changes."""
        entries, previous = [], ""
        for version in self.get(proposal_id).versions():
            changes = tuple(word_diff(previous, version.text))
            entries.append(
                HistoryEntry(version.number, version.text, version.group, version.time, changes)
            )
            previous = version.text
        return entries

    def snapshot(self, now: datetime) -> dict:
        """The API state: ``{"revision", "phase", "phase_ends", "items"}``.

        ``items`` are ``Proposal.to_dict()`` in ranked order; ``phase_ends`` is an ISO 8601
        time (or ``None``), stable between changes, so clients count down themselves.
        """
        phase, ends_at = self.phase_window(now)
        return {
            "revision": self.revision,
            "phase": phase,
            "phase_ends": ends_at.isoformat() if ends_at else None,
            "items": [p.to_dict() for p in self.ranked()],
        }

    # Phase

    def phase_window(self, now: datetime) -> tuple[str, datetime | None]:
        """``(phase, ends_at)``: the schedule's at ``now``, or the manual phase (no end)."""
        require_aware(now)
        if self._schedule is None:
            return self._manual_phase, None
        start, durations = self._schedule
        return phase_window(start, now, dict(durations))

    def phase_at(self, now: datetime) -> tuple[str, int | None]:
        """``(phase, seconds_left)``; ``seconds_left`` is ``None`` for a manual phase."""
        phase, ends_at = self.phase_window(now)
        return phase, seconds_until(ends_at, now)

    def set_phase(self, phase: str) -> bool:
        """A coordinator sets the phase by hand; stops following the schedule.

        Returns whether anything changed. ``InvalidInput`` for an unknown phase name.
        """
        phase = _checked_phase(phase)
        if self._schedule is None and self._manual_phase == phase:
            return False
        self._manual_phase, self._schedule = phase, None
        self._changed()
        return True

    def follow_schedule(
        self, start: datetime, durations: Mapping[str, timedelta] | None = None
    ) -> bool:
        """Let the clock drive the phase from ``start`` (durations default per phase).

        Returns whether anything changed. ``ValueError`` for a naive ``start`` or bad
        durations (a programming or form-validation error, not a scribe's).
        """
        schedule = (require_aware(start, "start"), tuple(complete_durations(durations).items()))
        if self._schedule == schedule:
            return False
        self._manual_phase, self._schedule = None, schedule
        self._changed()
        return True

    @property
    def schedule(self) -> tuple[datetime, dict[str, timedelta]] | None:
        """``(start, durations)`` when the schedule drives the phase, else ``None``."""
        if self._schedule is None:
            return None
        start, durations = self._schedule
        return start, dict(durations)

    # Changing

    def add(self, group: str, text: str, now: datetime) -> Proposal:
        """A new proposal at version 1, endorsed by ``group``.

        Raises ``PhaseClosed``, ``InvalidInput``/``InvalidText``, ``LimitReached``.
        """
        self._require_open(now)
        _checked_group(group)
        text = self._checked_text(text)
        if len(self._live) >= self.max_live:
            raise LimitReached(self.max_live)
        seq = self._next_seq
        proposal = Proposal(f"p{seq}", seq, text, group, now)
        self._next_seq = seq + 1
        self._proposals[proposal.id] = proposal
        self._live += (proposal.id,)
        self._changed()
        return proposal

    def edit(
        self, group: str, proposal_id: str, text: str, base_version: int, now: datetime
    ) -> Proposal:
        """A new version by ``group``, who becomes its only endorser.

        Raises ``PhaseClosed``, ``InvalidInput`` (bad group or ``base_version`` not an int in
        1..current), ``UnknownProposal`` (also when retired), ``InvalidText`` (including
        reason ``"unchanged"``), ``Stale`` (``base_version`` older than the current one).
        """
        self._require_open(now)
        _checked_group(group)
        proposal = self._live_proposal(proposal_id)
        text = self._checked_text(text)
        if isinstance(base_version, bool) or not isinstance(base_version, int):
            raise InvalidInput(f"base_version must be an integer, got {base_version!r}")
        if not 1 <= base_version <= proposal.version:
            raise InvalidInput(f"proposal {proposal.id} has no version {base_version}")
        if base_version < proposal.version:
            raise Stale(proposal, base_version)
        if text == proposal.text:
            raise InvalidText("unchanged", "the text is unchanged: nothing to save")
        proposal._new_version(text, group, now)
        self._changed()
        return proposal

    def endorse(self, group: str, proposal_id: str, now: datetime) -> Proposal:
        """``group`` endorses the live proposal; a no-op if it already does.

        Raises ``PhaseClosed``, ``InvalidInput``, ``UnknownProposal`` (also when retired).
        """
        self._require_open(now)
        _checked_group(group)
        proposal = self._live_proposal(proposal_id)
        if proposal._endorse(group):
            self._changed()
        return proposal

    def withdraw(self, group: str, proposal_id: str, now: datetime) -> Proposal:
        """``group`` withdraws its endorsement; a no-op if it has none.

        Withdrawing the last endorsement retires the proposal. Raises ``PhaseClosed``,
        ``InvalidInput``, ``UnknownProposal`` (never existed).
        """
        self._require_open(now)
        _checked_group(group)
        proposal = self.get(proposal_id)
        if proposal._withdraw(group):
            if proposal.retired:
                self._live = tuple(pid for pid in self._live if pid != proposal.id)
            self._changed()
        return proposal

    def replace_group(self, old: str, new: str | None = None) -> int:
        """A coordinator merges group ``old`` into ``new``, or removes it (``new=None``).

        Additive helper for the web layer, allowed in any phase (it is not a scribe's
        action): in every live proposal ``old``'s endorsement becomes ``new``'s (kept once,
        in ``old``'s place when ``new`` did not endorse yet) or, on removal, disappears; a
        proposal left without endorsements is retired as a withdrawal would retire it.
        Versions keep naming ``old`` (history is append-only). Returns how many proposals
        changed.
        """
        _checked_group(old)
        if new is not None:
            _checked_group(new)
            if new == old:
                raise InvalidInput("a group cannot be merged into itself")
        changed = 0
        for proposal_id in self._live:
            proposal = self._proposals[proposal_id]
            if old not in proposal.endorsements:
                continue
            merged: list[str] = []
            for group in proposal.endorsements:
                group = new if group == old else group
                if group is not None and group not in merged:
                    merged.append(group)
            proposal.endorsements = tuple(merged)
            proposal.retired = not merged
            changed += 1
        if changed:
            retired = {pid for pid in self._live if self._proposals[pid].retired}
            if retired:
                self._live = tuple(pid for pid in self._live if pid not in retired)
            self._changed()
        return changed

    # Helpers

    def _changed(self) -> None:
        self._revision.change(1)

    def _require_open(self, now: datetime) -> None:
        phase, _ = self.phase_window(now)
        if phase != OPEN_PHASE:
            raise PhaseClosed(phase)

    def _live_proposal(self, proposal_id: str) -> Proposal:
        proposal = self.get(proposal_id)
        if proposal.retired:
            raise UnknownProposal(proposal_id)
        return proposal

    def _checked_text(self, text: str) -> str:
        if not isinstance(text, str):
            raise InvalidText("not_text", "the text must be a string")
        text = text.strip()
        if not text:
            raise InvalidText("empty", "the text is empty")
        if len(text) > self.max_length:
            raise InvalidText("too_long", f"the text is longer than {self.max_length} characters")
        return text


def _checked_group(group: str) -> str:
    if not isinstance(group, str) or not group.strip():
        raise InvalidInput(f"a group id must be a non-empty string, got {group!r}")
    return group


def _checked_phase(phase: str) -> str:
    if phase not in PHASES:
        raise InvalidInput(f"unknown phase {phase!r}; phases are {', '.join(PHASES)}")
    return phase

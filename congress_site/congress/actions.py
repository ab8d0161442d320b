"""Scribe actions on a session's proposals, committed in groups.

During a live session hundreds of scribes act on the same few objects: the board and the
leading proposals. One transaction per action would make them either conflict (and be
retried, again and again in a crowd) or wait in line for each other's commit and disk
sync. Instead the actions of one session are queued and applied *in order* by one thread
at a time, several to a transaction: a group commit, as databases do with their logs.

* The first request to find the session's queue idle leads: it takes everything queued,
  applies each action with the engine on a connection of its own, commits once, hands every
  waiting request its result, and passes the lead to the next request that queued meanwhile.
  No thread outside the leader touches the board, so actions never conflict with each other.
* The serial order is the queue's order, so the committed state is exactly that of a serial
  run of the accepted actions; the transaction's extended info (``congress``) lists them.
* A refusal of the rules (``EngineError``) is the result of that action alone: the engine
  changes nothing before it raises, so the others commit as usual.
* A conflict with another process (several waitress processes over ZEO or RelStorage)
  re-applies the whole group on fresh state; if conflicts persist, every request of the group
  raises the ``ConflictError``, which ``pyramid_retry`` retries like any other.
* An unexpected error in one action fails that request only; the group is re-applied
  without it.
* When the session is busy (the last group had more than one action), the leader first
  waits ``congress.commit_delay_ms`` (2 ms by default) for more actions to join: fewer,
  larger commits, and the threads parsing those requests get the GIL meanwhile.
* Every action carries its scribe's credentials, and the group it acts for is decided in
  the committing transaction by ``scribes.acting_group``, whichever way it came in (API,
  form, shortcut). The shortcut's actions carry a bearer token not looked up yet: one that
  does not act for this session is *deferred*, and the full application answers it.
* After each commit the observers (``fastpath.StatePublisher``) read the new state in a new
  transaction on the leader's connection: the displays' polls are answered from it.

Results are plain data (dicts), made inside the leader's transaction: the requests' own
transactions write nothing.
"""

from __future__ import annotations

import copy
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

import transaction
from pyramid.traversal import resource_path
from transaction.interfaces import NoTransaction, TransientError

from ..content.base import utcnow
from .engine import EngineError, Stale
from .paths import session_path
from .scribes import NotActing, Scribe, acting_group

log = logging.getLogger(__name__)
KINDS = ("add", "edit", "endorse", "withdraw")
ATTEMPTS = 5
# How long the leader of a busy session waits for more actions before committing a group:
# on 2 cores, 2-3 ms took the bench from about 400 to about 600 actions a second.
DEFAULT_DELAY = 0.002


@dataclass(frozen=True)
class Action:
    """One scribe action, with the credentials it came with (``scribes.Scribe``): the group
    it acts for is decided when it is applied, in the committing transaction, by
    ``scribes.acting_group`` (the group may have been removed or merged while the action
    waited). ``now`` is the time the action takes effect: by default when it is applied,
    so times follow the serial order.

    An action whose credentials are a bearer token not looked up yet (the shortcut in
    ``scribe_shortcut``) is deferred, not refused, when they do not act for this session:
    the full application then answers that request."""

    kind: str
    scribe: Scribe
    proposal: str | None = None
    text: object = None
    base_version: object = None
    now: datetime | None = None


@dataclass(frozen=True)
class Refusal:
    """An action the rules refused, detached from the transaction that refused it."""

    code: str
    message: str
    extra: dict = field(default_factory=dict)

    @classmethod
    def of(cls, error: EngineError) -> Refusal:
        extra = {}
        if isinstance(error, Stale):
            extra["current"] = error.current.to_dict()
        if getattr(error, "reason", None):
            extra["reason"] = error.reason
        return cls(error.code, str(error), extra)


@dataclass(frozen=True)
class Result:
    """The proposal after the action (``to_dict()`` plus ``retired``), or the refusal."""

    proposal: dict | None = None
    refusal: Refusal | None = None
    record: dict | None = None  # what the storage logs; None when nothing changed
    deferred: bool = False  # not applied: the full application must answer this request


DEFERRED = Result(deferred=True)


def apply(session, action: Action) -> Result:
    """Apply one action to ``session``'s board in the current transaction."""
    try:
        group = acting_group(session, action.scribe).id
    except NotActing as refused:
        if action.scribe.token is not None:
            return DEFERRED
        return Result(refusal=Refusal(refused.code, refused.message))
    now = action.now or utcnow()
    board = session.proposals
    before = board.revision
    try:
        if action.kind == "add":
            proposal = board.add(group, action.text, now)
        elif action.kind == "edit":
            proposal = board.edit(group, action.proposal, action.text, action.base_version, now)
        else:
            proposal = getattr(board, action.kind)(group, action.proposal, now)
    except EngineError as error:
        return Result(refusal=Refusal.of(error))
    body = proposal.to_dict()
    body["retired"] = proposal.retired
    record = None
    if board.revision != before:  # a repeated endorse or withdraw changes nothing
        record = {"kind": action.kind, "group": group, "now": now.isoformat()}
        if action.kind != "add":
            record["id"] = proposal.id
        if action.kind in ("add", "edit"):
            record["text"] = proposal.text
        if action.kind == "edit":
            record["base_version"] = proposal.version - 1
        record["session"] = resource_path(session)
    return Result(proposal=body, record=record)


class _Ticket:
    __slots__ = ("action", "result", "failure", "settled", "done")

    def __init__(self, action: Action):
        self.action = action
        self.result: Result | None = None
        self.failure: BaseException | None = None
        self.settled = False  # its result is final: committed, or changed nothing
        self.done = threading.Event()


class Counters:
    """What the group commits of one application did (for tests, logs and the bench)."""

    def __init__(self):
        self.commits = 0  # transactions committed
        self.actions = 0  # actions answered (accepted, refused or without effect)
        self.conflicts = 0  # groups applied again after a conflict with another process
        self._lock = threading.Lock()  # leaders of different sessions count at once

    def add(self, commits=0, actions=0, conflicts=0) -> None:
        with self._lock:
            self.commits += commits
            self.actions += actions
            self.conflicts += conflicts

    def as_dict(self) -> dict:
        return {"commits": self.commits, "actions": self.actions, "conflicts": self.conflicts}


class _SessionQueue:
    """The actions waiting for one session, and whether a leader is applying some."""

    def __init__(self, db, oid, counters: Counters, observers=(), delay: float = 0.0):
        self.db, self.oid, self.counters = db, oid, counters
        self.delay = delay  # seconds a leader waits before taking a group, when busy
        self.last_group = 0  # how many actions the last group had
        self.observers = observers  # told of each commit (see ``GroupCommits.observers``)
        # (URL path, resource path) where the application found the session: read unlocked
        # by leaders, so always replaced whole.
        self.paths: frozenset[tuple[str, str]] = frozenset()
        self.lock = threading.Lock()
        self.waiting: list[_Ticket] = []
        self.leading = False

    def submit(self, action: Action) -> Result:
        ticket = _Ticket(action)
        with self.lock:
            self.waiting.append(ticket)
            lead = not self.leading
            self.leading = True
        if not lead:
            ticket.done.wait()
            if ticket.result is None and ticket.failure is None:
                lead = True  # the previous leader passed the lead to this request
        if lead:
            self._lead()
        if ticket.failure is not None:
            raise _own_copy(ticket.failure) from ticket.failure
        return ticket.result

    def _lead(self) -> None:
        group: list[_Ticket] = []
        try:
            if self.delay and self.last_group > 1:
                # A busy session: wait a moment for the crowd's next actions to join this
                # group (PostgreSQL's commit_delay). It also lets the threads that parse
                # them have the GIL, instead of the leader holding it for a group of one.
                time.sleep(self.delay)
            with self.lock:
                group, self.waiting = self.waiting, []
            self.last_group = len(group)
            self._commit(group)
        except BaseException as error:  # noqa: BLE001 - handed to every waiting request
            for ticket in group:
                # A settled action keeps its result whatever fails afterwards: answering it
                # with an error would have the client (or the shortcut) send it again.
                if not ticket.settled and ticket.failure is None:
                    ticket.result, ticket.failure = None, error
        finally:
            # Whatever happened, answer the group and pass the lead on: a session whose
            # lead is lost would make every later action wait forever.
            for ticket in group:
                ticket.done.set()
            with self.lock:
                if self.waiting:
                    self.waiting[0].done.set()  # its result is None: it leads next
                else:
                    self.leading = False

    def _commit(self, group: list[_Ticket]) -> None:
        manager = transaction.TransactionManager(explicit=True)
        connection = self.db.open(transaction_manager=manager)
        try:
            pending, attempt = list(group), 0
            while pending:
                txn = manager.begin()
                try:
                    session = connection.get(self.oid)
                    records = []
                    for ticket in pending:
                        try:
                            ticket.result = apply(session, ticket.action)
                        except TransientError:
                            raise
                        except BaseException as error:  # noqa: BLE001 - this request's 500
                            ticket.failure = error
                            break
                        if ticket.result.record is not None:
                            records.append(ticket.result.record)
                    else:
                        if records:
                            txn.setExtendedInfo("congress", records)
                            manager.commit()
                        else:
                            manager.abort()
                        for ticket in pending:
                            ticket.settled = True
                        answered = sum(1 for t in pending if not t.result.deferred)
                        self.counters.add(commits=1 if records else 0, actions=answered)
                        for ticket in group:  # answered: the publishing below is no one's wait
                            ticket.done.set()
                        if records:
                            self._publish(connection, manager)
                        return
                    # One action failed: the others are applied again without it.
                    manager.abort()
                    pending = [t for t in pending if t.failure is None]
                    for ticket in pending:
                        ticket.result = None
                except TransientError:
                    manager.abort()
                    for ticket in pending:
                        ticket.result = None
                    attempt += 1
                    self.counters.add(conflicts=1)
                    if attempt >= ATTEMPTS:
                        raise
                    time.sleep(random.uniform(0, 0.005 * 2**attempt))
        except BaseException:
            _abort_if_open(manager)
            raise
        finally:
            connection.close()

    def _publish(self, connection, manager) -> None:
        """Let the observers (the poll cache) see the state just committed, read in a new
        transaction as any request would. Never raises: the group's actions are committed,
        and a failure here must not make them look failed."""
        try:
            paths = self.paths
            wanted = [(o, keys) for o in self.observers if (keys := o.watching(paths))]
            if not wanted:
                return
            # Read before the new transaction begins: its snapshot is at least this recent,
            # so it is exactly this state for as long as nothing newer is committed.
            tid = self.db.lastTransaction()
            manager.begin()
            session = connection.get(self.oid)
            for observer, keys in wanted:
                observer.publish(session, tid, keys)
        except Exception:  # noqa: BLE001 - see above
            log.exception("publishing the state of session %r failed", self.oid)
        finally:
            try:
                _abort_if_open(manager)
            except Exception:  # noqa: BLE001 - see above
                log.exception("ending the publishing transaction failed")


def _own_copy(error: BaseException) -> BaseException:
    """A copy of a failure shared by a group, so that each request raises (and logs, and
    keeps alive with its traceback) its own exception object."""
    try:
        return copy.copy(error)
    except Exception:  # noqa: BLE001 - an exception type that cannot be copied
        return error


def _abort_if_open(manager) -> None:
    try:
        manager.get()
    except NoTransaction:
        return
    manager.abort()


class GroupCommits:
    """The per-session queues of one application (kept on its registry), and the URL paths
    the full application has seen them at (for the shortcut in ``scribe_shortcut``)."""

    MAX_PATHS = 2000

    def __init__(self, delay: float = DEFAULT_DELAY):
        self.delay = delay
        self._queues: dict[tuple, _SessionQueue] = {}
        self._paths: dict[str, _SessionQueue] = {}
        self._guard = threading.Lock()
        self.counters = Counters()
        # Told after each group commit, in a new read transaction on the leader's connection:
        # ``watching(paths)`` names what it keeps for the session's (URL path, resource path)
        # pairs (nothing: no read at all), ``publish(session, tid, keys)`` refreshes it.
        self.observers: list = []

    def queue(self, session) -> _SessionQueue:
        db = session._p_jar.db()
        key = (id(db), session._p_oid)
        queue = self._queues.get(key)
        if queue is None or queue.db is not db:
            with self._guard:
                queue = self._queues.get(key)
                if queue is None or queue.db is not db:
                    queue = _SessionQueue(
                        db, session._p_oid, self.counters, self.observers, self.delay
                    )
                    self._queues[key] = queue
        return queue

    def perform(self, session, action: Action, path: str | None = None) -> Result:
        """Apply ``action``; ``path``, when given, is the canonical URL path the application
        found ``session`` at (the shortcut sends that path's actions to its queue)."""
        if action.kind not in KINDS:
            raise ValueError(f"unknown action {action.kind!r}")
        queue = self.queue(session)
        if path is not None and self._paths.get(path) is not queue:
            with self._guard:
                if len(self._paths) >= self.MAX_PATHS:
                    self._paths.clear()
                previous = self._paths.get(path)
                if previous is not None:
                    previous.paths = frozenset(p for p in previous.paths if p[0] != path)
                self._paths[path] = queue
                queue.paths = queue.paths | {(path, resource_path(session))}
        return queue.submit(action)

    def queue_at(self, path: str) -> _SessionQueue | None:
        """The queue of the session last found at URL path ``path``. It may have been moved
        or deleted since: ``apply`` checks that the path still leads to it."""
        return self._paths.get(path)


def perform(request, session, action: Action) -> Result:
    """Apply ``action`` to ``session`` with the scribe actions running at the same time."""
    path = session_path(request.environ)
    canonical = request.environ.get("SCRIPT_NAME", "") + resource_path(session)
    return request.registry.congress_commits.perform(
        session, action, path=path if path == canonical else None
    )


def includeme(config):
    settings = config.registry.settings
    delay_ms = settings.get("congress.commit_delay_ms", DEFAULT_DELAY * 1000)
    try:
        delay = float(delay_ms) / 1000
    except ValueError:
        delay = -1
    if not 0 <= delay <= 0.1:
        raise ValueError(
            f"congress.commit_delay_ms must be a number of milliseconds from 0 to 100, "
            f"not {delay_ms!r}"
        )
    config.registry.congress_commits = GroupCommits(delay)

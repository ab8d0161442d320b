"""The principles document of a congress: the results of several sessions merged into one
list of principles, proposed for ratification and then ratified by an assembly.

Coordinators merge by hand, because only people can tell that Paris's "Share one server"
and Mexico City's "Un servidor para todos" are one idea:

* a **principle** groups one or more proposals (its *sources*) from the congress's closed
  sessions; its text is one of theirs or a rewording; principles are kept in the order the
  coordinators give them;
* each source keeps its **provenance** as it was when it was merged: the session, the
  proposal, its version and text, and how many of the session's groups endorsed it (a
  closed session's results no longer change, and a ratified document must not either);
* a proposal is the source of one principle at most, so no endorsement counts twice;
* the document's **status** is ``draft`` (the only one in which it changes),
  ``proposed`` (for ratification; back to draft if it needs more work) or ``ratified``
  (with the date and the assembly; final);
* every change is written to its **history**.

Pure domain (persistent objects, no web framework): every refused change raises a
``PrinciplesError`` and changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from persistent import Persistent
from persistent.list import PersistentList

STATUSES = ("draft", "proposed", "ratified")
MAX_TEXT = 2000
MAX_ASSEMBLY = 300


class PrinciplesError(Exception):
    """A refused change; ``code`` names it (``status``, ``invalid``, ``not_found``,
    ``used``)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Source:
    """A session's proposal merged into a principle, as it was when merged."""

    session_id: str
    session_title: str
    proposal_id: str
    version: int
    text: str
    endorsements: int
    groups: int

    @property
    def key(self) -> str:
        return f"{self.session_id}/{self.proposal_id}"

    @property
    def share(self) -> float:
        """The share of the session's groups that endorsed it."""
        return self.endorsements / self.groups if self.groups else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "key": self.key, "share": self.share}


class Principle(Persistent):
    def __init__(self, principle_id: str, text: str, sources: tuple[Source, ...]):
        self.id = principle_id
        self.text = text
        self.sources = sources

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "sources": [s.to_dict() for s in self.sources],
            "sessions": len({s.session_id for s in self.sources}),
        }


def checked_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise PrinciplesError("invalid", "a principle needs a text")
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise PrinciplesError("invalid", f"a principle has at most {MAX_TEXT} characters")
    return text


class PrinciplesDocument(Persistent):
    """The merged principles of one congress, their order, status and history."""

    def __init__(self):
        self.status = "draft"
        self.ratified_on: date | None = None
        self.assembly = ""
        self._principles = PersistentList()
        self._next = 1
        self.history = PersistentList()

    # Reading.

    def principles(self) -> list[Principle]:
        return list(self._principles)

    def principle(self, principle_id) -> Principle:
        for principle in self._principles:
            if principle.id == principle_id:
                return principle
        raise PrinciplesError("not_found", f"no principle {principle_id!r}")

    def used(self) -> set[str]:
        """The keys of the proposals already merged into a principle."""
        return {s.key for p in self._principles for s in p.sources}

    # Changes (draft only).

    def group(self, sources, text, actor, now: datetime) -> Principle:
        """A new principle, last in the order, from ``sources`` (one at least); its text is
        ``text`` or, when none is given, that of its most endorsed source."""
        self._require("draft")
        sources = self._unused(sources)
        if not sources:
            raise PrinciplesError("invalid", "choose at least one proposal to merge")
        if text is None or (isinstance(text, str) and not text.strip()):
            text = max(sources, key=lambda s: (s.share, s.endorsements)).text
        principle = Principle(f"n{self._next}", checked_text(text), tuple(sources))
        self._next += 1
        self._principles.append(principle)
        self._record(actor, now, "group", principle=principle.id, sources=_keys(sources))
        return principle

    def add_sources(self, principle_id, sources, actor, now: datetime) -> Principle:
        self._require("draft")
        principle = self.principle(principle_id)
        sources = self._unused(sources)
        if not sources:
            raise PrinciplesError("invalid", "choose at least one proposal to add")
        principle.sources = principle.sources + tuple(sources)
        self._record(actor, now, "add", principle=principle.id, sources=_keys(sources))
        return principle

    def remove_source(self, principle_id, key, actor, now: datetime) -> Principle:
        """Take a proposal out of a principle; it can be merged elsewhere again. The last
        source cannot go: a principle without provenance is removed as a whole instead."""
        self._require("draft")
        principle = self.principle(principle_id)
        kept = tuple(s for s in principle.sources if s.key != key)
        if len(kept) == len(principle.sources):
            raise PrinciplesError("not_found", f"{key!r} is not a source of {principle_id!r}")
        if not kept:
            raise PrinciplesError("invalid", "a principle keeps one source at least")
        principle.sources = kept
        self._record(actor, now, "take_out", principle=principle.id, sources=[key])
        return principle

    def set_text(self, principle_id, text, actor, now: datetime) -> Principle:
        self._require("draft")
        principle = self.principle(principle_id)
        text = checked_text(text)
        if text != principle.text:
            previous, principle.text = principle.text, text
            self._record(actor, now, "text", principle=principle.id, previous=previous)
        return principle

    def move(self, principle_id, offset: int, actor, now: datetime) -> None:
        """Move a principle ``offset`` places (negative: earlier), within the list."""
        self._require("draft")
        principle = self.principle(principle_id)
        old = self._principles.index(principle)
        new = max(0, min(len(self._principles) - 1, old + int(offset)))
        if new != old:
            del self._principles[old]
            self._principles.insert(new, principle)
            self._record(actor, now, "move", principle=principle.id, position=new + 1)

    def remove(self, principle_id, actor, now: datetime) -> None:
        self._require("draft")
        principle = self.principle(principle_id)
        self._principles.remove(principle)
        self._record(actor, now, "remove", principle=principle.id, text=principle.text)

    # Status.

    def propose(self, actor, now: datetime) -> None:
        self._require("draft")
        if not self._principles:
            raise PrinciplesError("invalid", "a document without principles cannot be proposed")
        self.status = "proposed"
        self._record(actor, now, "propose")

    def reopen(self, actor, now: datetime) -> None:
        self._require("proposed")
        self.status = "draft"
        self._record(actor, now, "reopen")

    def ratify(self, on, assembly, actor, now: datetime) -> None:
        """Final: the document as proposed is ratified by ``assembly`` on ``on``."""
        self._require("proposed")
        if not isinstance(on, date) or isinstance(on, datetime):
            raise PrinciplesError("invalid", "give the date of the ratification")
        if not isinstance(assembly, str) or not assembly.strip():
            raise PrinciplesError("invalid", "name the assembly that ratified it")
        assembly = " ".join(assembly.split())
        if len(assembly) > MAX_ASSEMBLY:
            raise PrinciplesError("invalid", f"at most {MAX_ASSEMBLY} characters for the assembly")
        self.status, self.ratified_on, self.assembly = "ratified", on, assembly
        self._record(actor, now, "ratify", on=on.isoformat(), assembly=assembly)

    # Inner workings.

    def _require(self, status: str) -> None:
        if self.status != status:
            raise PrinciplesError(
                "status", f"the document is {self.status}; this needs it to be {status}"
            )

    def _unused(self, sources) -> list[Source]:
        used, seen, found = self.used(), set(), []
        for source in sources:
            if source.key in used:
                raise PrinciplesError("used", f"{source.key} is already in a principle")
            if source.key not in seen:
                seen.add(source.key)
                found.append(source)
        return found

    def _record(self, actor, now: datetime, action: str, **details) -> None:
        self.history.append({"time": now, "actor": actor, "action": action, **details})


def _keys(sources) -> list[str]:
    return [s.key for s in sources]

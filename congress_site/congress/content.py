"""Congress content types: Congress, Session, Venue, and the groups that join a venue.

Declared through the site's type registry, so the generic add/edit/view/delete pages and
the JSON content API work from these declarations. The proposal rules live in ``engine``;
a ``Session`` holds one ``ProposalBoard`` and the groups that act on it.

A session's ``phase`` and ``scheduled`` fields are properties backed by the board, so
``PATCH <session> {"phase": "collaboration"}`` through the content API sets the phase (and
stops following the schedule) and ``{"scheduled": true}`` lets the clock drive it again.
They are left out of the HTML edit form: the session page has buttons for them.

Groups live in two BTrees on the session: ``groups`` (id -> Group) and ``group_names``
((venue id, folded name) -> group id). Two groups joining with the same name in the same
venue insert the same key, which ZODB refuses to merge: the retry sees the first and
answers 409. Group ids are random, so there is no shared counter to conflict on.
"""

from __future__ import annotations

import html
import re
import secrets
from datetime import UTC, datetime, timedelta

import colander
import deform
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from ..content.base import Container, Item, utcnow
from ..content.registry import content_type
from ..content.types import TIMEZONES, base_schema, timezone_node
from .engine import ProposalBoard
from .i18n import LANGUAGE_NAMES, LANGUAGES, _
from .phases import DEFAULT_DURATIONS, PHASES, TIMED_PHASES

PHASE_TITLES = {
    "preparation": _("Preparation"),
    "introduction": _("Introduction"),
    "collaboration": _("Collaboration"),
    "review": _("Review and global discussion"),
    "local": _("Local discussion"),
    "closed": _("Closed"),
}
MAX_GROUP_NAME = 80
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
JOIN_CODE_LENGTH = 6


class CongressError(Exception):
    """A refused congress action: ``status`` and ``code`` for the JSON answer."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_code(code) -> str:
    return "".join(str(code).split()).upper() if isinstance(code, str) else ""


def codes_match(given, expected: str) -> bool:
    """Constant-time comparison of a join code as typed with the venue's (bytes: any text
    may be typed, and ``compare_digest`` takes only ASCII ``str``)."""
    return secrets.compare_digest(normalize_code(given).encode(), expected.encode())


class HiddenFromForms(deform.widget.Widget):
    """Leaves a field out of the HTML forms (it has its own buttons); the API sets it.
    ``hidden`` keeps deform from rendering a label without a control."""

    hidden = True

    def serialize(self, field, cstruct, **kw):
        return ""

    def deserialize(self, field, pstruct):
        return colander.null


class ChoicesFieldset(deform.widget.CheckboxChoiceWidget):
    """Checkboxes in a fieldset whose legend is the field's title: each box has its own
    label beside it, and the group is named for assistive technology (deform's own label
    would point at no control)."""

    category = "structural"  # deform then renders no label of its own

    def serialize(self, field, cstruct, **kw):
        inner = super().serialize(field, cstruct, **kw)
        legend = html.escape(field.translate(field.title))
        error = ""
        if field.error is not None:
            error = f'<p class="error">{html.escape(field.translate(field.errormsg))}</p>'
        # deform's mapping item template inserts it as markup (``structure``).
        return (
            f'<fieldset class="choices" id="item-{field.oid}"><legend>{legend}</legend>'
            f"{inner}{error}</fieldset>"
        )


class DateTimeFieldset(deform.widget.DateTimeInputWidget):
    """deform's date and time inputs in a fieldset whose legend is the field's title, each
    input with a label of its own (deform's own label points at no control; deform still
    shows the description below)."""

    category = "structural"

    def serialize(self, field, cstruct, **kw):
        inner = super().serialize(field, cstruct, **kw)
        for part in ("date", "time"):
            # deform names each input with a span beside it: make that span its label.
            inner = re.sub(
                rf'<span class="input-group-text">([^<]*)</span>(\s*<input type="{part}")',
                rf'<label class="input-group-text" for="{field.oid}-{part}">\1</label>\2',
                inner,
                count=1,
            )
        legend = html.escape(field.translate(field.title))
        error = ""
        if field.error is not None:
            error = f'<p class="error">{html.escape(field.translate(field.errormsg))}</p>'
        return (
            f'<fieldset class="datetime" id="item-{field.oid}"><legend>{legend}</legend>'
            f"{inner}{error}</fieldset>"
        )


# Congress -----------------------------------------------------------------------------------


def congress_schema():
    return base_schema()


@content_type(
    name="Congress",
    title=_("Congress"),
    schema=congress_schema,
    addable_to=("Site", "Folder"),
    view_template="congress_site:templates/congress/congress.pt",
)
class Congress(Container):
    """A series of sessions (e.g. "Techie Congress 2010") whose results merge into one
    principles document (``principles.PrinciplesDocument``, made on its first change)."""

    principles_doc = None

    def sessions(self) -> list[Session]:
        found = [c for c in self.values() if isinstance(c, Session)]
        return sorted(found, key=lambda s: (s.start or s.created, s.created))


# Session ------------------------------------------------------------------------------------


def _languages_validator(node, value):
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        raise colander.Invalid(node, f"unknown language(s): {', '.join(sorted(unknown))}")


def session_schema():
    schema = base_schema()
    schema.add(
        colander.SchemaNode(
            colander.String(),
            name="question",
            title=_("The question"),
            description=_("What the groups answer; the projectors show it before they start."),
            missing="",
            validator=colander.Length(max=1000),
            widget=deform.widget.TextAreaWidget(rows=2),
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.DateTime(default_tzinfo=UTC),
            name="start",
            title=_("Start of the schedule"),
            description=_("When the introduction begins; the phases then follow the clock."),
            missing=None,
            widget=DateTimeFieldset(),
        )
    )
    schema.add(timezone_node())
    schema.add(
        colander.SchemaNode(
            colander.Set(),
            name="languages",
            title=_("Languages"),
            missing=("en",),
            validator=_languages_validator,
            widget=ChoicesFieldset(values=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]),
        )
    )
    for phase in TIMED_PHASES:
        schema.add(
            colander.SchemaNode(
                colander.Integer(),
                name=f"{phase}_minutes",
                title=_("${phase} (minutes)", mapping={"phase": PHASE_TITLES[phase]}),
                missing=int(DEFAULT_DURATIONS[phase].total_seconds() // 60),
                validator=colander.Range(0, 24 * 60),
            )
        )
    schema.add(
        colander.SchemaNode(
            colander.Boolean(),
            name="scheduled",
            title=_("Follow the schedule"),
            missing=colander.drop,
            widget=HiddenFromForms(),
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.String(allow_empty=True),  # "" is no phase: refused, not ignored
            name="phase",
            title=_("Phase"),
            missing=colander.drop,
            validator=colander.OneOf(PHASES),
            widget=HiddenFromForms(),
        )
    )
    return schema


class _ScheduleField:
    """A field whose change re-applies the schedule when the board follows it."""

    def __init__(self, name: str, default=None):
        self.name = name
        self.attr = f"_{name}"
        self.default = default

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj, self.attr, self.default)

    def __set__(self, obj, value):
        setattr(obj, self.attr, value)
        obj._resync_schedule()


class Group(Persistent):
    """A group of 4 or 5 people acting through one scribe device."""

    def __init__(self, group_id: str, name: str, venue: str, now: datetime):
        self.id = group_id
        self.name = name
        self.venue = venue
        self.joined = now
        self.removed = False
        self.merged_into: str | None = None

    @property
    def active(self) -> bool:
        return not self.removed and self.merged_into is None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "venue": self.venue,
            "joined": self.joined.isoformat(),
            "active": self.active,
            "merged_into": self.merged_into,
        }


@content_type(
    name="Session",
    title=_("Congress session"),
    schema=session_schema,
    addable_to=("Congress",),
    workflow="one_state_public",
    view_template="congress_site:templates/congress/session.pt",
)
class Session(Container):
    """One live session: its venues (children), groups, and proposal board."""

    start = _ScheduleField("start")
    introduction_minutes = _ScheduleField("introduction_minutes", 15)
    collaboration_minutes = _ScheduleField("collaboration_minutes", 45)
    review_minutes = _ScheduleField("review_minutes", 30)
    local_minutes = _ScheduleField("local_minutes", 30)
    timezone = "UTC"
    languages = ("en",)
    question = ""

    def __init__(self, title: str = "", description: str = "", **fields):
        self.proposals = ProposalBoard()
        self.groups = OOBTree()
        self.group_names = OOBTree()
        # Part of every ETag: a recreated session at the same address never matches old ones.
        self.etag_salt = secrets.token_hex(4)
        super().__init__(title, description, **fields)

    # The phase, backed by the board.

    def durations(self) -> dict[str, timedelta]:
        return {p: timedelta(minutes=getattr(self, f"{p}_minutes") or 0) for p in TIMED_PHASES}

    @property
    def phase(self) -> str:
        return self.proposals.phase_window(utcnow())[0]

    @phase.setter
    def phase(self, value):
        if value is colander.drop or value is None:
            return
        self.proposals.set_phase(value)

    @property
    def scheduled(self) -> bool:
        return self.proposals.schedule is not None

    @scheduled.setter
    def scheduled(self, value):
        if value is colander.drop or value is None:
            return
        if value:
            if self.start is None:
                raise ValueError("set a start time before following the schedule")
            self.proposals.follow_schedule(self.start, self.durations())
        elif self.scheduled:
            self.proposals.set_phase(self.phase)  # freeze where the clock is now

    def _resync_schedule(self) -> None:
        board = self.__dict__.get("proposals")
        if board is not None and board.schedule is not None and self.start is not None:
            board.follow_schedule(self.start, self.durations())

    def phase_window(self, now: datetime | None = None):
        return self.proposals.phase_window(now or utcnow())

    # Venues and groups.

    def venues(self) -> list[Venue]:
        found = [c for c in self.values() if isinstance(c, Venue)]
        return sorted(found, key=lambda v: (v.online, v.created))

    def venue(self, venue_id) -> Venue | None:
        found = self.get(venue_id) if isinstance(venue_id, str) else None
        return found if isinstance(found, Venue) else None

    def join(self, venue_id, code, name, now: datetime) -> Group:
        """A group joins a venue with its name; raises ``CongressError``."""
        venue = self.venue(venue_id)
        if venue is None:
            raise CongressError(404, "not_found", f"no venue {venue_id!r} in this session")
        if self.phase == "closed":
            raise CongressError(409, "phase", "the session is closed")
        expected = venue.join_code
        if not expected or not codes_match(code, expected):
            raise CongressError(403, "code", "wrong join code for this venue")
        name = self._checked_name(name)
        key = (venue.__name__, name.casefold())
        if key in self.group_names:
            raise CongressError(409, "duplicate", f"a group named {name!r} already joined here")
        group_id = "g" + secrets.token_hex(4)
        while group_id in self.groups:
            group_id = "g" + secrets.token_hex(4)
        group = Group(group_id, name, venue.__name__, now)
        self.groups[group_id] = group
        self.group_names[key] = group_id
        return group

    @staticmethod
    def _checked_name(name) -> str:
        if not isinstance(name, str) or not name.strip():
            raise CongressError(422, "invalid", "the group needs a name")
        name = " ".join(name.split())
        if len(name) > MAX_GROUP_NAME:
            raise CongressError(422, "invalid", f"a group name has at most {MAX_GROUP_NAME} chars")
        return name

    def resolve_group(self, group_id) -> Group | None:
        """The active group acting for ``group_id`` (following merges), or ``None``."""
        group = self.groups.get(group_id) if isinstance(group_id, str) else None
        for _hop in range(20):
            if group is None or group.removed:
                return None
            if group.merged_into is None:
                return group
            group = self.groups.get(group.merged_into)
        return None

    def active_groups(self, venue_id: str | None = None) -> list[Group]:
        found = [g for g in self.groups.values() if g.active]
        if venue_id is not None:
            found = [g for g in found if g.venue == venue_id]
        return sorted(found, key=lambda g: g.joined)

    def group_name(self, group_id: str) -> str:
        group = self.groups.get(group_id)
        return group.name if group is not None else group_id

    def item_group_names(self, items) -> dict[str, str]:
        """The names of the groups that created or last edited the snapshot's ``items``."""
        return {
            gid: self.group_name(gid)
            for item in items
            for gid in (item["created_by"], item["edited_by"])
        }

    # What displays and scribe screens poll.

    def proposals_etag(self, now: datetime) -> tuple[str, datetime | None]:
        """``(etag, phase_ends)`` of the proposals' state: the revision and the phase (which
        the schedule moves with the clock alone, without any write)."""
        board = self.proposals
        phase, ends = board.phase_window(now)
        return f'"{self.etag_salt}.{board.revision}.{phase}"', ends

    def proposals_state(self, now: datetime) -> dict:
        """The body of ``GET @proposals``: the ranked board, the number of active groups and
        the names of the groups its items name."""
        body = self.proposals.snapshot(now)
        body["groups"] = sum(1 for group in self.groups.values() if group.active)
        body["names"] = self.item_group_names(body["items"])
        return body

    def _group(self, group_id) -> Group:
        group = self.groups.get(group_id) if isinstance(group_id, str) else None
        if group is None or not group.active:
            raise CongressError(404, "not_found", f"no active group {group_id!r}")
        return group

    def rename_group(self, group_id, name) -> Group:
        group = self._group(group_id)
        name = self._checked_name(name)
        old_key = (group.venue, group.name.casefold())
        new_key = (group.venue, name.casefold())
        if new_key != old_key:
            if new_key in self.group_names:
                raise CongressError(409, "duplicate", f"a group named {name!r} already joined")
            del self.group_names[old_key]
            self.group_names[new_key] = group.id
        group.name = name
        return group

    def merge_group(self, group_id, into) -> Group:
        """``group_id`` joins ``into``: its endorsements and its scribe now count as ``into``."""
        group, target = self._group(group_id), self._group(into)
        if group.id == target.id:
            raise CongressError(422, "invalid", "a group cannot be merged into itself")
        self.proposals.replace_group(group.id, target.id)
        group.merged_into = target.id
        self.group_names.pop((group.venue, group.name.casefold()), None)
        return target

    def remove_group(self, group_id) -> Group:
        """The group can no longer act; its endorsements are withdrawn."""
        group = self._group(group_id)
        self.proposals.replace_group(group.id, None)
        group.removed = True
        self.group_names.pop((group.venue, group.name.casefold()), None)
        return group

    def searchable_text(self) -> str:
        return " ".join(v.city for v in self.venues() if v.city)


# Venue --------------------------------------------------------------------------------------


def venue_schema():
    schema = base_schema()
    schema.add(
        colander.SchemaNode(
            colander.String(),
            name="city",
            title=_("City"),
            missing="",
            validator=colander.Length(max=200),
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.String(),
            name="language",
            title=_("Language of the projector"),
            missing="en",
            validator=colander.OneOf(LANGUAGES),
            widget=deform.widget.SelectWidget(
                values=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
            ),
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.String(),
            name="timezone",
            title=_("Time zone"),
            description=_("Where the venue is; empty: the session's time zone."),
            missing="",
            validator=colander.OneOf([""] + TIMEZONES),
            widget=deform.widget.SelectWidget(values=[("", "—")] + [(z, z) for z in TIMEZONES]),
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.Boolean(),
            name="online",
            title=_("Online venue (remote participants)"),
            missing=False,
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.String(),
            name="join_code",
            title=_("Join code"),
            description=_("Leave empty to generate one."),
            missing="",
            validator=colander.Length(max=40),
        )
    )
    return schema


@content_type(
    name="Venue",
    title=_("Venue"),
    schema=venue_schema,
    addable_to=("Session",),
    workflow="one_state_public",
    view_template="congress_site:templates/congress/venue.pt",
)
class Venue(Item):
    """A room in a city, or the online venue; groups join it with its code."""

    city = ""
    language = "en"
    timezone = ""
    online = False
    _join_code = ""

    def __init__(self, title: str = "", description: str = "", **fields):
        fields.setdefault("join_code", "")  # none given: generate one
        super().__init__(title, description, **fields)

    @property
    def join_code(self) -> str:
        return self._join_code

    @join_code.setter
    def join_code(self, value) -> None:
        self._join_code = normalize_code(value) or new_join_code()

    def reset_join_code(self) -> str:
        self.join_code = ""
        return self.join_code

    @property
    def session(self) -> Session:
        return self.__parent__

    @property
    def zone(self) -> str:
        """The venue's time zone: its own, else its session's."""
        return self.timezone or self.__parent__.timezone or "UTC"

    @property
    def short_code(self) -> str | None:
        """The code of the venue's short join address (``/j/<code>``): its object id in the
        join codes' alphabet, stable for the venue's life (``None`` until it is stored)."""
        return short_code(self._p_oid) if self._p_oid is not None else None

    def json_extra(self, request) -> dict:
        from ..security.roles import EDIT

        # Anyone may watch a venue's display; only coordinators see its join code.
        visible = bool(request.has_permission(EDIT, self))
        return {
            "join_code": self.join_code if visible else None,
            "display": request.resource_url(
                self.__parent__, "@@display", query={"venue": self.__name__}
            ),
            "groups": len(self.__parent__.active_groups(self.__name__)),
        }


def short_code(oid: bytes) -> str:
    number = int.from_bytes(oid, "big")
    digits = []
    while True:
        number, digit = divmod(number, len(JOIN_CODE_ALPHABET))
        digits.append(JOIN_CODE_ALPHABET[digit])
        if not number:
            return "".join(reversed(digits))


def oid_of_short_code(code: str) -> bytes | None:
    """The object id a short code names, or ``None`` for a code that is no such code."""
    code = normalize_code(code)
    if not code or len(code) > 13 or any(c not in JOIN_CODE_ALPHABET for c in code):
        return None
    number = 0
    for char in code:
        number = number * len(JOIN_CODE_ALPHABET) + JOIN_CODE_ALPHABET.index(char)
    return number.to_bytes(8, "big") if number < 2**64 else None

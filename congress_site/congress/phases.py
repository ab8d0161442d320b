"""The phases of a congress session and the clock that drives them.

Pure functions: no persistence, no web framework. A session either follows its schedule
(``phase_at``) or a coordinator sets the phase by hand; the proposal board
(``congress_site.congress.engine``) stores which of the two applies.

All times are timezone-aware ``datetime`` objects: venues sit in several cities, so a naive
time would silently mean a different instant in each of them.
"""

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from types import MappingProxyType

PHASES = ("preparation", "introduction", "collaboration", "review", "local", "closed")

#: The only phase in which proposals may change.
OPEN_PHASE = "collaboration"

#: The phases that have a duration, in the order the schedule runs them. ``preparation``
#: lasts until the schedule starts; ``closed`` lasts forever.
TIMED_PHASES = ("introduction", "collaboration", "review", "local")

DEFAULT_DURATIONS: Mapping[str, timedelta] = MappingProxyType(
    {
        "introduction": timedelta(minutes=15),
        "collaboration": timedelta(minutes=45),
        "review": timedelta(minutes=30),
        "local": timedelta(minutes=30),
    }
)


def require_aware(when: datetime, name: str = "now") -> datetime:
    """Return ``when`` unchanged, or raise ``ValueError`` if it is not an aware datetime."""
    if not isinstance(when, datetime) or when.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {when!r}")
    return when


def complete_durations(durations: Mapping[str, timedelta] | None = None) -> dict[str, timedelta]:
    """Return durations for every timed phase: the given ones over the defaults.

    Raises ``ValueError`` for an unknown phase name or a negative duration. A zero duration
    is allowed and skips that phase.
    """
    given = dict(durations or {})
    unknown = set(given) - set(TIMED_PHASES)
    if unknown:
        raise ValueError(f"no duration can be set for {sorted(unknown)}")
    merged = {**DEFAULT_DURATIONS, **given}
    for phase, length in merged.items():
        if not isinstance(length, timedelta) or length < timedelta(0):
            raise ValueError(f"duration of {phase} must be a timedelta >= 0, got {length!r}")
    return merged


def phase_window(
    schedule_start: datetime,
    now: datetime,
    durations: Mapping[str, timedelta] | None = None,
) -> tuple[str, datetime | None]:
    """Return ``(phase, ends_at)`` of a schedule-driven session at ``now``.

    Each phase is half-open, ``[start, end)``: at the exact end of ``introduction`` the session
    is in ``collaboration``. ``ends_at`` is ``None`` once ``closed``.
    """
    require_aware(schedule_start, "schedule_start")
    require_aware(now)
    boundary = schedule_start
    if now < boundary:
        return "preparation", boundary
    lengths = complete_durations(durations)
    for phase in TIMED_PHASES:
        boundary += lengths[phase]
        if now < boundary:
            return phase, boundary
    return "closed", None


def phase_at(
    schedule_start: datetime,
    now: datetime,
    durations: Mapping[str, timedelta] | None = None,
) -> tuple[str, int | None]:
    """Return ``(phase, seconds_left)`` of a schedule-driven session at ``now``.

    ``seconds_left`` is rounded up, so a running phase never shows 0 seconds left; it is
    ``None`` once ``closed``. Before ``schedule_start`` the phase is ``preparation`` and
    ``seconds_left`` counts down to the start.
    """
    phase, ends_at = phase_window(schedule_start, now, durations)
    return phase, seconds_until(ends_at, now)


def seconds_until(ends_at: datetime | None, now: datetime) -> int | None:
    """Whole seconds from ``now`` to ``ends_at``, rounded up; ``None`` for no end."""
    if ends_at is None:
        return None
    return max(0, math.ceil((ends_at - now).total_seconds()))


def schedule(
    schedule_start: datetime, durations: Mapping[str, timedelta] | None = None
) -> list[tuple[str, datetime, datetime]]:
    """``(phase, start, end)`` of each timed phase of a schedule, in order; a phase of zero
    length is left out. ``closed`` begins at the last end."""
    require_aware(schedule_start, "schedule_start")
    rows, boundary = [], schedule_start
    for phase, length in complete_durations(durations).items():
        if length:
            rows.append((phase, boundary, boundary + length))
        boundary += length
    return rows


def disruption(current: str, target: str) -> str | None:
    """What a change from phase ``current`` to ``target`` would disrupt, for a coordinator to
    confirm first: ``"close"`` ends a session, ``"back"`` sends it back to an earlier phase
    (reopening a closed one included); ``None`` for no change or the usual move forward."""
    if target == current:
        return None
    if target == "closed":
        return "close"
    if PHASES.index(target) < PHASES.index(current):
        return "back"
    return None

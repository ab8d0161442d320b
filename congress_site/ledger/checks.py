"""Small shared field checks (internal)."""

from __future__ import annotations

import datetime

from .errors import InvalidEntry, InvalidMinutes


def require_text(value: object, field: str, *, allow_empty: bool = True) -> None:
    if not isinstance(value, str):
        raise InvalidEntry(field, f"must be text, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise InvalidEntry(field, "must not be empty", code="required")


def require_date(value: object, field: str = "date") -> None:
    # datetime is a date subclass; a timestamp where a day is meant is a bug upstream.
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise InvalidEntry(
            field, f"must be a date, got {type(value).__name__}", code="invalid_date"
        )


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def require_minutes(value: object, field: str, *, minimum: int = 0) -> None:
    if not is_int(value) or value < minimum:
        raise InvalidMinutes(field, f"{value!r} must be an integer >= {minimum}")

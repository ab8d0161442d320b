"""The site's one clock: every timestamp and every "today" comes from here.

Times are timezone-aware UTC; the date is the server's local date, which is what a
person logging time or recording a payment means by "today"."""

from __future__ import annotations

import datetime


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def today() -> datetime.date:
    return datetime.date.today()

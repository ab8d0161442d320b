"""The request paths the congress shortcuts share.

Three pieces look at a request before (or without) Pyramid's traversal: the poll shortcut
(``fastpath``), the scribe-action shortcut (``scribe_shortcut``) and the tween that runs a
session's joins one at a time; the group commits (``actions``) learn under which path each
session's queue is found, and the retry pause (``web``) spreads the retries of contended
writes. They all read the path here, the same way, as the WSGI server gave it.
"""

from __future__ import annotations

from ..cache import plain_traversal

SUFFIX = "/@proposals"
# Views whose writes touch a session's board or groups: the session path precedes them.
WRITE_MARKERS = ("/@join", "/@groups")
# Writes that contend on a session's few hot objects (their retries are spread out).
CONTENDED = (SUFFIX, "/@join")


def cache_key(environ) -> str | None:
    """The path as the WSGI server gave it: the same string for the shortcuts and the
    views. ``None`` (nothing cached, no shortcut) for a request with ``X-Vhm-Root``, which
    makes Pyramid's traversal start elsewhere: the same path may be another resource."""
    if not plain_traversal(environ):
        return None
    return environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")


def proposals_path(environ) -> tuple[str, list[str]] | None:
    """``(session path, segments after @proposals)`` of a ``<session>/@proposals...``
    request, by its ``cache_key``."""
    path = cache_key(environ)
    index = path.find(SUFFIX) if path is not None else -1
    if index <= 0:
        return None
    rest = path[index + len(SUFFIX) :]
    if rest and not rest.startswith("/"):
        return None
    return path[:index], rest.split("/")[1:] if rest else []


def session_path(environ) -> str | None:
    """The URL path of the session a ``.../@proposals...`` request addresses, if it does."""
    found = proposals_path(environ)
    return found[0] if found is not None else None


def write_lock_key(path: str) -> str | None:
    """The session path of a join or group change (run one at a time per session)."""
    for marker in WRITE_MARKERS:
        index = path.find(marker)
        if index > 0:
            return path[:index]
    return None


def scribe_action(environ) -> tuple[str, str, str | None] | None:
    """``(session path, action kind, proposal id)`` of a scribe action on proposals:
    ``POST <session>/@proposals``, ``PATCH <session>/@proposals/<id>``, ``POST`` or
    ``DELETE <session>/@proposals/<id>/@endorse``."""
    method = environ.get("REQUEST_METHOD")
    if method not in ("POST", "PATCH", "DELETE"):
        return None
    found = proposals_path(environ)
    if found is None:
        return None
    path, parts = found
    # Pyramid drops empty segments and resolves dot segments: left to its traversal.
    if not all(part and part not in (".", "..") and part.isascii() for part in parts):
        return None
    if method == "POST" and not parts:
        return path, "add", None
    if method == "PATCH" and len(parts) == 1 and not parts[0].startswith("@"):
        return path, "edit", parts[0]
    if method in ("POST", "DELETE") and len(parts) == 2 and parts[1] == "@endorse":
        return path, "endorse" if method == "POST" else "withdraw", parts[0]
    return None


def is_contended_write(environ) -> bool:
    if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
        return False
    path = environ.get("PATH_INFO", "")
    return any(part in path for part in CONTENDED)

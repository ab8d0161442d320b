"""``@history``: an object's history as plone.restapi shows it, one version of it, and
reverting to a version.

Every entry keeps the keys this site always gave (``action``, ``actor``, ``time``,
``version`` and the entry's own details) and adds plone.restapi's ``type`` (``versioning``
for creation and edits, ``workflow`` for transitions, ``event`` for anything else),
``transition_title``, ``actor`` as an object, ``comments`` and ``may_revert``. A version is
what the object's fields held right after that entry (``content.versions``, which the
History page uses too)."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNoContent
from pyramid.view import view_config

from ..content import versions
from ..content.base import Content
from ..content.registry import get_type
from ..i18n import _
from ..security.roles import EDIT, VIEW_HISTORY
from ..workflow import workflow_for
from .content import json_body
from .errors import ApiError
from .serialize import serialize, to_json_value, url_of

VERSIONING_ACTIONS = {"created": _("Created"), "edited": _("Edited"), "reverted": _("Reverted")}
assert set(VERSIONING_ACTIONS) == set(versions.CHANGES)
EVENT_TITLES = {"moved": _("Moved")}


def actor_of(request, login: str | None) -> dict | None:
    if not login:
        return None
    user = request.site.users.get(login)
    return {
        "@id": f"{url_of(request.site, request)}/@users/{login}",
        "id": login,
        "username": login,
        "fullname": user.fullname if user is not None else login,
    }


def _transition_title(obj, request, entry) -> str:
    action = entry.get("action")
    if action == "workflow":
        wf = workflow_for(obj)
        for t in wf.transitions if wf is not None else ():
            if t.name == entry.get("transition"):
                return request.localizer.translate(t.title)
        return entry.get("transition") or ""
    title = VERSIONING_ACTIONS.get(action) or EVENT_TITLES.get(action)
    return request.localizer.translate(title) if title is not None else action or ""


def may_revert(obj, request, entry) -> bool:
    return entry.get("action") in VERSIONING_ACTIONS and bool(request.has_permission(EDIT, obj))


def history_entry(obj, request, index: int, entry, revertable: bool | None = None) -> dict:
    item = {k: to_json_value(v) for k, v in entry.items()}
    action = entry.get("action")
    kind = (
        "workflow"
        if action == "workflow"
        else "versioning"
        if action in VERSIONING_ACTIONS
        else "event"
    )
    item.update(
        {
            "version": index,
            "type": kind,
            "actor": actor_of(request, entry.get("actor")),
            "transition_title": _transition_title(obj, request, entry),
            "comments": entry.get("comments", ""),
            "may_revert": (may_revert(obj, request, entry) if revertable is None else revertable)
            and kind == "versioning",
        }
    )
    if kind == "versioning":
        item["@id"] = f"{url_of(obj, request)}/@history/{index}"
    if kind == "workflow":
        item["review_state"] = entry.get("state")
    return item


@view_config(
    context=Content, name="@history", request_method="GET", permission=VIEW_HISTORY, renderer="json"
)
def api_history(context, request):
    if request.subpath:
        return _version(context, request)
    revertable = bool(request.has_permission(EDIT, context))
    out = [
        history_entry(context, request, index, entry, revertable)
        for index, entry in enumerate(context.history)
    ]
    return list(reversed(out))


def _version_number(context, value) -> int:
    try:
        version = int(value)
    except (TypeError, ValueError):
        version = -1
    if isinstance(value, bool) or not 0 <= version < len(context.history):
        raise ApiError(404, "not_found", f"there is no version {value} of this object")
    return version


def _version(context, request):
    """``GET @history/<version>``: the object as that version left it."""
    if len(request.subpath) != 1:
        raise ApiError(404, "not_found", "GET <url>/@history/<version>")
    version = _version_number(context, request.subpath[0])
    try:
        found = versions.version(context, version)
    except versions.VersionError as exc:
        raise ApiError(404, "not_found", f"history entry {version} is not a version") from exc
    ct = get_type(context.type_name)
    data = serialize(context, request, ct, with_items=False)
    for name, value in found.values.items():
        if value is versions.UNKNOWN:
            data[name] = None  # not recorded by the old entry
        elif name in ct.rich_text and isinstance(data.get(name), dict):
            data[name] = {**data[name], "data": value}
        else:
            data[name] = to_json_value(value)
    data["@id"] = f"{url_of(context, request)}/@history/{version}"
    data["version"] = version
    return data


@view_config(
    context=Content, name="@history", request_method="PATCH", permission=EDIT, renderer="json"
)
def api_revert(context, request):
    """``PATCH @history`` with ``{"version": n}``: the versioned fields go back to version n
    (recorded as a new edit, so nothing is lost)."""
    data = json_body(request)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ApiError(400, "bad_request", 'send {"version": <number>}')
    version = _version_number(context, version)
    if not may_revert(context, request, context.history[version]):
        raise ApiError(400, "not_revertable", f"version {version} cannot be reverted to")
    versions.revert(context, version, request.authenticated_userid)
    return HTTPNoContent()

"""The congress JSON API: joining, the proposal actions, groups, join codes, results.

Views are thin: they hand proposal actions, with the caller's scribe credentials
(``scribes``), to ``actions.perform`` (which
applies a session's concurrent actions in order and commits them together) or call the
session, and turn refusals into the answers of issue 3. Every committed transaction lists
its accepted proposal actions in its extended info (``congress``), so the storage holds the
exact sequence of committed actions: an audit trail, and what the concurrency test and the
bench replay serially to prove that no update was lost.
"""

from __future__ import annotations

from datetime import timedelta

from pyramid.httpexceptions import HTTPNoContent, HTTPNotModified
from pyramid.traversal import resource_path
from pyramid.view import view_config

from ..api.content import json_body
from ..api.errors import ApiError
from ..content.base import utcnow
from ..security.roles import EDIT, VIEW
from . import actions, fastpath, join_throttle
from .actions import Action, Refusal
from .content import CongressError, Session, Venue
from .engine import EngineError
from .results import session_results
from .scribes import NotActing, Scribe, acting_group

SCRIBE_TOKEN_LIFETIME = timedelta(days=2)
ENGINE_STATUS = {
    "limit": 409,
    "stale": 409,
    "phase": 409,
    "invalid": 422,
    "not_found": 404,
    "unauthorized": 401,
    "forbidden": 403,  # e.g. the group was removed while its action waited
}


def refused(refusal: Refusal) -> ApiError:
    """The API answer for an action the rules refused."""
    status = ENGINE_STATUS.get(refusal.code, 422)
    return ApiError(status, refusal.code, refusal.message, **refusal.extra)


def congress_error(error: CongressError) -> ApiError:
    return ApiError(error.status, error.code, error.message)


def scribe_of(request, session: Session) -> Scribe:
    """The caller's scribe credentials, refused at once (before its body is read) when they
    do not act for this session; ``actions`` applies the same rule again when it commits."""
    scribe = Scribe.of(request)
    try:
        acting_group(session, scribe)
    except NotActing as error:
        raise ApiError(error.status, error.code, error.message) from error
    return scribe


def state_headers(response, etag: str) -> None:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = fastpath.CACHE_CONTROL


# Joining ------------------------------------------------------------------------------------


@view_config(context=Session, name="@join", request_method="POST", permission=VIEW, renderer="json")
def join(context, request):
    data = json_body(request)
    session_path = resource_path(context)
    try:
        join_throttle.check(request, session_path, data.get("venue"))
    except join_throttle.Throttled as throttled:
        raise throttled.api_error() from throttled
    try:
        group = context.join(data.get("venue"), data.get("code"), data.get("name"), utcnow())
    except CongressError as error:
        if error.code == "code":
            join_throttle.wrong_code(request, session_path, data["venue"])
        raise congress_error(error) from error
    token = request.site.tokens.issue(
        "scribe", SCRIBE_TOKEN_LIFETIME, session=resource_path(context), group=group.id
    )
    request.response.status = 201
    return {"group": group.id, "token": token, "name": group.name, "venue": group.venue}


# Proposals ----------------------------------------------------------------------------------


@view_config(
    context=Session, name="@proposals", request_method="GET", permission=VIEW, renderer="json"
)
def proposals_get(context, request):
    subpath = request.subpath
    now = utcnow()
    board = context.proposals
    if not subpath:
        etag, ends = context.proposals_etag(now)
        fastpath.remember(request, etag, ends)
        if etag in fastpath.etags_in(request.headers.get("If-None-Match")):
            response = HTTPNotModified()
            state_headers(response, etag)
            return response
        state_headers(request.response, etag)
        return context.proposals_state(now)
    try:
        if len(subpath) == 1:
            return board.get(subpath[0]).to_dict()
        if len(subpath) == 2 and subpath[1] == "@history":
            return {
                "id": subpath[0],
                "versions": [
                    {**entry.to_dict(), "group_name": context.group_name(entry.group)}
                    for entry in board.history(subpath[0])
                ],
            }
    except EngineError as error:
        raise refused(Refusal.of(error)) from error
    raise ApiError(404, "not_found", "there is nothing at this address")


@view_config(context=Session, name="@proposals", request_method="POST", renderer="json")
def proposals_post(context, request):
    subpath = request.subpath
    if len(subpath) == 2 and subpath[1] == "@endorse":
        return _act(request, context, "endorse", proposal=subpath[0])
    if subpath:
        raise ApiError(404, "not_found", "POST <session>/@proposals or .../<id>/@endorse")
    scribe = scribe_of(request, context)
    body = _act(request, context, "add", scribe, text=json_body(request).get("text"))
    request.response.status = 201
    return body


@view_config(context=Session, name="@proposals", request_method="PATCH", renderer="json")
def proposals_patch(context, request):
    if len(request.subpath) != 1:
        raise ApiError(404, "not_found", "PATCH <session>/@proposals/<id>")
    scribe = scribe_of(request, context)
    data = json_body(request)
    return _act(
        request,
        context,
        "edit",
        scribe,
        proposal=request.subpath[0],
        text=data.get("text"),
        base_version=data.get("base_version"),
    )


@view_config(context=Session, name="@proposals", request_method="DELETE", renderer="json")
def proposals_delete(context, request):
    subpath = request.subpath
    if len(subpath) == 2 and subpath[1] == "@endorse":
        return _act(request, context, "withdraw", proposal=subpath[0])
    raise ApiError(404, "not_found", "DELETE <session>/@proposals/<id>/@endorse")


def _act(request, session: Session, kind: str, scribe: Scribe | None = None, **fields) -> dict:
    """Run one scribe action with the session's others (``actions``); its JSON answer."""
    scribe = scribe or scribe_of(request, session)
    result = actions.perform(request, session, Action(kind, scribe, **fields))
    if result.refusal is not None:
        raise refused(result.refusal)
    return result.proposal


# Groups and join codes (coordinators) -------------------------------------------------------


@view_config(
    context=Session, name="@groups", request_method="GET", permission=VIEW, renderer="json"
)
def groups_get(context, request):
    show_all = request.has_permission(EDIT, context)
    groups = context.groups.values() if show_all else context.active_groups()
    return {"items": [g.to_dict() for g in sorted(groups, key=lambda g: g.joined)]}


@view_config(
    context=Session, name="@groups", request_method="PATCH", permission=EDIT, renderer="json"
)
def groups_patch(context, request):
    """``{"name": "..."}`` renames; ``{"merge_into": "<group id>"}`` merges."""
    if len(request.subpath) != 1:
        raise ApiError(404, "not_found", "PATCH <session>/@groups/<group id>")
    data = json_body(request)
    group_id = request.subpath[0]
    try:
        if "merge_into" in data:
            group = context.merge_group(group_id, data["merge_into"])
        elif "name" in data:
            group = context.rename_group(group_id, data["name"])
        else:
            raise ApiError(422, "invalid", 'send {"name": ...} or {"merge_into": ...}')
    except CongressError as error:
        raise congress_error(error) from error
    return group.to_dict()


@view_config(context=Session, name="@groups", request_method="DELETE", permission=EDIT)
def groups_delete(context, request):
    if len(request.subpath) != 1:
        raise ApiError(404, "not_found", "DELETE <session>/@groups/<group id>")
    try:
        group = context.remove_group(request.subpath[0])
    except CongressError as error:
        raise congress_error(error) from error
    request.site.tokens.revoke_where(kind="scribe", session=resource_path(context), group=group.id)
    return HTTPNoContent()


@view_config(
    context=Venue, name="@reset-code", request_method="POST", permission=EDIT, renderer="json"
)
def reset_code(context, request):
    return {"join_code": context.reset_join_code()}


# Results ------------------------------------------------------------------------------------


@view_config(
    context=Session, name="@results", request_method="GET", permission=VIEW, renderer="json"
)
def results_get(context, request):
    return session_results(context, utcnow())

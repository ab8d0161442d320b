"""The congress JSON API: joining, the proposal actions, groups, join codes, results.

Views are thin: they find who acts, call the session or its ``ProposalBoard``, and turn
engine errors into the answers of issue 3. Every accepted proposal action also records
itself in the transaction's extended info (``congress``), so the storage holds the exact
sequence of committed actions: an audit trail, and what the concurrency test and the bench
replay serially to prove that no update was lost.
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
from . import fastpath
from .content import CongressError, Session, Venue
from .engine import EngineError, Stale
from .results import session_results

SCRIBE_TOKEN_LIFETIME = timedelta(days=2)
ENGINE_STATUS = {"limit": 409, "stale": 409, "phase": 409, "invalid": 422, "not_found": 404}


def engine_error(error: EngineError) -> ApiError:
    """The API answer for a refused action (call inside the transaction: ``current``)."""
    extra = {}
    if isinstance(error, Stale):
        extra["current"] = error.current.to_dict()
    if getattr(error, "reason", None):
        extra["reason"] = error.reason
    return ApiError(ENGINE_STATUS.get(error.code, 422), error.code, str(error), **extra)


def congress_error(error: CongressError) -> ApiError:
    return ApiError(error.status, error.code, error.message)


def acting_group(request, session: Session) -> str:
    """The id of the group the caller's scribe token or scribe session acts for."""
    identity = request.identity
    if identity is None:
        raise ApiError(401, "unauthorized", "join the session first (scribe token or session)")
    claims = identity.scribe
    if not claims or claims.get("session") != resource_path(session):
        raise ApiError(403, "forbidden", "only a group's scribe of this session may do this")
    group = session.resolve_group(claims.get("group"))
    if group is None:
        raise ApiError(403, "forbidden", "this group was removed from the session")
    return group.id


def log_action(request, session: Session, action: dict) -> None:
    action["session"] = resource_path(session)
    request.tm.get().setExtendedInfo("congress", action)


def etag_for(session: Session, now) -> tuple[str, object]:
    """``(etag, phase_ends)``: revision + phase; the phase moves with the clock alone."""
    board = session.proposals
    phase, ends = board.phase_window(now)
    return f'"{session.etag_salt}.{board.revision}.{phase}"', ends


def state_headers(response, etag: str) -> None:
    response.headers["ETag"] = etag
    # Caches may keep the state but must revalidate: a 304 is almost free (see fastpath).
    response.headers["Cache-Control"] = "public, no-cache"


# Joining ------------------------------------------------------------------------------------


@view_config(context=Session, name="@join", request_method="POST", renderer="json")
def join(context, request):
    data = json_body(request)
    try:
        group = context.join(data.get("venue"), data.get("code"), data.get("name"), utcnow())
    except CongressError as error:
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
        etag, ends = etag_for(context, now)
        fastpath.remember(request, etag, ends)
        if etag in fastpath.etags_in(request.headers.get("If-None-Match")):
            response = HTTPNotModified()
            state_headers(response, etag)
            return response
        state_headers(request.response, etag)
        body = board.snapshot(now)
        body["groups"] = len(context.active_groups())
        body["names"] = {
            gid: context.group_name(gid)
            for item in body["items"]
            for gid in (item["created_by"], item["edited_by"])
        }
        return body
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
        raise engine_error(error) from error
    raise ApiError(404, "not_found", "there is nothing at this address")


@view_config(context=Session, name="@proposals", request_method="POST", renderer="json")
def proposals_post(context, request):
    subpath = request.subpath
    if len(subpath) == 2 and subpath[1] == "@endorse":
        return _endorse(context, request, subpath[0], "endorse")
    if subpath:
        raise ApiError(404, "not_found", "POST <session>/@proposals or .../<id>/@endorse")
    group = acting_group(request, context)
    data = json_body(request)
    now = utcnow()
    try:
        proposal = context.proposals.add(group, data.get("text"), now)
    except EngineError as error:
        raise engine_error(error) from error
    log_action(
        request, context, {"kind": "add", "group": group, "text": proposal.text, "now": _iso(now)}
    )
    request.response.status = 201
    return proposal.to_dict()


@view_config(context=Session, name="@proposals", request_method="PATCH", renderer="json")
def proposals_patch(context, request):
    if len(request.subpath) != 1:
        raise ApiError(404, "not_found", "PATCH <session>/@proposals/<id>")
    group = acting_group(request, context)
    data = json_body(request)
    now = utcnow()
    board = context.proposals
    try:
        proposal = board.edit(
            group, request.subpath[0], data.get("text"), data.get("base_version"), now
        )
    except EngineError as error:
        raise engine_error(error) from error
    log_action(
        request,
        context,
        {
            "kind": "edit",
            "group": group,
            "id": proposal.id,
            "text": proposal.text,
            "base_version": proposal.version - 1,
            "now": _iso(now),
        },
    )
    return proposal.to_dict()


@view_config(context=Session, name="@proposals", request_method="DELETE", renderer="json")
def proposals_delete(context, request):
    subpath = request.subpath
    if len(subpath) == 2 and subpath[1] == "@endorse":
        return _endorse(context, request, subpath[0], "withdraw")
    raise ApiError(404, "not_found", "DELETE <session>/@proposals/<id>/@endorse")


def _endorse(context, request, proposal_id: str, kind: str):
    group = acting_group(request, context)
    now = utcnow()
    board = context.proposals
    before = board.revision
    try:
        proposal = getattr(board, kind)(group, proposal_id, now)
    except EngineError as error:
        raise engine_error(error) from error
    if board.revision != before:  # a repeated endorse or withdraw changes nothing
        log_action(
            request, context, {"kind": kind, "group": group, "id": proposal.id, "now": _iso(now)}
        )
    body = proposal.to_dict()
    body["retired"] = proposal.retired
    return body


def _iso(now) -> str:
    return now.isoformat()


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

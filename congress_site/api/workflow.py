"""``@workflow``: an object's state, the transitions the caller may take, the workflow
history; ``POST @workflow/<transition>`` (with an optional ``{"comment": "..."}``)."""

from __future__ import annotations

from pyramid.view import view_config

from ..content.base import Content
from ..security.roles import VIEW
from ..workflow import WorkflowError, transition, transitions_for, workflow_for
from .components import component
from .content import json_body
from .errors import ApiError
from .serialize import to_json_value, url_of


def _state(obj, request) -> dict | None:
    wf = workflow_for(obj)
    if wf is None or obj.review_state not in wf.states:
        return None
    return {
        "id": obj.review_state,
        "title": request.localizer.translate(wf.state(obj.review_state).title),
    }


def _history_item(obj, request, entry) -> dict:
    state = entry.get("state")
    wf = workflow_for(obj)
    title = wf.state(state).title if wf is not None and state in wf.states else state
    return {
        "action": entry.get("transition"),
        "actor": entry.get("actor"),
        "comments": entry.get("comments", ""),
        "review_state": state,
        "time": to_json_value(entry.get("time")),
        "title": request.localizer.translate(title) if title else "",
    }


@component("workflow")
def workflow_info(context, request) -> dict:
    base = url_of(context, request)
    return {
        "@id": f"{base}/@workflow",
        "review_state": context.review_state,
        "state": _state(context, request),
        "transitions": [
            {"@id": f"{base}/@workflow/{t.name}", "title": request.localizer.translate(t.title)}
            for t in transitions_for(context, request)
        ],
        "history": [
            _history_item(context, request, entry)
            for entry in context.history
            if entry.get("action") == "workflow"
        ],
    }


@view_config(
    context=Content, name="@workflow", request_method="GET", permission=VIEW, renderer="json"
)
def api_workflow_info(context, request):
    return workflow_info(context, request)


@view_config(
    context=Content, name="@workflow", request_method="POST", permission=VIEW, renderer="json"
)
def api_workflow(context, request):
    if len(request.subpath) != 1:
        raise ApiError(400, "bad_request", "POST <url>/@workflow/<transition>")
    # The comment is optional; a body that is not JSON (an empty form post) carries none.
    body = json_body(request) if request.content_type == "application/json" else {}
    comment = body.get("comment", "")
    if not isinstance(comment, str):
        raise ApiError(400, "bad_request", "comment must be a string")
    try:
        transition(context, request, request.subpath[0], comment)
    except WorkflowError as exc:
        status = 403 if exc.code == "forbidden" else 400
        raise ApiError(status, exc.code, exc.message) from exc
    request.site.catalog.index_subtree(context)
    entry = context.history[-1]
    return _history_item(context, request, entry)

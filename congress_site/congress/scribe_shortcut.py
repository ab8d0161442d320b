"""The cheap path for scribe actions: a bearer-token action goes straight to its session's
queue, without building a Pyramid request.

During a live session scribe actions are the commonest write by far, and nearly all of the
time each one costs goes to the framework around it (request, tweens, a transaction and a
ZODB connection of its own, the identity, traversal, the renderer), not to the action,
which ``actions`` applies and commits in groups on a connection of its own anyway. This WSGI
shortcut in front of Pyramid takes only the plain case:

* ``POST <session>/@proposals``, ``PATCH <session>/@proposals/<id>``, ``POST`` or
  ``DELETE <session>/@proposals/<id>/@endorse``, with ``Authorization: Bearer <token>``
  and, where one is needed, a JSON object body;
* at a URL path where the full application has already found a session (and learned its
  queue).

The token is looked up when the action is applied, in the transaction that commits it, and
the group decided by the one rule every scribe action goes through
(``scribes.acting_group``, through ``actions.apply``). Everything else goes to the full
application unchanged, which then gives every other answer (401, 403, 400, 404, 413):
another path, credentials other than a bearer token, a body that is not a JSON object, a
token that does not act for this session, or a failure that left the action uncommitted
(a conflict that persisted, an unexpected error), which the full application runs again
with its own retries. Answers the rules give (refusals, the new proposal) are the ones
the API views give, made by the same functions.

The API views, the scribe page's forms and this shortcut all hand their actions to
``actions`` with the caller's credentials, so a rule on scribe actions is written once, in
``scribes.acting_group`` (who acts) or ``actions.apply`` (what is applied).
"""

from __future__ import annotations

import io
import json

from ..api import MAX_JSON_BODY
from ..api.content import json_object
from ..api.errors import ApiError, api_error
from ..security.policy import bearer_in
from .actions import Action
from .api import refused
from .paths import scribe_action
from .scribes import Scribe

STATUS_LINES = {200: "200 OK", 201: "201 Created"}


def read_body(environ) -> bytes | None:
    """The request body, put back for the full application; ``None`` when too large or of
    unknown length (the full application answers those)."""
    if not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"):
        return None  # a body of unknown length (waitress always gives one)
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length < 0 or length > MAX_JSON_BODY:
        return None
    raw = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    return raw


def action_for(environ, commits):
    """``(queue, action)`` when this shortcut takes the request, else ``None``."""
    found = scribe_action(environ)
    token = bearer_in(environ.get("HTTP_AUTHORIZATION")) if found else None
    if not token:
        return None
    path, kind, proposal = found
    queue = commits.queue_at(path)
    if queue is None:
        return None
    # The resource path the URL names (as traversal reads it): the session must still be there.
    scribe = Scribe(token=token, path=path[len(environ.get("SCRIPT_NAME", "")) :])
    fields = {"proposal": proposal}
    if kind in ("add", "edit"):
        raw = read_body(environ)
        try:
            data = json_object(raw) if raw is not None else None
        except ApiError:
            data = None
        if data is None:
            return None
        fields["text"] = data.get("text")
        if kind == "edit":
            fields["base_version"] = data.get("base_version")
    return queue, Action(kind, scribe, **fields)


def scribe_shortcut(app, registry):
    commits = registry.congress_commits

    def shortcut(environ, start_response):
        found = action_for(environ, commits)
        if found is None:
            return app(environ, start_response)
        queue, action = found
        try:
            result = queue.submit(action)
        except Exception:  # noqa: BLE001 - nothing was committed: the full app runs it again
            return app(environ, start_response)
        if result.deferred:
            return app(environ, start_response)
        if result.refusal is not None:
            # The answer the API's exception view gives for the same refusal.
            return api_error(refused(result.refusal), None)(environ, start_response)
        body = json.dumps(result.proposal).encode()
        status = 201 if action.kind == "add" else 200
        start_response(
            STATUS_LINES[status],
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return shortcut

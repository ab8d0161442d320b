"""JSON errors: `{"error": "<code>", "type": "<Type>", "message": "..."}` with a 4xx status.

`error` is this site's own code (what clients branch on); `type` is plone.restapi's name of
the HTTP error (`BadRequest`, `Unauthorized`, `NotFound`, ...). Bad input never reaches a
500 and never stores anything (the transaction is aborted because the response is an
error). A call without credentials that needs them is a 401; a logged-in caller without the
permission gets a 403."""

from __future__ import annotations

import logging

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPException, HTTPForbidden, HTTPNotFound
from pyramid.response import Response
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config
from webob.exc import status_map

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised by API views; turned into a JSON error answer."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def error_type(status: int) -> str:
    """plone.restapi's `type` of an error status: the HTTP exception's name (Zope's)."""
    exc = status_map.get(status)
    return exc.__name__.removeprefix("HTTP") if exc is not None else "BadRequest"


def json_error(request, status: int, code: str, message: str, **extra) -> Response:
    """The error answer; ``request`` may be None (the WSGI shortcuts have none)."""
    body = {"error": code, "type": error_type(status), "message": message}
    body.update(extra)
    response = Response(json_body=body, status=status, charset="utf-8")
    response.content_type = "application/json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="konbit"'
    if extra.get("retry_after"):
        response.headers["Retry-After"] = str(extra["retry_after"])
    return response


def unauthorized(request) -> Response:
    return json_error(request, 401, "unauthorized", "log in first (Authorization: Bearer)")


@exception_view_config(ApiError)
def api_error(exc, request):
    # A refusal for lack of permission asks an anonymous caller to log in first (other
    # 403s, such as a wrong join code, are not about who the caller is).
    if exc.code == "forbidden" and request is not None and request.identity is None:
        return unauthorized(request)
    return json_error(request, exc.status, exc.code, exc.message, **exc.extra)


@forbidden_view_config(api=True)
def api_forbidden(request):
    if request.identity is None:
        return unauthorized(request)
    return json_error(request, 403, "forbidden", "you may not do this")


@notfound_view_config(api=True)
def api_not_found(request):
    return json_error(request, 404, "not_found", "there is nothing at this address")


@exception_view_config(BadCSRFToken, api=True)
def api_csrf(exc, request):
    return json_error(request, 400, "csrf", "missing or wrong CSRF token")


@exception_view_config(HTTPException, api=True)
def api_http_exception(exc, request):
    if isinstance(exc, HTTPForbidden | HTTPNotFound):
        return api_forbidden(request) if isinstance(exc, HTTPForbidden) else api_not_found(request)
    if exc.code < 400:
        return exc
    code = exc.title.lower().replace(" ", "_")
    return json_error(request, exc.code, code, exc.detail or exc.explanation)

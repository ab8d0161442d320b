"""JSON errors: `{"error": "<code>", "message": "..."}` with a 4xx status.
Bad input never reaches a 500 and never stores anything (the transaction is
aborted because the response is an error)."""

from __future__ import annotations

import logging

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPException, HTTPForbidden, HTTPNotFound
from pyramid.response import Response
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised by API views; turned into a JSON error answer."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def json_error(request, status: int, code: str, message: str, **extra) -> Response:
    body = {"error": code, "message": message}
    body.update(extra)
    response = Response(json_body=body, status=status, charset="utf-8")
    response.content_type = "application/json"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="konbit"'
    if extra.get("retry_after"):
        response.headers["Retry-After"] = str(extra["retry_after"])
    return response


@exception_view_config(ApiError)
def api_error(exc, request):
    return json_error(request, exc.status, exc.code, exc.message, **exc.extra)


@forbidden_view_config(api=True)
def api_forbidden(request):
    if request.identity is None:
        return json_error(request, 401, "unauthorized", "log in first (Authorization: Bearer)")
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

"""Login, logout, password change and password reset."""

from __future__ import annotations

import logging
from urllib.parse import urlparse

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.security import forget, remember
from pyramid.view import forbidden_view_config, view_config

from ..content.base import SiteRoot
from ..i18n import COOKIE, LANGUAGES, _
from ..security.login import attempt_login, client_address
from ..security.passwords import password_problems
from ..security.tokens import RESET_TOKEN_LIFETIME
from ..urls import external_url
from .content import BaseView
from .forms import make_form, validate

log = logging.getLogger(__name__)


def safe_came_from(request, value: str | None) -> str:
    """Only same-site paths, never an absolute URL elsewhere."""
    parsed = urlparse(value or "")
    if not value or parsed.scheme or parsed.netloc or not value.startswith("/"):
        return request.resource_url(request.site)
    if value.startswith("//"):
        return request.resource_url(request.site)
    return request.application_url + value


class LoginSchema(colander.Schema):
    login = colander.SchemaNode(colander.String(), title=_("Login"))
    password = colander.SchemaNode(
        colander.String(), title=_("Password"), widget=deform.widget.PasswordWidget()
    )
    came_from = colander.SchemaNode(
        colander.String(), widget=deform.widget.HiddenWidget(), missing=""
    )


@view_config(context=SiteRoot, name="login", renderer="congress_site:templates/form.pt")
class LoginView(BaseView):
    def __call__(self):
        form = make_form(LoginSchema(), self.request, button=_("Log in"))
        heading = _("Log in")
        if self.request.method == "POST":
            try:
                data = validate(form, self.request)
            except deform.ValidationFailure as failure:
                return self.page(form=failure.render(), heading=heading)
            result = attempt_login(
                self.request.site, data["login"], data["password"], client_address(self.request)
            )
            if result.ok:
                headers = remember(self.request, result.user.login)
                return HTTPFound(safe_came_from(self.request, data["came_from"]), headers=headers)
            if result.retry_after:
                message = _(
                    "Too many failed attempts. Try again in ${minutes} minutes.",
                    mapping={"minutes": int(result.retry_after // 60) + 1},
                )
                self.request.response.status = 429
                self.request.response.headers["Retry-After"] = str(int(result.retry_after) + 1)
            else:
                message = _("Wrong login or password.")
                self.request.response.status = 403
            form.error = colander.Invalid(form.schema, self.request.localizer.translate(message))
            form.widget.error = form.error
            data["password"] = ""
            return self.page(form=form.render(data), heading=heading)
        came_from = self.request.params.get("came_from", "")
        return self.page(form=form.render({"came_from": came_from}), heading=heading)


@view_config(context=SiteRoot, name="logout", request_method="POST")
def logout(context, request):
    if request.identity is not None and request.identity.login:
        request.site.audit.add("logout", request.identity.login, client_address(request))
    headers = forget(request)
    return HTTPFound(request.resource_url(request.site), headers=headers)


@forbidden_view_config(api=False)
def forbidden(request):
    from pyramid.renderers import render_to_response

    if request.identity is None and request.method == "GET":
        return HTTPFound(
            request.resource_url(request.site, "@@login", query={"came_from": request.path_qs})
        )
    view = BaseView(request.context, request)
    response = render_to_response(
        "congress_site:templates/error.pt",
        view.page(heading=_("Not allowed"), message=_("You do not have permission to do this.")),
        request=request,
    )
    response.status = 403
    return response


class PasswordSchema(colander.Schema):
    current = colander.SchemaNode(
        colander.String(), title=_("Current password"), widget=deform.widget.PasswordWidget()
    )
    new = colander.SchemaNode(
        colander.String(),
        title=_("New password"),
        widget=deform.widget.CheckedPasswordWidget(),
    )


def _password_validator(login):
    def check(node, value):
        problems = password_problems(value, login)
        if problems:
            raise colander.Invalid(node, problems[0])

    return check


def _current_password_validator(user):
    def check(node, value):
        if not user.check_password(value):
            raise colander.Invalid(node, _("This is not your current password."))

    return check


@view_config(
    context=SiteRoot, name="password", permission="view", renderer="congress_site:templates/form.pt"
)
class PasswordView(BaseView):
    def __call__(self):
        identity = self.request.identity
        if identity is None or identity.user is None:
            from pyramid.httpexceptions import HTTPForbidden

            raise HTTPForbidden()
        user = identity.user
        schema = PasswordSchema()
        schema["new"].validator = _password_validator(user.login)
        schema["current"].validator = _current_password_validator(user)
        form = make_form(schema, self.request, button=_("Change password"))
        heading = _("Change your password")
        if self.request.method == "POST":
            try:
                data = validate(form, self.request)
            except deform.ValidationFailure as failure:
                return self.page(form=failure.render(), heading=heading)
            user.set_password(data["new"])
            self.request.site.audit.add(
                "password_changed", user.login, client_address(self.request)
            )
            self.flash(_("Your password was changed."))
            return HTTPFound(self.request.resource_url(self.request.site))
        return self.page(form=form.render(), heading=heading)


class ResetRequestSchema(colander.Schema):
    email = colander.SchemaNode(colander.String(), title=_("Email"), validator=colander.Email())


class ResetSchema(colander.Schema):
    new = colander.SchemaNode(
        colander.String(),
        title=_("New password"),
        widget=deform.widget.CheckedPasswordWidget(),
    )


@view_config(context=SiteRoot, name="reset-password", renderer="congress_site:templates/form.pt")
class ResetView(BaseView):
    """Ask for a reset link by email; with ?token=..., set a new password.

    Without mail configured, the link goes to the log, so an administrator
    can hand it over."""

    def __call__(self):
        token = self.request.params.get("token")
        if token:
            return self.reset(token)
        form = make_form(ResetRequestSchema(), self.request, button=_("Send reset link"))
        heading = _("Forgotten password")
        if self.request.method == "POST":
            try:
                data = validate(form, self.request)
            except deform.ValidationFailure as failure:
                return self.page(form=failure.render(), heading=heading)
            site = self.request.site
            user = site.users.by_email(data["email"])
            if user is not None:
                token = site.tokens.issue("reset", RESET_TOKEN_LIFETIME, login=user.login)
                link = external_url(self.request, site, "@@reset-password", query={"token": token})
                log.warning("password reset link for %s: %s", user.login, link)
                site.audit.add("reset_requested", user.login, client_address(self.request))
            # The same answer either way: it must not reveal which emails exist.
            self.flash(_("If this address belongs to an account, a reset link is on its way."))
            return HTTPFound(self.request.resource_url(site))
        return self.page(form=form.render(), heading=heading)

    def reset(self, token):
        site = self.request.site
        record = site.tokens.lookup(token, kind="reset")
        heading = _("Choose a new password")
        if record is None:
            self.request.response.status = 400
            return self.page(form="", heading=_("This reset link is invalid or has expired."))
        schema = ResetSchema()
        schema["new"].validator = _password_validator(record["login"])
        form = make_form(schema, self.request, button=_("Set password"))
        if self.request.method == "POST":
            try:
                data = validate(form, self.request)
            except deform.ValidationFailure as failure:
                return self.page(form=failure.render(), heading=heading)
            user = site.users.get(record["login"])
            user.set_password(data["new"])
            site.tokens.revoke(token)
            site.audit.add("password_reset", user.login, client_address(self.request))
            self.flash(_("Your password was set. You can log in now."))
            return HTTPFound(self.request.resource_url(site, "@@login"))
        return self.page(form=form.render(), heading=heading)


@view_config(context=SiteRoot, name="language")
def language(context, request):
    lang = request.params.get("lang")
    response = HTTPFound(safe_came_from(request, request.params.get("came_from")))
    if lang in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response

"""Login, logout, password change and password reset."""

from __future__ import annotations

import logging
from urllib.parse import urlparse

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.security import forget, remember
from pyramid.view import forbidden_view_config, view_config

from ..content.base import SiteRoot
from ..i18n import COOKIE, LANGUAGES, _
from ..security.directory import DirectoryUnavailable, LinkRefused, from_registry
from ..security.login import attempt_login, client_address
from ..security.passwords import password_problems
from ..security.tokens import RESET_TOKEN_LIFETIME
from ..urls import external_url
from .base import BaseView
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
                self.request.site,
                data["login"],
                data["password"],
                client_address(self.request),
                from_registry(self.request.registry),
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
            elif result.unavailable:
                message = _("The konbit's directory does not answer. Try again in a minute.")
                self.request.response.status = 503
            else:
                message = _("Wrong login or password.")
                self.request.response.status = 403
            form.error = colander.Invalid(form.schema, self.request.localizer.translate(message))
            form.widget.error = form.error
            data["password"] = ""
            return self.page(form=form.render(data), heading=heading)
        came_from = self.request.params.get("came_from", "")
        login = self.request.params.get("login", "")
        return self.page(
            form=form.render({"came_from": came_from, "login": login}), heading=heading
        )


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
        directory = from_registry(self.request.registry) if user.source == "directory" else None
        schema = PasswordSchema().clone()  # its own nodes: validators are per request
        schema["new"].validator = _password_validator(user.login)
        if directory is None:
            schema["current"].validator = _current_password_validator(user)
        form = make_form(schema, self.request, button=_("Change password"))
        heading = _("Change your password")
        intro = (
            _("One password for your mail, wikis, Nextcloud and this site.")
            if directory is not None
            else None
        )
        if self.request.method == "POST":
            try:
                data = validate(form, self.request)
                if directory is not None:
                    self.change_in_directory(directory, form, user, data)
                else:
                    user.set_password(data["new"])
            except deform.ValidationFailure as failure:
                self.request.response.status = 400
                return self.page(form=failure.render(), heading=heading, intro=intro)
            self.request.site.audit.add(
                "password_changed", user.login, client_address(self.request)
            )
            self.flash(_("Your password was changed."))
            return HTTPFound(self.request.resource_url(self.request.site, "@@account"))
        return self.page(form=form.render(), heading=heading, intro=intro)

    def change_in_directory(self, directory, form, user, data):
        """Change a directory person's one password; the directory checks the old one."""
        try:
            person = directory.find(user.login)
            changed = person is not None and directory.change_password(
                person, data["current"], data["new"]
            )
        except DirectoryUnavailable as exc:
            log.error("password change of %s: the directory does not answer (%s)", user.login, exc)
            form.error = colander.Invalid(
                form.schema,
                self.request.localizer.translate(
                    _("The konbit's directory does not answer. Try again in a minute.")
                ),
            )
            form.widget.handle_error(form, form.error)
            raise deform.ValidationFailure(form, data, form.error) from exc
        if not changed:
            error = colander.Invalid(form.schema)
            error["current"] = _("This is not your current password.")
            form.widget.handle_error(form, error)
            raise deform.ValidationFailure(form, data, error)


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
            directory = from_registry(self.request.registry)
            if directory is not None and (user is None or user.source == "directory"):
                try:
                    self.directory_link(directory, data["email"])
                except DirectoryUnavailable as exc:
                    log.error("reset link for %s: the directory does not answer (%s)",
                              data["email"], exc)  # fmt: skip
                    self.request.response.status = 503
                    form.error = colander.Invalid(
                        form.schema,
                        self.request.localizer.translate(
                            _("The konbit's directory does not answer. Try again in a minute.")
                        ),
                    )
                    form.widget.error = form.error
                    return self.page(form=form.render(data), heading=heading)
            elif user is not None:
                token = site.tokens.issue("reset", RESET_TOKEN_LIFETIME, login=user.login)
                link = external_url(self.request, site, "@@reset-password", query={"token": token})
                log.warning("password reset link for %s: %s", user.login, link)
                site.audit.add("reset_requested", user.login, client_address(self.request))
            # The same answer either way: it must not reveal which emails exist.
            self.flash(_("If this address belongs to an account, a reset link is on its way."))
            return HTTPFound(self.request.resource_url(site))
        return self.page(form=form.render(), heading=heading)

    def directory_link(self, directory, email):
        """A one-time link for the directory person with this email, by mail."""
        from .account import send_password_link

        person = directory.find_by_email(email)
        if person is None or person.locked:
            return
        token = directory.issue_link(person)
        send_password_link(self.request, person, token)
        self.request.site.audit.add(
            "reset_requested", person.login, client_address(self.request), source="directory"
        )

    def reset(self, token):
        site = self.request.site
        record = site.tokens.lookup(token, kind="reset")
        heading = _("Choose a new password")
        if record is None:
            self.request.response.status = 400
            return self.page(form="", heading=_("This reset link is invalid or has expired."))
        schema = ResetSchema().clone()  # its own nodes: validators are per request
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


LINK_REFUSALS = {
    "unknown": (
        400,
        _("This link is not valid: it was already used, or replaced by a newer one."),
    ),
    "expired": (400, _("This link has expired.")),
    "locked": (
        403,
        _(
            "This account is locked: its person is no longer in the konbit's members file. "
            "Ask the konbit's coordinators."
        ),
    ),
}


@view_config(context=SiteRoot, name="set-password", renderer="congress_site:templates/form.pt")
class SetPasswordView(BaseView):
    """The one-time link a new person (or one who forgot their password) receives:
    sets their one directory password. Single use, valid for a limited time."""

    def __call__(self):
        directory = from_registry(self.request.registry)
        token = self.request.params.get("token", "")
        heading = _("Choose your password")
        if directory is None:
            raise HTTPNotFound()
        try:
            person = directory.person_for_link(token)
        except LinkRefused as refused:
            return self.refused(refused.reason)
        except DirectoryUnavailable:
            return self.unavailable(heading)
        schema = ResetSchema().clone()  # its own nodes: validators are per request
        schema["new"].validator = _password_validator(person.login)
        form = make_form(schema, self.request, button=_("Set password"))
        intro = _(
            "Your login is ${login}. This password is for your mail, wikis, Nextcloud "
            "and this site.",
            mapping={"login": person.login},
        )
        if self.request.method == "POST":
            try:
                data = validate(form, self.request)
            except deform.ValidationFailure as failure:
                self.request.response.status = 400
                return self.page(form=failure.render(), heading=heading, intro=intro)
            try:
                person = directory.set_password_from_link(token, data["new"])
            except LinkRefused as refused:
                return self.refused(refused.reason)
            except DirectoryUnavailable:
                return self.unavailable(heading)
            self.request.site.audit.add(
                "password_set", person.login, client_address(self.request), source="link"
            )
            self.flash(_("Your password was set. You can log in now."))
            return HTTPFound(
                self.request.resource_url(
                    self.request.site, "@@login", query={"login": person.login}
                )
            )
        return self.page(form=form.render(), heading=heading, intro=intro)

    def refused(self, reason):
        status, message = LINK_REFUSALS[reason]
        self.request.response.status = status
        log.warning("password link refused (%s) from %s", reason, client_address(self.request))
        return self.page(
            form="",
            heading=message,
            intro=_("You can ask for a new link on the page for a forgotten password."),
            link=self.request.resource_url(self.request.site, "@@reset-password"),
            link_text=_("Ask for a new link"),
        )

    def unavailable(self, heading):
        self.request.response.status = 503
        return self.page(
            form="",
            heading=heading,
            intro=_("The konbit's directory does not answer. Try again in a minute."),
        )

"""Site-wide pages: search, site map, users, audit log, error pages."""

from __future__ import annotations

import colander
import deform
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.view import exception_view_config, notfound_view_config, view_config

from .. import chrome
from ..catalog import walk
from ..content.base import SiteRoot
from ..i18n import _
from ..members.rules import login_problem
from ..security.login import client_address
from ..security.passwords import password_problems
from ..security.policy import search_principals
from ..security.roles import GLOBAL_ROLES, MANAGE, VIEW
from ..security.users import GROUP_ID_RE, UserError
from .base import BaseView
from .forms import make_form, validate

PAGE_SIZE = 30


@view_config(
    context=SiteRoot, name="search", permission=VIEW, renderer="congress_site:templates/search.pt"
)
class SearchView(BaseView):
    def __call__(self):
        text = self.request.params.get("SearchableText", "").strip()[:200]
        results, total = [], 0
        if text:
            try:
                total, results = self.request.site.catalog.search(
                    self.request.site,
                    search_principals(self.request.identity),
                    text=text,
                    sort=None,
                    limit=PAGE_SIZE,
                )
            except Exception:  # hypatia's query parser rejects some input
                total, results = 0, []
        return self.page(text=text, results=results, total=total)


@view_config(
    context=SiteRoot, name="sitemap", permission=VIEW, renderer="congress_site:templates/sitemap.pt"
)
class SitemapView(BaseView):
    def tree(self, obj, depth=0):
        if depth > 6:
            return []
        out = []
        for child in chrome.visible_children(obj, self.request):
            out.append((child, self.tree(child, depth + 1) if child.folderish else []))
        return out

    def __call__(self):
        return self.page(tree=self.tree(self.request.site))


class AddUserSchema(colander.Schema):
    login = colander.SchemaNode(colander.String(), title=_("Login"))
    fullname = colander.SchemaNode(colander.String(), title=_("Full name"), missing="")
    email = colander.SchemaNode(
        colander.String(), title=_("Email"), missing="", validator=colander.Email()
    )
    roles = colander.SchemaNode(
        colander.Set(),
        title=_("Roles"),
        missing=set(),
        widget=deform.widget.CheckboxChoiceWidget(values=[(r, r) for r in GLOBAL_ROLES]),
    )
    password = colander.SchemaNode(
        colander.String(), title=_("Password"), widget=deform.widget.CheckedPasswordWidget()
    )


def _new_id_problem(value: str, taken, taken_message, login: bool = True):
    """Why `value` cannot be a new login (or group id), or None."""
    if login and login_problem(value):
        return _(
            "Use 2 to 32 lowercase letters, digits, '.', '_' or '-', starting with a "
            "letter and ending with a letter or digit."
        )
    if not login and not GROUP_ID_RE.match(value):
        return _("Use 2 to 64 lowercase letters, digits, '.', '_', '@' or '-'.")
    return taken_message if taken(value) else None


def _new_user_validator(users):
    def check(node, value):
        exc = colander.Invalid(node)
        login = value["login"].strip().lower()
        problem = _new_id_problem(
            login, lambda v: users.get(v) is not None, _("This login is taken.")
        )
        if problem:
            exc["login"] = problem
        problems = password_problems(value["password"], login)
        if problems:
            exc["password"] = problems[0]
        if exc.children:
            raise exc

    return check


@view_config(
    context=SiteRoot, name="users", permission=MANAGE, renderer="congress_site:templates/users.pt"
)
class UsersView(BaseView):
    def __call__(self):
        site = self.request.site
        schema = AddUserSchema(validator=_new_user_validator(site.users))
        form = make_form(schema, self.request, button=_("Add user"))
        if self.request.method == "POST":
            try:
                data = validate(form, self.request)
            except deform.ValidationFailure as failure:
                self.request.response.status = 400
                return self.page(form=failure.render(), users=site.users.users.values())
            try:
                site.users.add_user(
                    data["login"],
                    data["password"],
                    data["fullname"],
                    data["email"],
                    sorted(data["roles"]),
                )
            except UserError as err:  # raced with another add of the same login
                raise HTTPBadRequest(str(err)) from err
            site.audit.add(
                "user_added",
                self.actor,
                client_address(self.request),
                login=data["login"],
                roles=sorted(data["roles"]),
            )
            self.flash(_("User added."))
            return HTTPFound(self.request.resource_url(site, "@@users"))
        return self.page(form=form.render(), users=site.users.users.values())


@view_config(
    context=SiteRoot, name="audit", permission=MANAGE, renderer="congress_site:templates/audit.pt"
)
class AuditView(BaseView):
    def __call__(self):
        return self.page(entries=self.request.site.audit.latest(300))


def _error_page(request, status, heading, message):
    view = BaseView(request.site, request)
    request.context = request.site
    response = render_to_response(
        "congress_site:templates/error.pt",
        view.page(heading=heading, message=message),
        request=request,
    )
    response.status = status
    return response


@notfound_view_config(api=False)
def not_found(request):
    return _error_page(
        request, 404, _("Not found"), _("There is nothing at this address, or it was moved.")
    )


@exception_view_config(BadCSRFToken, api=False)
def bad_csrf(exc, request):
    return _error_page(
        request,
        400,
        _("Form expired"),
        _("The form was too old or came from elsewhere. Please try again."),
    )


@exception_view_config(HTTPBadRequest, api=False)
def bad_request(exc, request):
    return _error_page(request, 400, _("Bad request"), exc.detail or exc.explanation)


__all__ = ["walk", "HTTPNotFound"]


class AddGroupSchema(colander.Schema):
    group_id = colander.SchemaNode(colander.String(), title=_("Group id"))
    title = colander.SchemaNode(colander.String(), title=_("Title"), missing="")
    roles = colander.SchemaNode(
        colander.Set(),
        title=_("Roles"),
        missing=set(),
        widget=deform.widget.CheckboxChoiceWidget(values=[(r, r) for r in GLOBAL_ROLES]),
    )
    members = colander.SchemaNode(
        colander.String(),
        title=_("Members"),
        description=_("Logins separated by spaces or commas"),
        missing="",
    )


def _new_group_validator(users):
    def check(node, value):
        exc = colander.Invalid(node)
        gid = value["group_id"].strip().lower()
        problem = _new_id_problem(
            gid, users.groups.__contains__, _("This group exists."), login=False
        )
        if problem:
            exc["group_id"] = problem
        unknown = [m for m in _split_logins(value["members"]) if users.get(m) is None]
        if unknown:
            exc["members"] = _(
                "Unknown login(s): ${logins}", mapping={"logins": ", ".join(unknown)}
            )
        if exc.children:
            raise exc

    return check


def _split_logins(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").lower().split() if part]


@view_config(
    context=SiteRoot, name="groups", permission=MANAGE, renderer="congress_site:templates/groups.pt"
)
class GroupsView(BaseView):
    def __call__(self):
        users = self.request.site.users
        schema = AddGroupSchema(validator=_new_group_validator(users))
        form = make_form(schema, self.request, button=_("Add group"))
        if self.request.method == "POST":
            try:
                data = validate(form, self.request)
            except deform.ValidationFailure as failure:
                self.request.response.status = 400
                return self.page(form=failure.render(), groups=self.groups())
            gid = data["group_id"].strip().lower()
            users.add_group(gid, data["title"], sorted(data["roles"]))
            for login in _split_logins(data["members"]):
                users.join(login, gid)
            self.request.site.audit.add(
                "group_added",
                self.actor,
                client_address(self.request),
                group=gid,
                roles=sorted(data["roles"]),
                members=_split_logins(data["members"]),
            )
            self.flash(_("Group added."))
            return HTTPFound(self.request.resource_url(self.request.site, "@@groups"))
        return self.page(form=form.render(), groups=self.groups())

    def groups(self):
        users = self.request.site.users
        return [
            (group, sorted(users.memberships.get(gid, ()))) for gid, group in users.groups.items()
        ]

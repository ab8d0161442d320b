"""Site-wide pages: search, site map, users, audit log, error pages."""

from __future__ import annotations

import colander
import deform
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.view import exception_view_config, notfound_view_config, view_config

from ..catalog import walk
from ..content.base import SiteRoot
from ..i18n import _
from ..security.passwords import password_problems
from ..security.roles import GLOBAL_ROLES, MANAGE, VIEW
from ..security.users import UserError
from .content import BaseView
from .forms import make_form, validate

PAGE_SIZE = 30


def search_principals(request):
    identity = request.identity
    return identity.base_principals if identity is not None else {"system.Everyone"}


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
                    search_principals(self.request),
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
        for child in sorted(obj.values(), key=lambda c: c.created):
            if self.request.has_permission(VIEW, child):
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


@view_config(
    context=SiteRoot, name="users", permission=MANAGE, renderer="congress_site:templates/users.pt"
)
class UsersView(BaseView):
    def __call__(self):
        site = self.request.site
        form = make_form(AddUserSchema(), self.request, button=_("Add user"))
        if self.request.method == "POST":
            try:
                data = validate(form, self.request)
                problems = password_problems(data["password"], data["login"])
                if problems:
                    exc = colander.Invalid(form.schema)
                    exc["password"] = self.request.localizer.translate(problems[0])
                    raise deform.ValidationFailure(form, self.request.POST.items(), exc)
                try:
                    site.users.add_user(
                        data["login"],
                        data["password"],
                        data["fullname"],
                        data["email"],
                        sorted(data["roles"]),
                    )
                except UserError as err:
                    exc = colander.Invalid(form.schema)
                    exc["login"] = str(err)
                    raise deform.ValidationFailure(form, self.request.POST.items(), exc) from err
            except deform.ValidationFailure as failure:
                self.request.response.status = 400
                return self.page(form=failure.render(), users=site.users.users.values())
            site.audit.add(
                "user_added",
                self.actor,
                self.request.client_addr,
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

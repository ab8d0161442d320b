"""Generic content views derived from the type registry: view, add, edit,
delete, rename/move, folder contents, sharing, history, workflow, download."""

from __future__ import annotations

import functools
from typing import NamedTuple
from urllib.parse import quote

import colander
import deform
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound, HTTPNotFound
from pyramid.response import FileIter, Response
from pyramid.traversal import find_resource
from pyramid.view import view_config

from .. import chrome
from ..cache import mark_cacheable
from ..content import operations, versions
from ..content.base import Container, Content, NameError_, SiteRoot
from ..content.registry import get_type
from ..content.types import File
from ..i18n import _
from ..security import sharing
from ..security.policy import search_principals
from ..security.roles import DELETE, EDIT, LOCAL_ROLES, SHARE, VIEW, VIEW_HISTORY
from ..workflow import WorkflowError, transition

# BaseView is imported from here by the congress and ledger pages.
from .base import BaseView
from .forms import make_form, validate


class Row(NamedTuple):
    """One line of a listing (attribute access is fast in templates)."""

    url: str
    title: str
    type: str
    state: str | None
    description: str
    state_title: str = ""


@view_config(context=Content, permission=VIEW, api=False)
class ContentView(BaseView):
    def __call__(self):
        from pyramid.renderers import render_to_response

        ct = get_type(self.context.type_name)
        template = ct.view_template if ct else "congress_site:templates/content/view.pt"
        mark_cacheable(self.request)
        return render_to_response(template, self.page(), request=self.request)

    @functools.cached_property
    def children(self):
        return chrome.visible_children(self.context, self.request)

    def visible_children(self):
        return self.children

    @functools.cached_property
    def rows(self):
        """What a listing shows of each visible child, prepared in one pass:
        URLs are joined to the folder's (resource_url per child is slow)."""
        base = self.request.resource_url(self.context)
        translate = self.request.localizer.translate
        titles = {}
        rows = []
        for child in self.children:
            type_title = titles.get(child.type_name)
            if type_title is None:
                type_title = titles[child.type_name] = translate(self.type_title(child))
            rows.append(
                Row(
                    f"{base}{quote(child.__name__, safe='')}/",
                    child.title,
                    type_title,
                    child.review_state,
                    child.description,
                    self.state_title(child),
                )
            )
        return rows

    def event_when(self):
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(self.context.timezone or "UTC")
        start = self.context.start.astimezone(tz)
        end = self.context.end.astimezone(tz)
        fmt = self.layout.format_date
        return f"{fmt(start)} – {fmt(end)} ({self.context.timezone})"

    def size(self):
        from babel.numbers import format_decimal

        size = self.context.file.size
        if size < 1024:
            return f"{size} B"
        return f"{format_decimal(size / 1024, '#,##0.#', locale=self.layout.language)} KiB"


@view_config(context=File, name="download", permission=VIEW)
def download(context, request):
    if context.file is None:
        raise HTTPNotFound()
    response = Response(content_type=context.file.mimetype)
    response.app_iter = FileIter(context.file.open())
    response.content_length = context.file.size
    disposition = "inline" if context.file.is_image else "attachment"
    response.content_disposition = f'{disposition}; filename="{context.file.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _editor(ct, context, request) -> str | None:
    """The rich-text editor's configuration when the type has rich text."""
    from .editor import editor_config

    return editor_config(context, request) if ct.rich_text else None


def _edit_schema(ct, context=None):
    schema = ct.schema()
    if context is not None and "file" in schema:
        schema["file"].missing = None  # keep the current file unless a new one comes
    return schema


@view_config(context=Container, name="add", renderer="congress_site:templates/form.pt")
class AddView(BaseView):
    def __call__(self):
        ct = get_type(self.request.params.get("type", ""))
        if ct is None or self.context.type_name not in ct.addable_to:
            raise HTTPBadRequest(_("This type of content cannot be added here."))
        if not self.request.has_permission(ct.add_permission, self.context):
            from pyramid.httpexceptions import HTTPForbidden

            raise HTTPForbidden()
        form = make_form(_edit_schema(ct), self.request, action=self.request.url)
        heading = _("Add ${type}", mapping={"type": self.request.localizer.translate(ct.title)})
        editor = _editor(ct, self.context, self.request)
        if self.request.method == "POST":
            try:
                appstruct = validate(form, self.request)
            except deform.ValidationFailure as failure:
                return self.page(form=failure.render(), heading=heading, editor=editor)
            obj = operations.create(self.context, ct.name, appstruct, self.actor)
            self.flash(_("Added."))
            return HTTPFound(self.request.resource_url(obj))
        return self.page(form=form.render(), heading=heading, editor=editor)


@view_config(
    context=Content, name="edit", permission=EDIT, renderer="congress_site:templates/form.pt"
)
class EditView(BaseView):
    def __call__(self):
        ct = get_type(self.context.type_name)
        if ct is None:
            raise HTTPNotFound()
        schema = _edit_schema(ct, self.context)
        form = make_form(schema, self.request)
        heading = _("Edit ${title}", mapping={"title": self.context.title})
        editor = _editor(ct, self.context, self.request)
        if self.request.method == "POST":
            try:
                appstruct = validate(form, self.request)
            except deform.ValidationFailure as failure:
                return self.page(form=failure.render(), heading=heading, editor=editor)
            try:
                operations.edit(self.context, appstruct, self.actor)
            except operations.EditRefused as refused:
                error = colander.Invalid(form.schema)
                for name, message in refused.errors.items():
                    error[name] = message
                form.widget.handle_error(form, error)
                self.request.response.status = 409
                return self.page(form=form.render(appstruct), heading=heading, editor=editor)
            self.flash(_("Changes saved."))
            return HTTPFound(self.request.resource_url(self.context))
        current = {}
        for node in schema.children:
            value = getattr(self.context, node.name, None)
            if node.name == "file":
                continue
            current[node.name] = colander.null if value is None else value
        return self.page(form=form.render(current), heading=heading, editor=editor)


@view_config(
    context=Content, name="delete", permission=DELETE, renderer="congress_site:templates/confirm.pt"
)
class DeleteView(BaseView):
    def __call__(self):
        if self.context.__parent__ is None:
            raise HTTPBadRequest(_("The site itself cannot be deleted."))
        if self.request.method == "POST":
            parent = self.context.__parent__
            operations.delete(self.context, self.actor)
            self.flash(_("Deleted."))
            return HTTPFound(self.request.resource_url(parent))
        return self.page(
            heading=_("Delete ${title}", mapping={"title": self.context.title}),
            question=_("This removes the item and everything inside it."),
            button=_("Delete"),
        )


class RenameSchema(colander.Schema):
    name = colander.SchemaNode(
        colander.String(),
        title=_("Short name (in the address)"),
        validator=colander.Length(min=1, max=100),
    )
    target = colander.SchemaNode(
        colander.String(),
        title=_("Folder (path)"),
        description=_("The path of the folder it goes into, e.g. / or /about"),
    )


@view_config(
    context=Content, name="rename", permission=DELETE, renderer="congress_site:templates/form.pt"
)
class RenameView(BaseView):
    def __call__(self):
        if self.context.__parent__ is None:
            raise HTTPBadRequest(_("The site itself cannot be moved."))
        form = make_form(RenameSchema(), self.request)
        heading = _("Rename or move ${title}", mapping={"title": self.context.title})
        if self.request.method == "POST":
            try:
                appstruct = validate(form, self.request)
                target = self._target(form, appstruct["target"])
                operations.move(self.context, target, appstruct["name"], self.actor)
            except deform.ValidationFailure as failure:
                return self.page(form=failure.render(), heading=heading)
            except (NameError_, ValueError) as exc:
                form.error = colander.Invalid(form.schema, str(exc))
                form.widget.error = form.error
                return self.page(form=form.render(appstruct), heading=heading)
            self.flash(_("Moved."))
            return HTTPFound(self.request.resource_url(self.context))
        from pyramid.traversal import resource_path

        return self.page(
            form=form.render(
                {"name": self.context.__name__, "target": resource_path(self.context.__parent__)}
            ),
            heading=heading,
        )

    def _target(self, form, path):
        try:
            target = find_resource(self.request.site, path)
        except KeyError as exc:
            raise ValueError(f"there is no folder at {path}") from exc
        if not getattr(target, "folderish", False):
            raise ValueError(f"{path} is not a folder")
        ct = get_type(self.context.type_name)
        if not self.request.has_permission(ct.add_permission, target):
            raise ValueError(f"you may not add content in {path}")
        return target


@view_config(
    context=Container,
    name="contents",
    permission=VIEW,
    renderer="congress_site:templates/contents.pt",
)
class ContentsView(BaseView):
    def __call__(self):
        return self.page(items=chrome.visible_children(self.context, self.request))


@view_config(context=Content, name="workflow", request_method="POST", permission=VIEW)
def workflow_view(context, request):
    try:
        transition(context, request, request.POST.get("transition", ""))
    except WorkflowError as exc:
        raise HTTPBadRequest(exc.message) from exc
    request.site.catalog.index_subtree(context)
    request.session.flash(_("State changed."))
    return HTTPFound(request.resource_url(context))


@view_config(
    context=Content, name="sharing", permission=SHARE, renderer="congress_site:templates/sharing.pt"
)
class SharingView(BaseView):
    """Plone's Sharing page: who holds which role here (set here or inherited from the
    folders above), and a search by name to give roles to more users and groups. The
    rules are in ``security.sharing``, which the JSON API shares."""

    def __call__(self):
        if self.request.method == "POST":
            principal_id = self.request.POST.get("principal", "").strip()
            roles = self.request.POST.getall("roles")
            try:
                who = sharing.share(
                    self.context, self.request.site.users, principal_id, roles, self.actor
                )
            except sharing.SharingError as exc:
                self.flash(SHARING_ERRORS[exc.code])
                return HTTPFound(self.request.resource_url(self.context, "@@sharing"))
            # Translated now: the session keeps strings, not a message's mapping.
            message = _("Sharing updated for ${name}.", mapping={"name": who.label})
            self.flash(self.request.localizer.translate(message))
            return HTTPFound(self.request.resource_url(self.context, "@@sharing"))
        return self.page(roles=LOCAL_ROLES)

    @functools.cached_property
    def query(self) -> str:
        return self.request.GET.get("search", "").strip()[:100]

    @functools.cached_property
    def entries(self):
        return sharing.entries(self.context, self.request.site.users)

    @functools.cached_property
    def results(self):
        """Search results, without those already listed (their row has the checkboxes)."""
        listed = {e.principal.id for e in self.entries}
        found = sharing.search(self.request.site.users, self.query)
        return [p for p in found if p.id not in listed]

    def kind_title(self, principal) -> str:
        return _("Group") if principal.kind == "group" else _("User")

    def role_title(self, role) -> str:
        return self.request.localizer.translate(ROLE_TITLES.get(role, role))


SHARING_ERRORS = {
    "unknown_principal": _("Unknown user or group."),
    "unknown_role": _("That role cannot be given here."),
}
ROLE_TITLES = {
    "Owner": _("Owner"),
    "Editor": _("Can edit"),
    "Contributor": _("Can add"),
    "Reviewer": _("Can review"),
    "Reader": _("Can view"),
}


ACTION_TITLES = {
    "created": _("Created"),
    "edited": _("Edited"),
    "reverted": _("Reverted"),
    "workflow": _("State changed"),
    "moved": _("Moved"),
}


@view_config(
    context=Content,
    name="history",
    permission=VIEW_HISTORY,
    renderer="congress_site:templates/history.pt",
)
class HistoryView(BaseView):
    """Who did what, when; the difference between any two versions of every field
    (``?a=N&b=M``, version numbers as in ``@history``); reverting to a version."""

    def __call__(self):
        return self.page(entries=self.entries, count=len(self.context.history))

    @functools.cached_property
    def entries(self):
        return list(reversed(list(enumerate(self.context.history))))

    @functools.cached_property
    def versions(self) -> dict:
        return {v.number: v for v in versions.versions(self.context)}

    @staticmethod
    def _number(text) -> int:
        """A version number from the query (plain ASCII digits), else a 400."""
        if not isinstance(text, str) or not (text.isascii() and text.isdigit()):
            raise HTTPBadRequest(_("The version must be a number."))
        return int(text)

    def previous_version(self, number: int):
        older = [n for n in self.versions if n < number]
        return max(older) if older else None

    @functools.cached_property
    def comparison(self):
        """(before, after, field diffs) asked for, or None. ``?version=N`` (the older
        link) compares N with the version before it."""
        params = self.request.GET
        if "b" not in params and "version" not in params:
            return None
        b = self._number(params.get("b", params.get("version")))
        a = self._number(params["a"]) if "a" in params else self.previous_version(b)
        for n in (a, b):
            if n is not None and n >= len(self.context.history):
                raise HTTPNotFound()
            if n is not None and n not in self.versions:
                # A workflow change or a move: the fields did not change there.
                raise HTTPBadRequest(_("This entry of the history is not a version."))
        if a is None:
            raise HTTPBadRequest(_("There is no earlier version to compare with."))
        before, after = sorted((self.versions[a], self.versions[b]), key=lambda v: v.number)
        ct = get_type(self.context.type_name)
        rich = ct.rich_text if ct else ()
        return before, after, versions.diff(before, after, rich)

    def compared(self, side: int):
        """The number of the version compared on ``side`` (0: from, 1: to), if any."""
        return self.comparison[side].number if self.comparison else None

    @functools.cached_property
    def field_titles(self) -> dict:
        ct = get_type(self.context.type_name)
        return {node.name: node.title for node in ct.schema().children} if ct else {}

    def field_title(self, name) -> str:
        return self.request.localizer.translate(self.field_titles.get(name, name))

    def action_title(self, entry) -> str:
        return self.request.localizer.translate(ACTION_TITLES.get(entry["action"], entry["action"]))

    def who(self, entry) -> str:
        user = self.request.site.users.get(entry.get("actor") or "")
        return user.fullname if user is not None else (entry.get("actor") or "—")

    def version_label(self, version) -> str:
        return self.request.localizer.translate(
            _(
                "version ${number} of ${date}",
                mapping={
                    "number": version.number,
                    "date": self.layout.format_date(version.entry["time"]),
                },
            )
        )

    def revert_label(self, version):
        return _("Revert to ${version}", mapping={"version": self.version_label(version)})

    def value(self, value) -> str:
        """A field value as text for the comparison (not text fields, which show words)."""
        if value is versions.UNKNOWN:
            return self.request.localizer.translate(_("(not recorded)"))
        if value is None or value == "":
            return "—"
        if hasattr(value, "hour"):
            return self.layout.format_date(value)
        if hasattr(value, "filename"):
            return value.filename
        return str(value)

    @staticmethod
    def changes_html(changes) -> str:
        """Word changes as markup: deleted words in <del>, inserted ones in <ins>."""
        from html import escape

        tags = {"delete": "del", "insert": "ins"}
        return "".join(
            f"<{tags[op]}>{escape(text)}</{tags[op]}>" if op in tags else escape(text)
            for op, text in changes
        )

    @property
    def can_revert(self) -> bool:
        return bool(self.request.has_permission(EDIT, self.context))

    @property
    def latest(self):
        return max(self.versions) if self.versions else None


@view_config(context=Content, name="revert", request_method="POST", permission=EDIT)
def revert_view(context, request):
    """Bring the fields back to a version: a new version, in the history and the audit log."""
    url = request.resource_url(context, "@@history")
    try:
        number = int(request.POST.get("version", ""))
        changed = versions.revert(context, number, request.authenticated_userid)
    except operations.EditRefused as refused:
        for message in refused.errors.values():
            request.session.flash(message)
        return HTTPFound(url)
    except ValueError:  # not a number, or no such version
        raise HTTPBadRequest(_("There is no such version.")) from None
    if changed:
        message = _("Reverted to version ${number}.", mapping={"number": number})
        request.session.flash(request.localizer.translate(message))
    else:
        request.session.flash(_("That version is the current one: nothing changed."))
    return HTTPFound(url)


FRONT_PAGE = "front-page"


@view_config(
    context=SiteRoot, permission=VIEW, api=False, renderer="congress_site:templates/front.pt"
)
class FrontPage(ContentView):
    """The site's home: the `front-page` Page when there is one, the latest
    news and the coming events, each filtered by what the visitor may see."""

    def __call__(self):
        mark_cacheable(self.request)
        return self.page()

    @functools.cached_property
    def front(self):
        page = self.context.get(FRONT_PAGE)
        if page is not None and self.request.has_permission(VIEW, page):
            return page
        return None

    def _latest(self, type_name, sort, reverse, limit=5):
        _total, found = self.request.site.catalog.search(
            self.request.site,
            search_principals(self.request.identity),
            types=[type_name],
            sort=sort,
            reverse=reverse,
            limit=limit,
        )
        return found

    @functools.cached_property
    def news(self):
        return self._latest("News Item", "created", True)

    @functools.cached_property
    def events(self):
        from ..clock import utcnow

        now = utcnow()
        return [e for e in self._latest("Event", "created", True, 20) if e.end >= now][:5]

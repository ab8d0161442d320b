"""The members folder: the member organisations the visitor may see."""

from __future__ import annotations

from pyramid.renderers import render_to_response
from pyramid.view import view_config

from ....security.roles import VIEW
from ...models import LedgerFolder
from . import TEMPLATES
from .base import LedgerView


class FolderView(LedgerView):
    def visible_members(self):
        return [m for m in self.context.members() if self.request.has_permission(VIEW, m)]


@view_config(context=LedgerFolder, permission=VIEW, api=False)
def folder_page(context, request):
    view = FolderView(context, request)
    return render_to_response(TEMPLATES + "members.pt", view.page(), request=request)

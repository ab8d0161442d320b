"""deform forms built from the content type declarations, with a CSRF field."""

from __future__ import annotations

import colander
import deform
from pyramid.csrf import get_csrf_token

from ..i18n import _

CSRF_FIELD = "csrf_token"


def with_csrf(schema: colander.SchemaNode, request) -> colander.SchemaNode:
    schema.add(
        colander.SchemaNode(
            colander.String(),
            name=CSRF_FIELD,
            widget=deform.widget.HiddenWidget(),
            default=get_csrf_token(request),
            missing="",
        )
    )
    return schema


def make_form(schema, request, button=_("Save"), **kw) -> deform.Form:
    schema = with_csrf(schema.bind(request=request), request)
    return deform.Form(
        schema,
        buttons=(deform.Button("submit", button),),
        formid="content-form",
        **kw,
    )


def validate(form: deform.Form, request) -> dict:
    """Validate the POSTed form; raises deform.ValidationFailure."""
    appstruct = form.validate(request.POST.items())
    appstruct.pop(CSRF_FIELD, None)
    return appstruct

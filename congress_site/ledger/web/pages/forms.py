"""The ledger's small forms framework: a form page that stores through the store and
redirects, or shows the form again with the refusal and a 4xx status; and the
conversions of posted text to the domain's values."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from pyramid.httpexceptions import HTTPFound
from pyramid.renderers import render_to_response

from ... import display
from ...errors import LedgerError, MonthClosed
from . import TEMPLATES
from .terms import FIELD_TERMS


class FormError(NamedTuple):
    field: str  # the form field it concerns ("shares"), "" when none
    label: str
    message: str
    detail: str


def error_status(exc: LedgerError) -> int:
    """Same mapping as the JSON API: a closed month is a conflict, the rest bad input."""
    return 409 if isinstance(exc, MonthClosed) else 400


def form_page(view, template: str, apply):
    """A coordinators' form page. GET shows it; POST calls ``apply(params)``, which stores
    through the ledger store and returns the message to flash, then redirects back to the
    page; a refusal shows the form again with ``view.refuse``'s error and 4xx status (any
    4xx aborts the transaction: nothing is stored)."""
    request = view.request
    status = 200
    if request.method == "POST":
        try:
            message = apply(request.POST)
        except LedgerError as exc:
            status = view.refuse(exc)
        else:
            view.flash(message)
            return HTTPFound(request.resource_url(view.context, "@@" + request.view_name))
    response = render_to_response(TEMPLATES + template, view.page(), request=request)
    response.status_int = status
    return response


def form_field(path: str) -> str:
    """The form field of a domain field path: "subscription.amount_per_share" ->
    "amount_per_share", "rates.EUR" -> "rates"."""
    parts = re.sub(r"\[\d+\]", "", path or "").split(".")
    for part in reversed(parts):
        if part in FIELD_TERMS:
            return part
    return ""


def decimal_text(value: str | None, locale: str) -> str:
    """Form input as the domain's dot decimal string, read in the user's locale: French,
    Spanish and Portuguese users type a decimal comma ("40,00")."""
    return display.parse_number(value, locale)


def hours_value(minutes: int, locale: str) -> str:
    """Minutes as decimal hours for a form field, in the user's locale ("12,5" in French)."""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize()
    return display.number_input(format(value, "f"), locale)


def whole_number(value: str | None):
    """Digits from a form become an int; anything else goes on to the domain, which
    refuses it with its own message."""
    text = (value or "").strip()
    return int(text) if text.isdigit() else text

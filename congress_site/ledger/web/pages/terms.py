"""Translated words for the domain's codes: categories, item statuses, error codes and
the form fields an error concerns."""

from __future__ import annotations

from ..i18n import _

CATEGORY_TERMS = {"maintenance": _("maintenance"), "development": _("development")}
STATUS_TERMS = {
    "proposed": _("proposed"),
    "allocated": _("allocated"),
    "in_progress": _("in progress"),
    "done": _("done"),
}

# What a coordinator should do about each domain error, in their language; the domain's
# English detail is shown below it, so nothing it says is lost.
ERROR_TERMS = {
    # ${amount} and ${hours} are examples written in the user's locale ("15,00" in French).
    "invalid_amount": _("Write an amount like ${amount}, with at most two decimals, not negative."),
    "unknown_currency": _("That currency is not known to the ledger."),
    "invalid_month": _("Write a month as YYYY-MM, for example 2026-03."),
    "invalid_range": _("The end month cannot be before the start month."),
    "month_closed": _(
        "That change would touch a closed month, whose figures are frozen. "
        "Make it in an open month."
    ),
    "invalid_minutes": _("Write hours like 12 or ${hours}, in whole minutes."),
    "invalid_date": _("Choose a date, or write it as YYYY-MM-DD."),
    "currency_mismatch": _("That amount is not in the member's currency."),
    "duplicate_subscription_start": _("Another subscription already starts in that month."),
    "duplicate_item": _("A development item with that short name exists already."),
    "not_open": _("There is no open subscription to end."),
    "confirm_close": _("Closing a month cannot be undone: tick the box to confirm."),
    "required": _("This field is required."),
    # The domain's catch-all code, made specific by the field it concerns.
    "invalid_entry shares": _("Write a whole number of shares: 0 or more."),
    "invalid_entry status": _("Choose one of the listed statuses."),
}
FIELD_TERMS = {
    "from": _("From"),
    "until": _("Until"),
    "shares": _("Shares"),
    "amount_per_share": _("Amount per share"),
    "subscriptions": _("Subscriptions"),
    "month": _("Month"),
    "hours": _("Hours bought"),
    "development_hours": _("of which development"),
    "development_minutes": _("of which development"),
    "hourly_rate": _("Hourly rate (CAD)"),
    "server_cost": _("Server costs (CAD)"),
    "rates": _("Exchange rate"),
    "id": _("Short name"),
    "title": _("Title"),
    "description": _("Description"),
    "allocated_hours": _("Hours allocated"),
    "allocated_minutes": _("Hours allocated"),
    "status": _("Status"),
    "amount": _("Amount"),
    "cad_received": _("Received in CAD"),
    "currency": _("Currency"),
    "date": _("Date"),
    "reference": _("Reference"),
    "note": _("Note"),
    "reason": _("Reason"),
}

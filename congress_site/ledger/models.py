"""Persistent ledger content: the ``members`` folder (home of the ledger) and ``Member``.

Registration with the content type registry is an import side effect; ``ledger.web``
imports this module.

Storage layout, designed so concurrent writers touch different objects:

* ``Member``: its own ``entries`` OOBTree (payments and reversals, keyed by id) and
  ``reversed_ids`` OOTreeSet. Ids start with the entry's ISO date
  (``2026-03-15-3f9a0c1d``), so one month's entries are a key range and two payments
  for different members never write the same object.
* ``LedgerFolder`` (``/members``): ``time_entries`` (interventions, date-prefixed random
  ids: concurrent inserts of distinct keys merge), ``credits`` (month -> MonthCredit),
  ``items`` (development items), ``closed`` (month -> ClosedRecord, one persistent record
  per month so a statement loads only the months it shows), ``server_costs``.

No counters, no global sequence numbers. The values stored are the frozen dataclasses
of the pure ledger modules; corrections append reversing entries, nothing is edited.
"""

from __future__ import annotations

import colander
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

from ..content.base import Container, Item
from ..content.registry import content_type
from ..content.types import choice_node
from ..security.roles import ALL_PERMISSIONS, DENY_ALL, VIEW, Allow, role_principal
from .money import CURRENCIES
from .months import Month
from .subscriptions import SubscriptionHistory
from .web.i18n import _

# Permissions of the ledger. Managers (coordinators) hold every permission.
LOG_TIME = "ledger_log_time"  # log interventions: Sysadmin (global or local role)
MANAGE_LEDGER = "ledger_manage"  # payments, credits, items, month close: Manager only

CONTACT_ROLE = "Reader"  # local role of a member's contact persons on its Member
SYSADMIN_ROLE = "Sysadmin"
MEMBER_ROLE = "Member"


def _text_node(name, title, missing=colander.required, max_length=200):
    return colander.SchemaNode(
        colander.String(),
        name=name,
        title=title,
        missing=missing,
        validator=colander.Length(min=0 if missing is not colander.required else 1, max=max_length),
    )


def folder_schema():
    schema = colander.Schema()
    schema.add(_text_node("title", _("Title")))
    schema.add(_text_node("description", _("Summary"), missing="", max_length=2000))
    return schema


def member_schema():
    schema = folder_schema()
    schema["title"].title = _("Organisation name")
    currencies = sorted(CURRENCIES)
    schema.add(choice_node("currency", _("Currency of its shares"), currencies, "EUR"))
    return schema


@content_type(
    name="Members",
    title=_("Members folder"),
    schema=folder_schema,
    addable_to=("Site",),
    workflow=None,
)
class LedgerFolder(Container):
    """The konbit's members and the collective-wide ledger data."""

    opening_reserve = 0  # development reserve brought in before the first close, minutes

    def __init__(self, title: str = "", description: str = "", **fields):
        super().__init__(title, description, **fields)
        self.review_state = None
        self.credits = OOBTree()  # "YYYY-MM" -> MonthCredit
        self.server_costs = OOBTree()  # "YYYY-MM" -> Money (CAD), reporting only
        self.items = OOBTree()  # item id -> DevelopmentItem
        self.time_entries = OOBTree()  # id -> Intervention | InterventionReversal
        self.time_reversed = OOTreeSet()  # ids of reversed interventions
        self.closed = OOBTree()  # "YYYY-MM" -> ClosedRecord
        self.alerts_notified = OOBTree()  # "YYYY-MM" -> tuple of thresholds mailed

    @property
    def __acl__(self):
        return [
            (Allow, role_principal("Manager"), ALL_PERMISSIONS),
            (Allow, role_principal(SYSADMIN_ROLE), (VIEW, LOG_TIME)),
            (Allow, role_principal(MEMBER_ROLE), VIEW),
            DENY_ALL,
        ]

    def members(self):
        """The Member objects, by id."""
        return [obj for obj in self.values() if isinstance(obj, Member)]

    def last_closed(self) -> Month | None:
        if not self.closed:
            return None
        return Month.parse(self.closed.maxKey())


class ClosedRecord(Persistent):
    """One closed month, in its own database record."""

    def __init__(self, closed, closed_by: str | None, closed_at):
        self.closed = closed  # ledger.closing.ClosedMonth
        self.closed_by = closed_by
        self.closed_at = closed_at


@content_type(
    name="Member",
    title=_("Member organisation"),
    schema=member_schema,
    addable_to=("Members",),
    workflow=None,
    view_template="congress_site:templates/ledger/statement.pt",
)
class Member(Item):
    """An organisation of the konbit: its subscription history and its ledger entries."""

    currency = "EUR"
    subscriptions: tuple = ()
    imported_contacts: tuple = ()  # logins given the contact role by import-members

    def __init__(self, title: str = "", description: str = "", currency: str = "EUR", **fields):
        super().__init__(title, description, **fields)
        self.review_state = None
        self.currency = currency
        self.subscriptions = ()
        self.entries = OOBTree()  # id -> Payment | Reversal (ids start with the date)
        self.reversed_ids = OOTreeSet()

    @property
    def __acl__(self):
        return [
            (Allow, role_principal("Manager"), ALL_PERMISSIONS),
            (Allow, role_principal(CONTACT_ROLE), VIEW),
            DENY_ALL,
        ]

    @property
    def member_id(self) -> str:
        return self.__name__

    def refuse_edit(self, values: dict) -> dict:
        """Recorded payments and subscriptions are in the member's currency:
        changing it afterwards would silently reinterpret them."""
        currency = values.get("currency", self.currency)
        if currency != self.currency and (len(self.entries) or self.subscriptions):
            return {
                "currency": _(
                    "The currency cannot change once subscriptions or payments are recorded."
                )
            }
        return {}

    @property
    def subscription_history(self) -> SubscriptionHistory:
        cached = getattr(self, "_v_history", None)
        key = (self.currency, self.subscriptions)
        if cached is None or cached[0] != key:
            cached = (key, SubscriptionHistory(self.currency, self.subscriptions))
            self._v_history = cached
        return cached[1]

    def month_entries(self, month: Month):
        """This member's entries dated in ``month`` (a key range, no scan)."""
        prefix = str(month)
        return list(self.entries.values(min=prefix, max=prefix + "-\uffff"))

    def contacts(self) -> list[str]:
        return sorted(
            p.removeprefix("user:")
            for p, roles in self.local_roles.items()
            if p.startswith("user:") and CONTACT_ROLE in roles
        )

    def json_extra(self, request) -> dict:
        return {
            "currency": self.currency,
            "subscriptions": [
                {
                    "from": str(s.start),
                    "shares": s.shares,
                    "amount_per_share": s.amount_per_share.format(),
                    "until": str(s.until) if s.until else None,
                }
                for s in self.subscriptions
            ],
            "contacts": self.contacts(),
            "statement": request.resource_url(self, "@statement"),
        }

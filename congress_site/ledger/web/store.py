"""Ledger operations on the persistent objects: the one place that writes the ledger.

Views, the API, the CLI, the importer and the demo all call these functions. Each one
validates completely (with the pure modules' checks) before it writes anything and
raises a :class:`~.errors.LedgerError` otherwise, so a failed call stores nothing even
outside a web transaction. No Pyramid imports here.
"""

from __future__ import annotations

import dataclasses
import datetime
import secrets
from collections.abc import Iterable

from ...clock import today, utcnow
from ..closing import ClosedMonth, MonthSummary, close_month, summarize_month
from ..entries import Payment, Reversal, check_new_entry, ensure_open, parse_date, reverse
from ..errors import InvalidAmount, InvalidEntry, InvalidMinutes, InvalidMonth, MonthClosed
from ..models import ClosedRecord, LedgerFolder, Member
from ..money import BASE_CURRENCY, Money, get_currency, parse_money
from ..months import Month, month_range, plausible_window, require_plausible
from ..statement import Statement, statement
from ..subscriptions import (
    Subscription,
    SubscriptionHistory,
    check_history_change,
    check_plausible_lines,
)
from ..timecredit import (
    CATEGORIES,
    ITEM_STATUSES,
    MAINTENANCE,
    DevelopmentItem,
    ExchangeRate,
    Intervention,
    MonthCredit,
    check_new_time_entry,
    parse_hours,
    reverse_intervention,
)

FOLDER_NAME = "members"


def new_id(date: datetime.date) -> str:
    """Date-prefixed random id: a month's entries form a key range; no sequence object."""
    return f"{date.isoformat()}-{secrets.token_hex(4)}"


# -- the folder ---------------------------------------------------------------------------
def get_folder(site, create: bool = False) -> LedgerFolder | None:
    folder = site.get(FOLDER_NAME)
    if isinstance(folder, LedgerFolder):
        return folder
    if folder is not None or not create:
        return None
    from ...content import operations

    return operations.create(
        site, "Members", {"title": "Members", "description": ""}, None, name=FOLDER_NAME
    )


class ClosedMonths:
    """The closed months as the pure functions want them: ``month in closed`` is true for
    every month up to the last close (earlier months are frozen too), ``closed.get(m)``
    gives the ClosedMonth."""

    def __init__(self, folder: LedgerFolder):
        self.folder = folder
        self.last = folder.last_closed()

    def __contains__(self, month: object) -> bool:
        return isinstance(month, Month) and self.last is not None and month <= self.last

    def get(self, month: Month, default=None) -> ClosedMonth | None:
        record = self.folder.closed.get(str(month))
        return record.closed if record is not None else default

    def __iter__(self):
        for key in self.folder.closed.keys():
            yield Month.parse(key)


# -- input parsing shared by the API, the forms and the CLI ---------------------------------
def parse_month(text: object, field: str = "month") -> Month:
    return Month.parse(text, field)


def parse_minutes(value: object, field: str = "minutes") -> int:
    """An int, or a string of digits (forms, CLI). Range checks stay with the domain."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InvalidMinutes(field, f"{value!r} is not a whole number of minutes")


def optional_text(value: object, field: str, max_length: int = 2000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidEntry(field, "must be text")
    if len(value) > max_length:
        raise InvalidEntry(field, f"is longer than {max_length} characters")
    return value.strip()


def plausible_day(day: datetime.date, window: tuple[Month, Month], field: str = "date"):
    require_plausible(Month.of(day), window, field, day.isoformat())
    return day


def member_window(member: Member) -> tuple[Month, Month]:
    """The months a date of ``member``'s entries may fall in (``months.plausible_window``)."""
    return plausible_window(member.subscription_history.months(), today())


def ledger_window(folder: LedgerFolder) -> tuple[Month, Month]:
    """The months the collective's dates (time, credits) may fall in: around today, every
    member's subscription history and the months already credited."""
    anchors = [m for member in folder.members() for m in member.subscription_history.months()]
    anchors += [Month.parse(key) for key in folder.credits.keys()]
    return plausible_window(anchors, today())


# -- payments ---------------------------------------------------------------------------------
def _append_entry(folder: LedgerFolder, member: Member, entry):
    """Check a new member entry against the ledger's rules, then store it."""
    check_new_entry(
        entry,
        member_currency=member.currency,
        existing=member.entries,
        reversed_ids=member.reversed_ids,
        closed_months=ClosedMonths(folder),
    )
    member.entries[entry.id] = entry
    return entry


def _append_time_entry(folder: LedgerFolder, entry):
    """Check a new intervention (or its reversal) against the rules, then store it."""
    check_new_time_entry(
        entry,
        existing=folder.time_entries,
        reversed_ids=folder.time_reversed,
        items=folder.items,
        closed_months=ClosedMonths(folder),
    )
    folder.time_entries[entry.id] = entry
    return entry


def record_payment(
    folder: LedgerFolder,
    member: Member,
    *,
    date: object,
    amount: object,
    currency: object = None,
    cad_received: object = None,
    reference: object = "",
    note: object = "",
) -> Payment:
    """Record money received from ``member``. ``amount`` is a decimal string in
    ``currency`` (default: the member's); ``cad_received`` is required unless the payment
    is in CAD, where it defaults to the amount."""
    currency = member.currency if currency is None else currency
    get_currency(currency)
    money = parse_money(amount, currency, field="amount", allow_zero=False)
    if cad_received is None:
        if currency != BASE_CURRENCY:
            raise InvalidAmount("cad_received", "is required for a payment not in CAD")
        cad = money
    else:
        cad = parse_money(cad_received, BASE_CURRENCY, field="cad_received", allow_zero=False)
    day = plausible_day(parse_date(date), member_window(member))
    payment = Payment(
        id=new_id(day),
        member_id=member.member_id,
        date=day,
        amount=money,
        cad_received=cad,
        reference=optional_text(reference, "reference", 200),
        note=optional_text(note, "note"),
    )
    return _append_entry(folder, member, payment)


def reverse_payment(
    folder: LedgerFolder, member: Member, *, reverses: object, date: object, reason: object
) -> Reversal:
    day = plausible_day(parse_date(date), member_window(member))
    if not isinstance(reverses, str) or reverses not in member.entries:
        raise InvalidEntry(
            "reverses", f"no entry {reverses!r} for this member", code="unknown_entry"
        )
    reason = optional_text(reason, "reason")
    if not reason:
        raise InvalidEntry("reason", "say why the entry is corrected", code="required")
    reversal = reverse(member.entries[reverses], id=new_id(day), date=day, reason=reason)
    _append_entry(folder, member, reversal)
    member.reversed_ids.add(reverses)
    return reversal


# -- subscriptions ------------------------------------------------------------------------------
# Monthly amount per share the collective suggests; members pay "according to their means",
# so this is only the default of a form, never a rule.
SUGGESTED_AMOUNT_PER_SHARE = {"EUR": "15.00", "CAD": "20.00"}


def parse_subscription(line: object, currency: str, where: str = "subscription") -> Subscription:
    """One line of a history from its JSON/form shape ``{from, shares, amount_per_share,
    until?}``; ``shares`` must already be an int (a form turns digits into one)."""
    if not isinstance(line, dict):
        raise InvalidEntry(where, "must be an object")
    unknown = set(line) - {"from", "shares", "amount_per_share", "until"}
    if unknown:
        raise InvalidEntry(where, f"unknown key(s): {', '.join(sorted(unknown))}")
    shares = line.get("shares")
    if not isinstance(shares, int) or isinstance(shares, bool) or shares < 0:
        raise InvalidEntry(f"{where}.shares", f"{shares!r} must be an integer >= 0")
    until = line.get("until")
    return Subscription(
        start=Month.parse(line.get("from"), f"{where}.from"),
        shares=shares,
        amount_per_share=parse_money(
            line.get("amount_per_share"), currency, field=f"{where}.amount_per_share"
        ),
        until=None if until is None else Month.parse(until, f"{where}.until"),
    )


def parse_subscriptions(data: object, currency: str, field: str = "subscriptions") -> tuple:
    if not isinstance(data, list):
        raise InvalidEntry(field, "must be a list of subscriptions")
    lines = [parse_subscription(line, currency, f"{field}[{i}]") for i, line in enumerate(data)]
    SubscriptionHistory(currency, lines)  # validates overlaps and currencies
    return tuple(sorted(lines, key=lambda s: s.start))


def set_subscriptions(folder: LedgerFolder, member: Member, subscriptions: Iterable) -> bool:
    """Replace the history; refused when it would change the dues of a closed month."""
    new = SubscriptionHistory(member.currency, subscriptions)
    if new == member.subscription_history:
        return False
    check_plausible_lines(member.subscription_history, new, today())
    check_history_change(member.subscription_history, new, ClosedMonths(folder))
    member.subscriptions = new.subscriptions
    return True


def add_subscription(folder: LedgerFolder, member: Member, line: Subscription) -> bool:
    """Add a line: from its start month it supersedes the line before it."""
    return set_subscriptions(folder, member, (*member.subscriptions, line))


def end_subscription(folder: LedgerFolder, member: Member, until: Month) -> Subscription:
    """End the membership after ``until``. Only the latest line decides the dues from its
    start on, so that is the one that gets the end month."""
    lines = member.subscription_history.subscriptions
    if not lines or lines[-1].until is not None:
        raise InvalidEntry("until", "there is no open subscription to end", code="not_open")
    ended = dataclasses.replace(lines[-1], until=until)
    set_subscriptions(folder, member, (*lines[:-1], ended))
    return ended


def remove_subscription(folder: LedgerFolder, member: Member, start: Month) -> bool:
    """Drop a mistaken line; refused like any change that reaches a closed month."""
    lines = member.subscription_history.subscriptions
    kept = tuple(s for s in lines if s.start != start)
    if len(kept) == len(lines):
        raise InvalidEntry("from", f"no subscription starts in {start}", code="unknown_entry")
    return set_subscriptions(folder, member, kept)


# -- time credit ----------------------------------------------------------------------------------
def set_credit(
    folder: LedgerFolder,
    month: Month,
    *,
    hours: object,
    hourly_rate: object,
    development_hours: object = "0",
    rates: object = None,
    server_cost: object = None,
) -> MonthCredit:
    """Create or replace the time-credit record of an open month, its server cost
    included: ``None`` leaves the month without one. ``rates`` maps a currency to the CAD
    value of one unit as a decimal string (``{"EUR": "1.50"}``)."""
    ensure_open(month, ClosedMonths(folder), field="month")
    require_plausible(month, ledger_window(folder), "month", str(month))
    exchange = []
    for code, value in (rates or {}).items():
        get_currency(code, field="rates")
        cad = parse_money(value, BASE_CURRENCY, field=f"rates.{code}", allow_zero=False)
        exchange.append(ExchangeRate(code, cad.cents, 100))
    credit = MonthCredit(
        month=month,
        minutes_bought=parse_hours(hours, "hours"),
        hourly_rate=parse_money(hourly_rate, BASE_CURRENCY, field="hourly_rate"),
        development_minutes=parse_hours(development_hours, "development_hours"),
        rates=tuple(exchange),
    )
    cost = None
    if server_cost is not None:
        cost = parse_money(server_cost, BASE_CURRENCY, field="server_cost")
    folder.credits[str(month)] = credit
    if cost is not None:
        folder.server_costs[str(month)] = cost
    else:  # replaced as a whole: a cleared field or an absent key removes it
        folder.server_costs.pop(str(month), None)
    return credit


def save_item(
    folder: LedgerFolder,
    item_id: object,
    *,
    title: object,
    allocated_hours: object = None,
    allocated_minutes: int = 0,
    status: object = "proposed",
    description: object = "",
) -> DevelopmentItem:
    """Create or replace a development item; ``allocated_hours`` (decimal string) wins
    over ``allocated_minutes``."""
    if not isinstance(item_id, str) or not item_id:
        raise InvalidEntry("id", "an item needs an id", code="required")
    if status not in ITEM_STATUSES:
        raise InvalidEntry("status", f"{status!r} is not one of {', '.join(ITEM_STATUSES)}")
    item = DevelopmentItem(
        id=item_id,
        title=optional_text(title, "title", 200),
        allocated_minutes=(
            allocated_minutes
            if allocated_hours is None
            else parse_hours(allocated_hours, "allocated_hours")
        ),
        status=status,
        description=optional_text(description, "description"),
    )
    folder.items[item.id] = item
    return item


def create_item(folder: LedgerFolder, item_id: object, **values) -> DevelopmentItem:
    """A new development item; an existing id is refused, not overwritten."""
    if isinstance(item_id, str) and item_id in folder.items:
        raise InvalidEntry("id", f"an item {item_id!r} exists", code="duplicate_item")
    return save_item(folder, item_id, **values)


def update_item(folder: LedgerFolder, item_id: object, **changes) -> DevelopmentItem:
    """Change some fields of an existing item, keeping the others."""
    current = folder.items.get(item_id) if isinstance(item_id, str) else None
    if current is None:
        raise InvalidEntry("id", f"no development item {item_id!r}", code="unknown_item")
    values = {
        "title": current.title,
        "allocated_minutes": current.allocated_minutes,
        "status": current.status,
        "description": current.description,
        **changes,
    }
    if "allocated_hours" in changes:
        values.pop("allocated_minutes")
    return save_item(folder, current.id, **values)


def log_intervention(
    folder: LedgerFolder,
    *,
    minutes: object,
    category: object,
    description: object,
    logged_by: str,
    date: object = None,
    item_id: object = None,
) -> Intervention:
    day = today() if date in (None, "") else parse_date(date)
    plausible_day(day, ledger_window(folder))
    if category not in CATEGORIES:
        raise InvalidEntry(
            "category",
            f"{category!r} is not one of {', '.join(CATEGORIES)}",
            code="invalid_category",
        )
    if item_id == "" or (category == MAINTENANCE and item_id is None):
        item_id = None
    entry = Intervention(
        id=new_id(day),
        date=day,
        minutes=parse_minutes(minutes),
        category=category,
        description=optional_text(description, "description"),
        logged_by=logged_by,
        item_id=item_id,
    )
    return _append_time_entry(folder, entry)


def reverse_time_entry(
    folder: LedgerFolder, *, reverses: object, date: object, reason: object, logged_by: str
):
    day = today() if date in (None, "") else parse_date(date)
    plausible_day(day, ledger_window(folder))
    original = folder.time_entries.get(reverses) if isinstance(reverses, str) else None
    if original is None:
        raise InvalidEntry("reverses", f"no intervention {reverses!r}", code="unknown_entry")
    reason = optional_text(reason, "reason")
    if not reason:
        raise InvalidEntry("reason", "say why the intervention is corrected", code="required")
    entry = reverse_intervention(
        original, id=new_id(day), date=day, reason=reason, logged_by=logged_by
    )
    _append_time_entry(folder, entry)
    folder.time_reversed.add(reverses)
    return entry


def month_time_entries(folder: LedgerFolder, month: Month) -> list:
    prefix = str(month)
    return list(folder.time_entries.values(min=prefix, max=prefix + "-\uffff"))


def used_minutes(folder: LedgerFolder, month: Month) -> int:
    return sum(e.signed_minutes for e in month_time_entries(folder, month))


# -- month summaries and the close ---------------------------------------------------------------
def month_dues(folder: LedgerFolder, month: Month) -> dict[str, Money]:
    dues = {}
    for member in folder.members():
        amount = member.subscription_history.dues(month)
        if amount.cents:
            dues[member.member_id] = amount
    return dues


def month_entries(folder: LedgerFolder, month: Month) -> list:
    out = []
    for member in folder.members():
        out.extend(member.month_entries(month))
    return out


def close(folder: LedgerFolder, month: Month, actor: str | None) -> ClosedMonth:
    """Close ``month``: the next one after the last close (any month for the first)."""
    closed = ClosedMonths(folder)
    if month in closed:
        raise MonthClosed("month", f"{month} is already closed")
    if closed.last is not None and month != closed.last.next():
        raise InvalidEntry(
            "month",
            f"close {closed.last.next()} first; months close in order",
            code="close_out_of_order",
        )
    credit = folder.credits.get(str(month))
    if credit is None:
        raise InvalidEntry(
            "month",
            f"{month} has no time-credit record; set the hours bought first",
            code="no_credit",
        )
    result = close_month(
        month,
        closed.get(closed.last) if closed.last is not None else None,
        credit=credit,
        entries=month_entries(folder, month),
        time_entries=month_time_entries(folder, month),
        dues=month_dues(folder, month),
        opening_reserve=folder.opening_reserve,
    )
    folder.closed[str(month)] = ClosedRecord(result, actor, utcnow())
    return result


def summaries(
    folder: LedgerFolder, first: Month, last: Month, *, with_entries: bool = True
) -> dict[Month, MonthSummary]:
    """Month -> summary for ``first..last``: the frozen one of closed months, a
    provisional one for open months with a credit record (reserves chained from the last
    close). Months without either are left out."""
    closed = ClosedMonths(folder)
    out: dict[Month, MonthSummary] = {}
    for month in month_range(first, last):
        link = closed.get(month)
        if link is not None:
            out[month] = link.summary
    if closed.last is not None and closed.last >= last:
        return out
    if closed.last is not None:
        start = closed.last.next()
        reserve = closed.get(closed.last).reserve_after
    else:
        first_credit = folder.credits.minKey() if folder.credits else None
        if first_credit is None:
            return out
        start = Month.parse(first_credit)
        reserve = folder.opening_reserve
    if start > last:
        return out
    for month in month_range(start, last):
        credit = folder.credits.get(str(month))
        if credit is None:
            continue
        summary = summarize_month(
            month,
            credit=credit,
            entries=month_entries(folder, month) if with_entries else (),
            time_entries=month_time_entries(folder, month),
            dues=month_dues(folder, month),
            reserve_before=reserve,
        )
        reserve = summary.reserve_after
        if month >= first:
            out[month] = summary
    return out


def first_month_with_data(folder: LedgerFolder) -> Month | None:
    """The earliest month with hours bought, a close or logged time (key lookups only)."""
    keys = [tree.minKey() for tree in (folder.credits, folder.closed) if len(tree)]
    if len(folder.time_entries):
        keys.append(folder.time_entries.minKey()[:7])  # ids start with the ISO date
    return Month.parse(min(keys)) if keys else None


def default_period(where: Member | LedgerFolder | None = None) -> tuple[Month, Month]:
    """The last twelve months, starting later when the data does: a member's first
    subscription month, or the ledger's first month with data (the report)."""
    last = Month.of(today())
    first = last - 11
    start = None
    if isinstance(where, Member):
        start = where.subscription_history.first_month()
    elif isinstance(where, LedgerFolder):
        start = first_month_with_data(where)
    if start is not None and first < start <= last:
        first = start
    return first, last


def parse_period(params, where: Member | LedgerFolder | None = None) -> tuple[Month, Month]:
    first, last = default_period(where)
    if params.get("from"):
        first = Month.parse(params.get("from"), "from")
    if params.get("to"):
        last = Month.parse(params.get("to"), "to")
    if last < first:
        raise InvalidMonth("to", f"{last} is before {first}", code="invalid_range")
    if last.index - first.index >= 120:
        raise InvalidMonth("to", "a period is at most 120 months", code="invalid_range")
    return first, last


def member_statement(folder: LedgerFolder, member: Member, first: Month, last: Month) -> Statement:
    closed = ClosedMonths(folder)
    open_summaries = {}
    if closed.last is None or closed.last < last:
        open_first = first if closed.last is None else max(first, closed.last.next())
        open_summaries = summaries(folder, open_first, last, with_entries=False)
    return statement(
        member.member_id,
        member.subscription_history,
        first,
        last,
        entries=member.entries.values(),
        closed=closed,
        open_summaries=open_summaries,
    )

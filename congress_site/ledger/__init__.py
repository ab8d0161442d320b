"""The ledger domain: members' shares, payments, time credit, month closes, statements.

Pure Python, no Pyramid: money is integer cents with a currency, time is integer
minutes, and every result is a frozen value computed from its inputs. The web layer
(``web/``: the store, pages, JSON API and commands) stores the values (they pickle, so
they live in ZODB, in the persistent objects of ``models``) and calls these functions.

Modules, in dependency order:

* ``errors``        LedgerError(code, field, message) and its subclasses.
* ``rounding``      largest_remainder(total, weights).
* ``money``         Money, parse_money, CURRENCIES, BASE_CURRENCY.
* ``months``        Month ("YYYY-MM"), month_range, months_between.
* ``subscriptions`` Subscription, SubscriptionHistory (dues), check_history_change.
* ``entries``       Payment, Reversal, reverse, check_new_entry, ensure_open, parse_date.
* ``timecredit``    MonthCredit, ExchangeRate, Intervention, InterventionReversal,
                    DevelopmentItem, check_new_time_entry, parse_hours.
* ``closing``       summarize_month, close_month -> ClosedMonth, verify_chain.
* ``statement``     statement(...) -> Statement (to_json_dict()).

Typical flow of the web layer: validate a new entry with ``check_new_entry`` /
``check_new_time_entry`` (O(1) lookups into its own indexes) before appending it; close
a month with ``close_month(month, previous_closed, credit=..., entries=<that month's>,
time_entries=<that month's>, dues={member_id: history.dues(month)})``; render
``statement(member_id, history, first, last, entries=<member's>, closed=<month->closed>)``.
"""

from .closing import (
    ALERT_THRESHOLDS,
    ClosedMonth,
    ItemUsage,
    MemberPart,
    MonthSummary,
    close_month,
    inputs_digest,
    item_usage_totals,
    summarize_month,
    verify_chain,
)
from .entries import Entry, Payment, Reversal, check_new_entry, ensure_open, parse_date, reverse
from .errors import (
    CurrencyMismatch,
    InvalidAmount,
    InvalidEntry,
    InvalidMinutes,
    InvalidMonth,
    LedgerError,
    MonthClosed,
    UnknownCurrency,
)
from .money import BASE_CURRENCY, CURRENCIES, Currency, Money, get_currency, parse_money
from .months import Month, month_range, months_between
from .rounding import largest_remainder
from .statement import Statement, StatementLine, StatementMonth, TimeCreditLine, statement
from .subscriptions import Subscription, SubscriptionHistory, check_history_change
from .timecredit import (
    CATEGORIES,
    DEVELOPMENT,
    ITEM_STATUSES,
    MAINTENANCE,
    MAX_INTERVENTION_MINUTES,
    DevelopmentItem,
    ExchangeRate,
    Intervention,
    InterventionReversal,
    MonthCredit,
    TimeEntry,
    check_new_time_entry,
    parse_hours,
    reverse_intervention,
)

__all__ = [
    "ALERT_THRESHOLDS",
    "BASE_CURRENCY",
    "CATEGORIES",
    "CURRENCIES",
    "DEVELOPMENT",
    "ITEM_STATUSES",
    "MAINTENANCE",
    "MAX_INTERVENTION_MINUTES",
    "ClosedMonth",
    "Currency",
    "CurrencyMismatch",
    "DevelopmentItem",
    "Entry",
    "ExchangeRate",
    "InvalidAmount",
    "InvalidEntry",
    "InvalidMinutes",
    "InvalidMonth",
    "Intervention",
    "InterventionReversal",
    "ItemUsage",
    "LedgerError",
    "MemberPart",
    "Money",
    "Month",
    "MonthClosed",
    "MonthCredit",
    "MonthSummary",
    "Payment",
    "Reversal",
    "Statement",
    "StatementLine",
    "StatementMonth",
    "Subscription",
    "SubscriptionHistory",
    "TimeCreditLine",
    "TimeEntry",
    "UnknownCurrency",
    "check_history_change",
    "check_new_entry",
    "check_new_time_entry",
    "close_month",
    "ensure_open",
    "get_currency",
    "inputs_digest",
    "item_usage_totals",
    "largest_remainder",
    "month_range",
    "months_between",
    "parse_date",
    "parse_hours",
    "parse_money",
    "reverse",
    "reverse_intervention",
    "statement",
    "summarize_month",
    "verify_chain",
]

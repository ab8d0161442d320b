"""The ledger's JSON API (plone.restapi style ``@`` endpoints).

Member (``/members/<id>``):
  GET  @statement?from=YYYY-MM&to=YYYY-MM   the statement (contacts of the member, coordinators)
  POST @payments      {date, amount, currency?, cad_received?, reference?, note?}   coordinators
  POST @reversals     {reverses, date, reason}                                     coordinators
  PUT  @subscriptions {subscriptions: [{from, shares, amount_per_share, until?}]}   coordinators
Members folder (``/members``):
  GET  @report?from&to                      transparency report (members, sysadmin, coordinators);
                                            by default from the first month with data
  GET/POST @interventions                   {minutes, category, description, item_id?, date?}
  POST @intervention-reversals              {reverses, date?, reason}      sysadmin, coordinators
  GET  @credit, PUT @credit/<YYYY-MM>       {hours, hourly_rate, development_hours?, rates?,
                                             server_cost?} (replaces the month's record:
                                             no server_cost, none for the month)      coordinators
  GET  @items, POST @items, PUT @items/<id> {id, title, allocated_hours?, status?, description?}
  GET  @close, POST @close {month}          closed months with hashes; close the next month

Errors are ``{"error", "message", "field"}`` with 400, or 409 for a closed month; the
transaction is aborted on any 4xx, so nothing is stored.
"""

from __future__ import annotations

from pyramid.view import view_config

from ...api.content import json_body
from ...api.errors import ApiError
from ...security.roles import VIEW
from ..closing import verify_chain
from ..errors import LedgerError
from ..models import LOG_TIME, MANAGE_LEDGER, LedgerFolder, Member
from ..months import Month
from . import api_error, store
from .alert_mail import alert_after_logging


def _actor(request) -> str:
    return request.authenticated_userid or "api"


def _run(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except LedgerError as exc:
        raise api_error(exc) from exc
    except (TypeError, ValueError) as exc:  # a wrong JSON type the domain did not name
        raise ApiError(400, "bad_request", str(exc)) from exc


def _body(request, allowed: set[str]) -> dict:
    data = json_body(request)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(
            400, "unknown_field", f"unknown field(s): {', '.join(unknown)}", field=unknown[0]
        )
    return data


def _created(request, value: dict) -> dict:
    request.response.status = 201
    return value


# -- member ------------------------------------------------------------------------------------
@view_config(
    context=Member, name="@statement", request_method="GET", permission=VIEW, renderer="json"
)
def statement_json(context, request):
    folder = context.__parent__
    first, last = _run(store.parse_period, request.params, context)
    result = _run(store.member_statement, folder, context, first, last)
    data = result.to_json_dict()
    data["member"] = {"id": context.member_id, "title": context.title}
    data["@id"] = request.resource_url(context, "@statement", query=request.GET)
    return data


@view_config(
    context=Member,
    name="@payments",
    request_method="POST",
    permission=MANAGE_LEDGER,
    renderer="json",
)
def add_payment(context, request):
    data = _body(request, {"date", "amount", "currency", "cad_received", "reference", "note"})
    payment = _run(
        store.record_payment,
        context.__parent__,
        context,
        date=data.get("date"),
        amount=data.get("amount"),
        currency=data.get("currency"),
        cad_received=data.get("cad_received"),
        reference=data.get("reference", ""),
        note=data.get("note", ""),
    )
    return _created(request, payment.to_json_dict())


@view_config(
    context=Member,
    name="@reversals",
    request_method="POST",
    permission=MANAGE_LEDGER,
    renderer="json",
)
def add_reversal(context, request):
    data = _body(request, {"reverses", "date", "reason"})
    reversal = _run(
        store.reverse_payment,
        context.__parent__,
        context,
        reverses=data.get("reverses"),
        date=data.get("date", store.today().isoformat()),
        reason=data.get("reason"),
    )
    return _created(request, reversal.to_json_dict())


@view_config(
    context=Member,
    name="@subscriptions",
    request_method="PUT",
    permission=MANAGE_LEDGER,
    renderer="json",
)
def put_subscriptions(context, request):
    data = _body(request, {"subscriptions"})
    lines = _run(store.parse_subscriptions, data.get("subscriptions"), context.currency)
    changed = _run(store.set_subscriptions, context.__parent__, context, lines)
    if changed:
        context.record("subscriptions", _actor(request))
    return {"changed": changed, **context.json_extra(request)}


# -- folder: report, time, credit, items, close ----------------------------------------
@view_config(
    context=LedgerFolder, name="@report", request_method="GET", permission=VIEW, renderer="json"
)
def report_json(context, request):
    from .report import build_report

    first, last = _run(store.parse_period, request.params, context)
    report = _run(build_report, context, first, last)
    data = report.to_json_dict()
    if not request.has_permission(MANAGE_LEDGER, context):
        data.pop("alerts")
    return data


@view_config(
    context=LedgerFolder,
    name="@interventions",
    request_method="POST",
    permission=LOG_TIME,
    renderer="json",
)
def add_intervention(context, request):
    data = _body(request, {"date", "minutes", "category", "item_id", "description", "logged_by"})
    logged_by = data.get("logged_by") or _actor(request)
    if logged_by != _actor(request) and not request.has_permission(MANAGE_LEDGER, context):
        raise ApiError(403, "forbidden", "only coordinators log time for someone else")
    entry = _run(
        store.log_intervention,
        context,
        minutes=data.get("minutes"),
        category=data.get("category"),
        description=data.get("description"),
        logged_by=logged_by,
        date=data.get("date"),
        item_id=data.get("item_id"),
    )
    alert_after_logging(request, context, entry.month)
    return _created(request, entry.to_json_dict())


@view_config(
    context=LedgerFolder,
    name="@interventions",
    request_method="GET",
    permission=LOG_TIME,
    renderer="json",
)
def list_interventions(context, request):
    month = _run(Month.parse, request.params.get("month", str(Month.of(store.today()))))
    entries = store.month_time_entries(context, month)
    return {
        "month": str(month),
        "items": [e.to_json_dict() for e in entries],
        "used_minutes": sum(e.signed_minutes for e in entries),
    }


@view_config(
    context=LedgerFolder,
    name="@intervention-reversals",
    request_method="POST",
    permission=LOG_TIME,
    renderer="json",
)
def add_intervention_reversal(context, request):
    data = _body(request, {"reverses", "date", "reason"})
    entry = _run(
        store.reverse_time_entry,
        context,
        reverses=data.get("reverses"),
        date=data.get("date"),
        reason=data.get("reason"),
        logged_by=_actor(request),
    )
    return _created(request, entry.to_json_dict())


def _rate_text(rate) -> str:
    """CAD value of one unit of the currency, as a decimal string (display only)."""
    from ..money import Money

    return Money(rate.cad_cents * 100 // rate.per_cents, "CAD").format()


def _credit_json(credit, cost=None) -> dict:
    return {
        "month": str(credit.month),
        "minutes_bought": credit.minutes_bought,
        "development_minutes": credit.development_minutes,
        "maintenance_minutes": credit.maintenance_minutes,
        "hourly_rate": credit.hourly_rate.format(),
        "currency": credit.hourly_rate.currency,
        "rates": {r.currency: _rate_text(r) for r in credit.rates},
        "cost": credit.cost().format(),
        "server_cost": cost.format() if cost is not None else None,
    }


@view_config(
    context=LedgerFolder, name="@credit", request_method="GET", permission=VIEW, renderer="json"
)
def list_credits(context, request):
    return {
        "items": [
            _credit_json(credit, context.server_costs.get(key))
            for key, credit in context.credits.items()
        ]
    }


@view_config(
    context=LedgerFolder,
    name="@credit",
    request_method="PUT",
    permission=MANAGE_LEDGER,
    renderer="json",
)
def put_credit(context, request):
    if len(request.subpath) != 1:
        raise ApiError(400, "bad_request", "PUT <members-url>/@credit/<YYYY-MM>")
    month = _run(Month.parse, request.subpath[0])
    data = _body(request, {"hours", "hourly_rate", "development_hours", "rates", "server_cost"})
    if data.get("rates") is not None and not isinstance(data["rates"], dict):
        raise ApiError(400, "invalid_entry", 'rates must be like {"EUR": "1.50"}', field="rates")
    credit = _run(
        store.set_credit,
        context,
        month,
        hours=data.get("hours"),
        hourly_rate=data.get("hourly_rate"),
        development_hours=data.get("development_hours", "0"),
        rates=data.get("rates"),
        server_cost=data.get("server_cost"),
    )
    return _credit_json(credit, context.server_costs.get(str(month)))


def _item_json(item, used: int | None = None) -> dict:
    out = {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "allocated_minutes": item.allocated_minutes,
        "status": item.status,
    }
    if used is not None:
        out["used_minutes"] = used
        out["remaining_minutes"] = item.remaining_minutes(used)
    return out


@view_config(
    context=LedgerFolder, name="@items", request_method="GET", permission=VIEW, renderer="json"
)
def list_items(context, request):
    from .report import item_usage

    used = item_usage(context)
    return {"items": [_item_json(i, used.get(i.id, 0)) for i in context.items.values()]}


@view_config(
    context=LedgerFolder,
    name="@items",
    request_method=("POST", "PUT"),
    permission=MANAGE_LEDGER,
    renderer="json",
)
def save_item(context, request):
    data = _body(request, {"id", "title", "allocated_hours", "status", "description"})
    values = {k: v for k, v in data.items() if k != "id"}
    if request.method == "PUT":
        if len(request.subpath) != 1 or request.subpath[0] not in context.items:
            raise ApiError(404, "not_found", "PUT <members-url>/@items/<existing id>")
        item = _run(store.update_item, context, request.subpath[0], **values)
    else:
        item = _run(store.create_item, context, data.get("id"), **values)
        request.response.status = 201
    return _item_json(item)


def _closed_json(record) -> dict:
    link = record.closed
    return {
        "month": str(link.month),
        "hash": link.hash,
        "previous_hash": link.previous_hash,
        "closed_by": record.closed_by,
        "closed_at": record.closed_at.isoformat(),
        "summary": link.summary.to_json_dict(),
    }


@view_config(
    context=LedgerFolder, name="@close", request_method="GET", permission=VIEW, renderer="json"
)
def list_closed(context, request):
    records = list(context.closed.values())
    try:
        verify_chain([r.closed for r in records])
        chain = "ok"
    except LedgerError as exc:
        chain = exc.message
    return {
        "chain": chain,
        "items": [
            {"month": str(r.closed.month), "hash": r.closed.hash, "closed_by": r.closed_by}
            for r in records
        ],
    }


@view_config(
    context=LedgerFolder,
    name="@close",
    request_method="POST",
    permission=MANAGE_LEDGER,
    renderer="json",
)
def close_month(context, request):
    data = _body(request, {"month"})
    month = _run(Month.parse, data.get("month"))
    _run(store.close, context, month, _actor(request))
    return _created(request, _closed_json(context.closed[str(month)]))

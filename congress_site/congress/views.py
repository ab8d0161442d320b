"""Congress pages: session page with phase buttons, coordinators' group management, the join
page, the scribe screen, the projector display, session results and the congress's merged
principles document with its Markdown, CSV and PDF exports.

Pages work without JavaScript (plain forms, POST then redirect); ``scribe.js`` and
``display.js`` only add live updates by polling the ETag endpoint.
"""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import segno
from babel.dates import format_date, format_time
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.renderers import render, render_to_response
from pyramid.response import Response
from pyramid.traversal import resource_path
from pyramid.view import view_config
from ZODB.POSException import POSKeyError

from ..content.base import SiteRoot, in_site, utcnow
from ..pdf import render_pdf
from ..security.policy import SESSION_SCRIBE
from ..security.roles import EDIT, VIEW
from ..views.content import BaseView
from . import actions, join_throttle
from .actions import Action
from .content import PHASE_TITLES, Congress, CongressError, Session, Venue, oid_of_short_code
from .i18n import _, localizer_for
from .phases import OPEN_PHASE, PHASES, disruption, phase_window
from .phases import schedule as phase_schedule
from .principles import PrinciplesDocument, PrinciplesError
from .results import candidates, document, percent, session_results, to_csv, to_markdown
from .scribes import NotActing, Scribe, acting_group
from .textdiff import word_diff

TEMPLATES = "congress_site:templates/congress/"
STALE_MESSAGE = _(
    "Another group changed this proposal meanwhile. Here is its current text; your "
    "version is kept in the editor: save again to replace it, or cancel to keep theirs."
)
FULL_MESSAGE = _(
    "There are 10 proposals, the most there can be. To bring in a new idea, edit one of "
    "them (Edit, under each proposal)."
)
CLOSED_MESSAGE = _("Changes are only possible during the collaboration phase.")


def phase_labels(localizer) -> dict[str, str]:
    return {phase: localizer.translate(PHASE_TITLES[phase]) for phase in PHASES}


def iso(value):
    return value.isoformat() if value is not None else None


class CongressView(BaseView):
    endorsements_label = _("endorsements")

    def t(self, term, **mapping):
        return self.layout.t(term, **mapping)

    def phase_title(self, phase: str) -> str:
        return self.t(PHASE_TITLES[phase])

    def percent(self, share: float) -> str:
        return percent(share)

    def flash(self, message):
        # Flashes are stored as JSON strings: translate (and interpolate) them now.
        self.request.session.flash(self.request.localizer.translate(message))


# Session page and phase buttons --------------------------------------------------------------


@view_config(context=Session, permission=VIEW, api=False, renderer=TEMPLATES + "session.pt")
class SessionView(CongressView):
    def __call__(self):
        phase, ends = self.context.phase_window(utcnow())
        return self.page(
            phase=phase,
            ends=iso(ends),
            phases=PHASES,
            venues=self.context.venues(),
            can_edit=self.layout.can(EDIT),
            groups=len(self.context.active_groups()),
            schedule=self.schedule(),
        )

    def schedule(self) -> list[dict]:
        """The schedule once per time zone of the session and its venues: ``zone``, the
        venues in it, and the rows of ``schedule_rows``."""
        session = self.context
        zones: dict[str, list[str]] = {session.timezone or "UTC": []}
        for venue in session.venues():
            zones.setdefault(venue.zone, []).append(venue.title)
        phases = phase_labels(self.request.localizer)
        language = self.layout.language
        columns = [
            {"zone": zone, "venues": venues, "rows": schedule_rows(session, zone, language, phases)}
            for zone, venues in zones.items()
        ]
        return [c for c in columns if c["rows"]]


PHASE_EFFECTS = {
    "preparation": _("Proposals cannot change until the collaboration phase."),
    "introduction": _("Proposals cannot change until the collaboration phase."),
    "collaboration": _("Groups can change the proposals."),
    "review": _("The proposals are frozen."),
    "local": _("The proposals are frozen."),
    "closed": _("The session ends: the proposals are frozen and the results become final."),
}


def confirmation(view, heading, lines, button, back=""):
    """A page that says what an action will do and asks to confirm it: a form that posts
    the same fields again with ``confirm=yes``, which the action requires (so the server,
    not a script, enforces the confirmation)."""
    request = view.request
    fields = [(k, v) for k, v in request.POST.items() if k not in ("csrf_token", "confirm")]
    return render_to_response(
        TEMPLATES + "confirm.pt",
        view.page(
            heading=view.t(heading),
            lines=[view.t(line) for line in lines],
            button=view.t(button),
            fields=fields,
            action=request.path_url,
            back=request.resource_url(view.context, back),
        ),
        request=request,
    )


def confirmed(request) -> bool:
    return request.POST.get("confirm") == "yes"


@view_config(context=Session, name="phase", request_method="POST", permission=EDIT, api=False)
def set_phase(context, request):
    now = utcnow()
    current = context.phase
    follow = bool(request.POST.get("schedule"))
    if follow:
        if context.start is None:
            request.session.flash(
                request.localizer.translate(_("Set a start time before following the schedule."))
            )
            return HTTPFound(request.resource_url(context))
        target = phase_window(context.start, now, context.durations())[0]
    else:
        target = request.POST.get("phase", "")
        if target not in PHASES:
            raise HTTPBadRequest(_("Unknown phase."))
    effect = disruption(current, target)
    if effect is not None and not confirmed(request):
        view = CongressView(context, request)
        mapping = {"current": view.phase_title(current), "target": view.phase_title(target)}
        lines = [
            _("The session is in the phase ${current}; it will go to ${target}.", mapping=mapping),
            PHASE_EFFECTS[target],
        ]
        if follow:
            lines.append(_("From then on the clock moves the phase, as scheduled."))
        button = _("Close the session") if effect == "close" else _("Change the phase")
        return confirmation(view, _("Change the phase?"), lines, button)
    if follow:
        context.scheduled = True
    else:
        context.phase = target
    context.record(
        "phase", request.authenticated_userid, phase=context.phase, scheduled=context.scheduled
    )
    request.session.flash(request.localizer.translate(_("Phase changed.")))
    return HTTPFound(request.resource_url(context))


@view_config(
    context=Session, name="manage", permission=EDIT, api=False, renderer=TEMPLATES + "manage.pt"
)
class ManageView(CongressView):
    def __call__(self):
        if self.request.method == "POST":
            return self.post()
        groups = sorted(self.context.groups.values(), key=lambda g: (g.venue, g.joined))
        return self.page(
            groups=[g for g in groups if g.active],
            venues=self.context.venues(),
            venue_titles={v.__name__: v.title for v in self.context.venues()},
        )

    def post(self):
        post, session = self.request.POST, self.context
        action = post.get("action")
        if action in ("merge", "remove", "reset-code") and not confirmed(self.request):
            asked = self.ask(action)
            if asked is not None:
                return asked
        try:
            if action == "rename":
                session.rename_group(post.get("group"), post.get("name"))
            elif action == "merge":
                session.merge_group(post.get("group"), post.get("into"))
            elif action == "remove":
                group = session.remove_group(post.get("group"))
                self.request.site.tokens.revoke_where(
                    kind="scribe", session=resource_path(session), group=group.id
                )
            elif action == "reset-code":
                venue = session.venue(post.get("venue"))
                if venue is None:
                    raise CongressError(404, "not_found", "no such venue")
                venue.reset_join_code()
            else:
                raise HTTPBadRequest(_("Unknown action."))
        except CongressError as error:
            self.flash(error.message)
            return HTTPFound(self.request.resource_url(session, "@@manage"))
        self.flash(_("Saved."))
        return HTTPFound(self.request.resource_url(session, "@@manage"))

    def ask(self, action):
        """The confirmation page of an irreversible or disruptive action (``None`` when the
        action names nothing that exists: it is refused as usual)."""
        post, session = self.request.POST, self.context
        if action == "reset-code":
            venue = session.venue(post.get("venue"))
            if venue is None:
                return None
            line = _(
                "The venue ${venue} gets a new join code: groups that have not joined yet "
                "will need the new code; groups already in stay.",
                mapping={"venue": venue.title},
            )
            return confirmation(
                self, _("Reset the join code?"), [line], _("Reset the code"), "@@manage"
            )
        group = session.groups.get(post.get("group", ""))
        if group is None or not group.active:
            return None
        if action == "remove":
            line = _(
                "The group ${name} is removed: its scribe can no longer act and its "
                "endorsements are withdrawn. This cannot be undone.",
                mapping={"name": group.name},
            )
            return confirmation(self, _("Remove the group?"), [line], _("Remove"), "@@manage")
        into = session.groups.get(post.get("into", ""))
        if into is None or not into.active:
            return None
        line = _(
            "The group ${name} joins ${into}: its endorsements and its scribe count as "
            "${into} from now on. This cannot be undone.",
            mapping={"name": group.name, "into": into.name},
        )
        return confirmation(self, _("Merge the groups?"), [line], _("Merge"), "@@manage")


# Joining and the scribe screen ----------------------------------------------------------------


@view_config(
    context=Session, name="join", permission=VIEW, api=False, renderer=TEMPLATES + "join.pt"
)
class JoinView(CongressView):
    def __call__(self):
        values = {
            "venue": self.request.params.get("venue", ""),
            "name": "",
            "code": "",
            "error": None,
        }
        if self.request.method == "POST":
            post = self.request.POST
            values.update(venue=post.get("venue", ""), name=post.get("name", ""))
            session_path = resource_path(self.context)
            try:
                join_throttle.check(self.request, session_path, values["venue"])
            except join_throttle.Throttled as throttled:
                values["error"] = _(
                    "Too many wrong codes from here. Try again in ${minutes} minutes.",
                    mapping={"minutes": throttled.retry_after // 60 + 1},
                )
                self.request.response.status = 429
                self.request.response.headers["Retry-After"] = str(throttled.retry_after)
                return self.page(venues=self.context.venues(), **values)
            try:
                group = self.context.join(
                    values["venue"], post.get("code"), values["name"], utcnow()
                )
            except CongressError as error:
                if error.code == "code":
                    join_throttle.wrong_code(self.request, session_path, values["venue"])
                values["error"] = {
                    "code": _("Wrong join code for this venue."),
                    "duplicate": _("A group with this name already joined this venue."),
                    "invalid": _("Give your group a name (at most 80 characters)."),
                    "phase": _("This session is closed."),
                    "not_found": _("Choose your venue."),
                }[error.code]
                self.request.response.status = error.status if error.status != 401 else 403
                return self.page(venues=self.context.venues(), **values)
            session = self.request.session
            session.invalidate()  # a scribe device acts for its group only
            session[SESSION_SCRIBE] = {"session": resource_path(self.context), "group": group.id}
            self.flash(_("Welcome, ${name}.", mapping={"name": group.name}))
            return HTTPFound(self.request.resource_url(self.context, "@@scribe"))
        return self.page(venues=self.context.venues(), **values)


@view_config(
    context=Session, name="scribe", permission=VIEW, api=False, renderer=TEMPLATES + "scribe.pt"
)
class ScribeView(CongressView):
    """The scribe's screen. Without JavaScript its forms post here; each answer comes back
    as a notice in the proposal (or beside the add form) it concerns, and the page opens
    there. A stale edit keeps the scribe's draft in the editor, shows the current text
    beside it, and bases the draft on the current version: saving again replaces it
    knowingly."""

    NOTICE = "congress.notice"

    def __call__(self):
        self.scribe = Scribe.of(self.request)
        try:
            self.group = acting_group(self.context, self.scribe)
        except NotActing:
            return HTTPFound(self.request.resource_url(self.context, "@@join"))
        if self.request.method == "POST":
            return self.post()
        now = utcnow()
        board = self.context.proposals
        phase, ends = board.phase_window(now)
        venue = self.context.venue(self.group.venue)
        state = board.snapshot(now)
        notice = self.request.session.pop(self.NOTICE, None)
        return self.page(
            group=self.group,
            venue=venue,
            phase=phase,
            ends=iso(ends),
            items=state["items"],
            open=phase == OPEN_PHASE,
            full=board.live_count >= board.max_live,
            max_length=board.max_length,
            config=json.dumps(self.config(state), ensure_ascii=False).replace("</", "<\\/"),
            names={i["edited_by"]: self.context.group_name(i["edited_by"]) for i in state["items"]},
            notice=notice,
        )

    def notice_for(self, notice, where):
        return notice if notice and notice.get("where") == where else None

    def config(self, state) -> dict:
        t = self.t
        return {
            "state": self.request.resource_url(self.context, "@proposals").rstrip("/"),
            "group": self.group.id,
            "etag": self.context.proposals_etag(utcnow())[0],
            "items": state["items"],
            "names": self.context.item_group_names(state["items"]),
            "revision": state["revision"],
            "phase": state["phase"],
            "open_phase": OPEN_PHASE,
            "max_live": self.context.proposals.max_live,
            "max_length": self.context.proposals.max_length,
            "phases": phase_labels(self.request.localizer),
            "labels": {
                "endorse": t(_("Endorse")),
                "withdraw": t(_("Withdraw")),
                "edit": t(_("Edit")),
                "save": t(_("Save")),
                "cancel": t(_("Cancel")),
                "new_text": t(_("New text")),
                "endorsed": t(_("You endorse this")),
                "endorsements": t(_("endorsements")),
                "edited_by": t(_("last edited by")),
                "cleared": t(
                    _("${group} edited a proposal you endorsed; your endorsement was cleared.")
                ),
                "reendorse": t(_("Endorse again")),
                "dismiss": t(_("Dismiss")),
                "stale": t(STALE_MESSAGE),
                "current": t(_("Current text")),
                "changed": t(
                    _("Another group changed this proposal while you edit it. Current text:")
                ),
                "gone": t(
                    _("This proposal was withdrawn meanwhile. Your text is kept: add it anew.")
                ),
                "add_anew": t(_("Add as a new proposal")),
                "full": t(FULL_MESSAGE),
                "offline": t(_("Connection lost, retrying…")),
                "closed": t(CLOSED_MESSAGE),
                "time_left": t(_("left")),
                "error": t(_("The server refused this action.")),
                "empty": t(_("No proposals yet.")),
                "added": t(_("Proposal added.")),
                "saved": t(_("Proposal saved.")),
                "diff_legend": t(_("Underlined: added. Struck through: removed.")),
            },
        }

    def post(self):
        post = self.request.POST
        kind = post.get("action")
        if kind not in actions.KINDS:
            raise HTTPBadRequest(_("Unknown action."))
        proposal = post.get("id", "")
        fields = {"proposal": proposal} if kind != "add" else {}
        if kind in ("add", "edit"):
            fields["text"] = post.get("text", "")
        if kind == "edit":
            try:
                fields["base_version"] = int(post.get("base_version", ""))
            except ValueError:
                fields["base_version"] = None
        action = Action(kind, self.scribe, **fields)
        refusal = actions.perform(self.request, self.context, action).refusal
        where = "add" if kind == "add" else proposal
        notice = {"where": where, "refused": refusal is not None}
        if refusal is None:
            notice["text"] = {"add": _("Proposal added."), "edit": _("Proposal saved.")}.get(kind)
        elif refusal.code == "stale":
            current = refusal.extra["current"]
            notice.update(text=STALE_MESSAGE, draft=post.get("text", ""), current=current["text"])
            notice["base"] = current["version"]
        elif refusal.code in ("unauthorized", "forbidden"):
            return HTTPFound(self.request.resource_url(self.context, "@@join"))
        else:
            notice["text"] = self.engine_message(refusal)
            if kind in ("add", "edit"):
                notice["draft"] = post.get("text", "")  # nothing typed is lost
        if notice.get("text"):
            notice["text"] = self.request.localizer.translate(notice["text"])
            self.request.session[self.NOTICE] = notice
        anchor = "add-form" if where == "add" else (f"p-{where}" if where else None)
        return HTTPFound(self.request.resource_url(self.context, "@@scribe", anchor=anchor))

    def engine_message(self, error):
        return {
            "limit": FULL_MESSAGE,
            "phase": CLOSED_MESSAGE,
            "not_found": _("This proposal no longer exists."),
            "invalid": _("The text is empty, unchanged or longer than 1,000 characters."),
        }.get(error.code, _("The server refused this action."))


@view_config(context=Session, name="leave", request_method="POST", permission=VIEW, api=False)
def leave(context, request):
    request.session.pop(SESSION_SCRIBE, None)
    return HTTPFound(request.resource_url(context, "@@join"))


# Projector display ----------------------------------------------------------------------------


@view_config(context=Session, name="display", permission=VIEW, api=False)
def display(context, request):
    """A venue's projector, in the venue's language. Before collaboration a welcome screen
    (title, question, schedule in the venue's time zone, how to join); during it the live
    list fitted to the screen, with how to join in a corner; once closed, the final ranked
    list with each proposal's share of endorsing groups."""
    venue = context.venue(request.params.get("venue"))
    language = venue.language if venue is not None else (sorted(context.languages) or ["en"])[0]
    localizer = localizer_for(request, language)
    now = utcnow()
    state = context.proposals.snapshot(now)
    phases = phase_labels(localizer)
    labels = {
        "endorsements": localizer.translate(_("endorsements")),
        "groups": localizer.translate(_("groups")),
        "left": localizer.translate(_("left")),
        "offline": localizer.translate(_("Connection lost, retrying…")),
        "empty": localizer.translate(_("No proposals yet.")),
    }
    config = {
        "state": request.resource_url(context, "@proposals").rstrip("/"),
        "etag": context.proposals_etag(now)[0],
        "phases": phases,
        "labels": labels,
        "welcome": list(WELCOME_PHASES),
    }
    zone = venue.zone if venue is not None else context.timezone
    final = session_results(context, now) if state["phase"] == "closed" else None
    html = render(
        TEMPLATES + "display.pt",
        {
            "context": context,
            "venue": venue,
            "language": language,
            "state": state,
            "mode": display_mode(state["phase"]),
            "phase_title": phases[state["phase"]],
            "labels": labels,
            "groups": len(context.active_groups()),
            "texts": {key: localizer.translate(term) for key, term in DISPLAY_TEXTS.items()},
            "join": join_panel(request, context, venue),
            "schedule": schedule_rows(context, zone, language, phases),
            "zone": zone,
            "final": final,
            "percent": percent,
            "config": json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
        },
        request=request,
    )
    response = Response(html, content_type="text/html", charset="utf-8")
    response.headers["Content-Language"] = language
    return response


WELCOME_PHASES = ("preparation", "introduction")
DISPLAY_TEXTS = {
    "schedule": _("Schedule"),
    "join_as": _("Join as a group:"),
    "join_code": _("Join code"),
    "ask_code": _("Ask the venue host for the join code."),
    "final": _("Final results"),
    "legend": _(
        "The big number beside each proposal is how many groups endorse it; "
        "the most endorsed come first."
    ),
    "legend_final": _("Share of the groups that endorse each proposal, most endorsed first."),
    "join": _("Join:"),
}


def display_mode(phase: str) -> str:
    if phase in WELCOME_PHASES:
        return "welcome"
    return "final" if phase == "closed" else "board"


def join_panel(request, session, venue) -> dict:
    """How to join from the projector: the venue's short join address, as text and as a
    QR code made here (segno). The join code itself is secret from the public (displays
    are public): it is shown only to someone who may edit the session, such as a
    coordinator whose laptop runs the projector."""
    if venue is not None and venue.short_code is not None:
        url = request.resource_url(request.site, "j", venue.short_code)
    else:
        url = request.resource_url(session, "@@join")
    url = url.rstrip("/")
    qr = segno.make(url, error="m").svg_inline(border=2, omitsize=True, dark="#000", light="#fff")
    code = venue.join_code if venue is not None and request.has_permission(EDIT, session) else None
    return {"url": url, "text": url.split("://", 1)[-1], "qr": qr, "code": code}


def schedule_rows(session, zone: str, language: str, phases: dict) -> list[dict]:
    """The session's schedule in time zone ``zone``: each timed phase's start and end."""
    if session.start is None:
        return []
    tz = ZoneInfo(zone)
    rows = []
    for phase, start, end in phase_schedule(session.start, session.durations()):
        start, end = start.astimezone(tz), end.astimezone(tz)
        rows.append(
            {
                "phase": phase,
                "title": phases[phase],
                "day": format_date(start, "medium", locale=language),
                "start": format_time(start, "short", locale=language),
                "end": format_time(end, "short", locale=language),
            }
        )
    return rows


# Results --------------------------------------------------------------------------------------


@view_config(
    context=Session, name="results", permission=VIEW, api=False, renderer=TEMPLATES + "results.pt"
)
class ResultsView(CongressView):
    def __call__(self):
        return self.page(results=session_results(self.context, utcnow()))

    def diff(self, versions, index):
        before = versions[index - 1]["text"] if index else ""
        return word_diff(before, versions[index]["text"])


@view_config(context=Congress, permission=VIEW, api=False, renderer=TEMPLATES + "congress.pt")
class CongressPage(CongressView):
    def __call__(self):
        now = utcnow()
        sessions = [(s, s.phase_window(now)[0]) for s in self.context.sessions()]
        return self.page(sessions=sessions)


STATUS_TITLES = {
    "draft": _("Draft"),
    "proposed": _("Proposed for ratification"),
    "ratified": _("Ratified"),
}
HISTORY_TITLES = {
    "group": _("merged proposals into a principle"),
    "add": _("added proposals to a principle"),
    "take_out": _("took a proposal out of a principle"),
    "text": _("reworded a principle"),
    "move": _("moved a principle"),
    "remove": _("removed a principle"),
    "propose": _("proposed the document for ratification"),
    "reopen": _("took the document back to draft"),
    "ratify": _("recorded the ratification"),
}
PRINCIPLES_ERRORS = {
    "status": _("The document can only change while it is a draft."),
    "used": _("That proposal is already in a principle."),
    "not_found": _("That principle or proposal no longer exists."),
}


def status_line(doc: dict, request) -> str:
    t = request.localizer.translate
    if doc["status"] == "ratified":
        return t(
            _(
                "Ratified on ${date} by ${assembly}.",
                mapping={"date": doc["ratified_on"].isoformat(), "assembly": doc["assembly"]},
            )
        )
    return t(STATUS_TITLES[doc["status"]])


def _principles_labels(request, doc: dict) -> dict:
    t = request.localizer.translate
    return {
        "title": t(_("Principles")),
        "status": status_line(doc, request),
        "sources": t(_("From")),
        "groups": t(_("groups")),
        "sessions": t(_("Sessions")),
        "original": t(_("proposal's text")),
    }


@view_config(
    context=Congress,
    name="principles",
    permission=VIEW,
    api=False,
    renderer=TEMPLATES + "principles.pt",
)
class PrinciplesView(CongressView):
    """The principles document: everyone who may view the congress reads it; its
    coordinators merge the closed sessions' proposals into principles, reword and order
    them, and take the document through its statuses (``principles``)."""

    def __call__(self):
        if self.request.method == "POST":
            if not self.layout.can(EDIT):
                raise HTTPForbidden()
            return self.post()
        return self.page(doc=document(self.context, utcnow()), can_edit=self.layout.can(EDIT))

    def status_line(self, doc):
        return status_line(doc, self.request)

    def history_title(self, entry):
        return self.t(HISTORY_TITLES.get(entry["action"], entry["action"]))

    def when(self, value):
        return self.layout.format_date(value)

    def post(self):
        post, request = self.request.POST, self.request
        action = post.get("action")
        now, actor = utcnow(), request.authenticated_userid
        congress = self.context
        if congress.principles_doc is None:
            congress.principles_doc = PrinciplesDocument()
        doc = congress.principles_doc
        pid = post.get("principle", "")
        try:
            if action == "group":
                doc.group(self.sources(post.getall("source")), post.get("text") or None, actor, now)
            elif action == "add":
                doc.add_sources(pid, self.sources(post.getall("source")), actor, now)
            elif action == "take-out":
                doc.remove_source(pid, post.get("source", ""), actor, now)
            elif action == "text":
                doc.set_text(pid, post.get("text"), actor, now)
            elif action in ("up", "down"):
                doc.move(pid, -1 if action == "up" else 1, actor, now)
            elif action == "remove":
                doc.remove(pid, actor, now)
            elif action == "propose":
                doc.propose(actor, now)
            elif action == "reopen":
                doc.reopen(actor, now)
            elif action == "ratify":
                on = self.ratification_date(post.get("date", ""))
                if not confirmed(request):
                    line = _(
                        "The document as it stands is recorded as ratified by ${assembly} on "
                        "${date}. It can no longer change afterwards.",
                        mapping={"assembly": post.get("assembly", ""), "date": post.get("date")},
                    )
                    # Refused values are refused before the question is asked.
                    doc.ratify(on, post.get("assembly"), actor, now)
                    raise _AskFirst(line)
                doc.ratify(on, post.get("assembly"), actor, now)
            else:
                raise HTTPBadRequest(_("Unknown action."))
        except _AskFirst as ask:
            request.tm.doom()  # the ratification only checked: nothing is stored yet
            return confirmation(self, _("Record the ratification?"), [ask.line], _("Ratify"))
        except PrinciplesError as error:
            request.tm.doom()
            self.request.response.status = 409 if error.code in ("status", "used") else 400
            message = PRINCIPLES_ERRORS.get(error.code)
            return self.page(
                doc=document(self.context, now),
                can_edit=True,
                error=self.t(message) if message else error.message,
            )
        self.flash(_("Saved."))
        return HTTPFound(request.resource_url(self.context, "@@principles"))

    def sources(self, keys) -> list:
        """The closed sessions' proposals named by ``keys`` (``<session>/<proposal>``)."""
        closed, _pending = candidates(self.context, utcnow())
        by_key = {s.key: s for session in closed for s in session["sources"]}
        unknown = [k for k in keys if k not in by_key]
        if unknown:
            raise PrinciplesError("not_found", f"no closed session's proposal {unknown[0]!r}")
        return [by_key[k] for k in keys]

    @staticmethod
    def ratification_date(value):
        try:
            return date.fromisoformat(value.strip())
        except (ValueError, AttributeError):
            raise PrinciplesError("invalid", "give the date as YYYY-MM-DD") from None


class _AskFirst(Exception):
    def __init__(self, line):
        super().__init__(line)
        self.line = line


def _document_and_labels(context, request):
    doc = document(context, utcnow())
    return doc, _principles_labels(request, doc)


@view_config(context=Congress, name="principles.md", permission=VIEW)
def principles_markdown(context, request):
    text = to_markdown(*_document_and_labels(context, request))
    return _download(text.encode(), "text/markdown", f"{context.__name__}-principles.md")


@view_config(context=Congress, name="principles.csv", permission=VIEW)
def principles_csv(context, request):
    text = to_csv(document(context, utcnow()))
    return _download(text.encode("utf-8-sig"), "text/csv", f"{context.__name__}-principles.csv")


@view_config(context=Congress, name="principles.pdf", permission=VIEW)
def principles_pdf(context, request):
    view = PrinciplesView(context, request)
    html = render(
        TEMPLATES + "principles_pdf.pt",
        view.page(doc=document(context, utcnow()), can_edit=False),
        request=request,
    )
    pdf = render_pdf(html, request)
    return _download(pdf, "application/pdf", f"{context.__name__}-principles.pdf")


def _download(body: bytes, content_type: str, filename: str) -> Response:
    response = Response(body=body, content_type=content_type)
    if content_type.startswith("text/"):
        response.charset = "utf-8"
    response.content_disposition = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@view_config(context=SiteRoot, name="j", permission=VIEW)
def short_join(context, request):
    """``/j/<code>``: a venue's short join address (projectors show it) leads to the
    venue's join page, for whoever may view the venue."""
    oid = oid_of_short_code(request.subpath[0]) if len(request.subpath) == 1 else None
    try:
        venue = context._p_jar.get(oid) if oid is not None else None
    except (KeyError, POSKeyError):
        venue = None
    if not isinstance(venue, Venue) or not in_site(venue):
        raise HTTPNotFound()
    if not request.has_permission(VIEW, venue):
        raise HTTPForbidden()
    return HTTPFound(
        request.resource_url(venue.__parent__, "@@join", query={"venue": venue.__name__})
    )


@view_config(context=Venue, name="display", permission=VIEW, api=False)
def venue_display(context, request):
    url = request.resource_url(context.__parent__, "@@display", query={"venue": context.__name__})
    return HTTPFound(url)

/* Scribe screen, live: actions go to the JSON API, the list follows the session state by
   polling its ETag, and when another group's edit clears this group's endorsement a notice
   shows what changed with a one-click re-endorse. Without this script the page still works
   through its plain forms.

   Nothing typed is ever lost: an open editor is never rebuilt by a live update. It keeps
   the version it was opened on (its base_version), so a save after another group's edit is
   refused as stale; the current text is then shown beside the scribe's draft. Answers to
   an action are shown where the action was (in its proposal, or beside the add form). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scribe-config").textContent);
  var L = config.labels, me = config.group;
  var section = document.getElementById("scribe");
  var list = document.getElementById("proposals");
  var notices = document.getElementById("notices");
  var conn = document.getElementById("conn");
  var phaseEl = document.getElementById("phase");
  var countdown = document.getElementById("countdown");
  var closedNote = document.getElementById("closed-note");
  var emptyNote = document.getElementById("empty-note");
  var addForm = document.getElementById("add-form");
  var addArea = document.getElementById("new-text");
  var fullNote = document.getElementById("full-note");
  var csrfInput = document.querySelector("input[name=csrf_token]");
  var csrf = csrfInput ? csrfInput.value : "";
  var ends = countdown.getAttribute("data-ends") || null;
  var names = config.names || {}, live = null;
  var state = { items: config.items || [], phase: config.phase };
  var mine = {};        // proposal id -> version this group endorsed

  state.items.forEach(function (item) {
    if (item.endorsements.indexOf(me) >= 0) mine[item.id] = item.version;
  });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function hidden(name, value) { return el("input", { type: "hidden", name: name, value: value }); }

  function isOpen() { return state.phase === config.open_phase; }

  /* An editor counts as open while its <details> is open. */
  function openEditor(li) {
    var details = li && li.querySelector("details.edit");
    return details && details.open ? details : null;
  }

  function actionForm(item) {
    var form = el("form", { method: "post", "class": "inline act" });
    form.appendChild(hidden("csrf_token", csrf));
    form.appendChild(hidden("id", item.id));
    var endorsed = item.endorsements.indexOf(me) >= 0;
    var button = el("button", { type: "submit", name: "action", value: endorsed ? "withdraw" : "endorse" },
                    endorsed ? L.withdraw : L.endorse);
    if (endorsed) button.className = "secondary";
    form.appendChild(button);
    return form;
  }

  function editor(item) {
    var details = el("details", { "class": "edit" });
    details.appendChild(el("summary", {}, L.edit));
    var form = el("form", { method: "post", "class": "act" });
    form.appendChild(hidden("csrf_token", csrf));
    form.appendChild(hidden("id", item.id));
    form.appendChild(hidden("base_version", String(item.version)));
    form.appendChild(el("label", { "class": "visually-hidden", "for": "edit-" + item.id }, L.new_text));
    var area = el("textarea", { id: "edit-" + item.id, name: "text", rows: "3", required: "required",
                                maxlength: String(config.max_length) });
    area.value = item.text;
    form.appendChild(area);
    form.appendChild(el("button", { type: "submit", name: "action", value: "edit" }, L.save));
    form.appendChild(document.createTextNode(" "));
    var cancel = el("button", { type: "button", "class": "secondary cancel" }, L.cancel);
    form.appendChild(cancel);
    details.appendChild(form);
    return details;
  }

  function itemNode(item) {
    var li = el("li", { id: "p-" + item.id, "data-id": item.id });
    var head = el("div", { "class": "p-head" });
    head.appendChild(el("span", { "class": "count" }));
    head.appendChild(el("span", { "class": "text" }));
    li.appendChild(head);
    li.appendChild(el("p", { "class": "meta" }));
    var actions = el("div", { "class": "p-actions" });
    actions.appendChild(actionForm(item));
    actions.appendChild(editor(item));
    li.appendChild(actions);
    return li;
  }

  /* Brings an item's node up to date. A closed editor follows the item (text and base);
     an open one is left alone, and told when the proposal changed under it. */
  function update(li, item) {
    var endorsed = item.endorsements.indexOf(me) >= 0;
    li.className = "proposal" + (endorsed ? " mine" : "");
    li.setAttribute("data-version", item.version);
    li.classList.remove("gone");
    var count = li.querySelector(".count");
    count.textContent = String(item.endorsement_count);
    count.title = item.endorsement_count + " " + L.endorsements;
    li.querySelector(".p-head .text").textContent = item.text;
    var meta = li.querySelector(".meta");
    meta.replaceChildren(document.createTextNode(L.edited_by + " " + (names[item.edited_by] || item.edited_by) + " "));
    if (endorsed) meta.appendChild(el("strong", { "class": "badge" }, L.endorsed));
    var actions = li.querySelector(".p-actions");
    if (!actions) {
      actions = el("div", { "class": "p-actions" });
      li.appendChild(actions);
    }
    var details = openEditor(li);
    var old = actions.querySelector("form.inline");
    if (old) old.replaceWith(actionForm(item)); else actions.insertBefore(actionForm(item), actions.firstChild);
    if (!details) {
      var current = actions.querySelector("details.edit");
      if (current) current.replaceWith(editor(item)); else actions.appendChild(editor(item));
      var changed = li.querySelector(".changed-note");
      if (changed) changed.remove();
    } else {
      var base = parseInt(details.querySelector("input[name=base_version]").value, 10);
      changedNote(li, details, base !== item.version ? item.text : null);
    }
    // Outside collaboration nothing can be done: the actions go, except an open editor
    // (its draft stays, its Save is disabled until changes are possible again).
    actions.hidden = !isOpen() && !details;
    actions.querySelectorAll("button").forEach(function (b) { b.disabled = !isOpen(); });
  }

  function changedNote(li, details, text) {
    var note = details.querySelector(".changed-note");
    if (text === null) { if (note) note.remove(); return; }
    if (!note) {
      note = el("div", { "class": "changed-note", role: "status" });
      details.querySelector("form").insertBefore(note, details.querySelector("textarea"));
    }
    note.replaceChildren(el("p", { "class": "label" }, L.changed), el("p", { "class": "current" }, text));
  }

  /* A proposal that left the list while its editor was open stays, with its draft. */
  function keepGone(li) {
    li.classList.add("gone");
    var details = openEditor(li);
    var form = details.querySelector("form");
    if (!form.querySelector(".gone-note")) {
      var note = el("div", { "class": "notice gone-note", role: "status" });
      note.appendChild(el("p", {}, L.gone));
      var again = el("button", { type: "button" }, L.add_anew);
      again.addEventListener("click", function () {
        var text = form.querySelector("textarea").value;
        send("add", { text: text }, li).then(function (ok) { if (ok) li.remove(); });
      });
      note.appendChild(again);
      form.insertBefore(note, form.firstChild);
      form.querySelector("button[value=edit]").disabled = true;
    }
  }

  function render(next) {
    state = next;
    phaseEl.textContent = config.phases[state.phase] || state.phase;
    phaseEl.className = "phase phase-" + state.phase;
    ends = state.phase_ends;
    Object.assign(names, state.names || {});
    var open = isOpen(), full = state.items.length >= config.max_live;
    section.classList.toggle("is-open", open);
    section.classList.toggle("is-full", full);
    closedNote.hidden = open;
    emptyNote.hidden = state.items.length > 0;
    // A draft typed in the add form is never hidden away: only its button is disabled.
    var drafting = addArea.value.trim() !== "";
    addForm.hidden = !drafting && (full || !open);
    addForm.querySelector("button").disabled = full || !open;
    fullNote.hidden = !(full && open);

    var focused = document.activeElement;
    var selection = focused && focused.tagName === "TEXTAREA" && list.contains(focused)
      ? [focused.selectionStart, focused.selectionEnd] : null;
    var existing = {};
    list.querySelectorAll(":scope > li").forEach(function (li) { existing[li.getAttribute("data-id")] = li; });
    var wanted = [];
    state.items.forEach(function (item) {
      var li = existing[item.id] || itemNode(item);
      delete existing[item.id];
      update(li, item);
      wanted.push(li);
    });
    Object.keys(existing).forEach(function (id) {
      if (openEditor(existing[id])) { keepGone(existing[id]); wanted.push(existing[id]); }
      else existing[id].remove();
    });
    // Put the nodes in rank order, moving only those out of place (a moved node keeps
    // its typed text; the focus is given back below).
    wanted.forEach(function (li, index) {
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
    });
    if (focused && document.activeElement !== focused && document.contains(focused)) {
      focused.focus();
      if (selection) focused.setSelectionRange(selection[0], selection[1]);
    }
    detectCleared(state);
    tick();
  }

  function detectCleared(state) {
    var byId = {};
    state.items.forEach(function (item) { byId[item.id] = item; });
    Object.keys(mine).forEach(function (id) {
      var item = byId[id];
      if (item && item.version > mine[id] && item.endorsements.indexOf(me) < 0 && item.edited_by !== me) {
        showCleared(item, mine[id]);
      }
    });
    mine = {};
    state.items.forEach(function (item) {
      if (item.endorsements.indexOf(me) >= 0) mine[item.id] = item.version;
    });
  }

  function showCleared(item, endorsedVersion) {
    var old = document.getElementById("cleared-" + item.id);
    if (old) old.remove();
    var box = el("div", { "class": "notice cleared", id: "cleared-" + item.id, role: "alert" });
    box.appendChild(el("p", {}, L.cleared.replace("${group}", names[item.edited_by] || item.edited_by)));
    var diff = el("p", { "class": "diff" }, item.text);
    box.appendChild(diff);
    box.appendChild(el("p", { "class": "legend" }, L.diff_legend));
    var again = el("button", { type: "button" }, L.reendorse);
    again.addEventListener("click", function () {
      send("endorse", { id: item.id }, null).then(function (ok) { if (ok) box.remove(); });
    });
    var dismiss = el("button", { type: "button", "class": "secondary" }, L.dismiss);
    dismiss.addEventListener("click", function () { box.remove(); });
    box.appendChild(again);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(dismiss);
    notices.appendChild(box);
    fetch(config.state + "/" + encodeURIComponent(item.id) + "/@history", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (history) {
        if (!history) return;
        var versions = history.versions, before = "", after = item.text;
        versions.forEach(function (v) { if (v.version === endorsedVersion) before = v.text; });
        versions.forEach(function (v) { if (v.version === item.version) after = v.text; });
        diff.replaceChildren(renderDiff(before, after));
      })
      .catch(function () {});
  }

  function renderDiff(before, after) {
    // Word diff (longest common subsequence on words and spaces), as the server computes it.
    var a = before.match(/\s+|\S+/g) || [], b = after.match(/\s+|\S+/g) || [];
    var n = a.length, m = b.length, i, j, table = [];
    for (i = 0; i <= n; i++) { table.push(new Array(m + 1).fill(0)); }
    for (i = n - 1; i >= 0; i--) for (j = m - 1; j >= 0; j--)
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    var out = document.createDocumentFragment();
    i = 0; j = 0;
    function add(tag, text) { out.appendChild(tag ? el(tag, {}, text) : document.createTextNode(text)); }
    while (i < n || j < m) {
      if (i < n && j < m && a[i] === b[j]) { add(null, a[i]); i++; j++; }
      else if (j < m && (i >= n || table[i][j + 1] >= table[i + 1][j])) { add("ins", b[j]); j++; }
      else { add("del", a[i]); i++; }
    }
    return out;
  }

  /* A notice where the action was: inside the proposal's node, or above the add form. */
  function notice(where, text, options) {
    options = options || {};
    var old = where === null ? document.getElementById("add-notice") : where.querySelector(":scope > .notice");
    if (old) old.remove();
    var box = el("div", { "class": "notice answer" + (options.refused ? " refused" : ""), role: "alert" });
    box.appendChild(el("p", {}, text));
    if (options.current !== undefined) {
      box.appendChild(el("p", { "class": "label" }, L.current));
      box.appendChild(el("p", { "class": "current" }, options.current));
    }
    var dismiss = el("button", { type: "button", "class": "secondary" }, L.dismiss);
    dismiss.addEventListener("click", function () { box.remove(); });
    box.appendChild(dismiss);
    if (where === null) {
      box.id = "add-notice";
      addForm.parentNode.insertBefore(box, addForm);
    } else {
      var actions = where.querySelector(".p-actions");
      where.insertBefore(box, actions || null);
    }
    box.scrollIntoView({ block: "nearest" });
    return box;
  }

  function send(action, fields, where) {
    var url = config.state, method = "POST", body = {};
    if (action === "add") { body = { text: fields.text }; }
    else if (action === "edit") {
      url += "/" + encodeURIComponent(fields.id); method = "PATCH";
      body = { text: fields.text, base_version: parseInt(fields.base_version, 10) };
    } else {
      url += "/" + encodeURIComponent(fields.id) + "/@endorse";
      method = action === "withdraw" ? "DELETE" : "POST";
    }
    return fetch(url, {
      method: method, body: JSON.stringify(body), credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          if (action === "edit") {
            mine[fields.id] = data.version;
            var details = openEditor(where);
            if (details) details.open = false;  // saved: the editor follows the list again
            notice(where, L.saved);
          }
          if (action === "add") notice(null, L.added);
          if (action === "endorse") mine[fields.id] = data.version;
          if (action === "withdraw") delete mine[fields.id];
          return true;
        }
        if (data.error === "stale" && data.current) {
          // The draft stays in the editor, now based on the current version: saving again
          // replaces the current text knowingly; the notice shows it beside the draft.
          var open = openEditor(where);
          if (open) {
            open.querySelector("input[name=base_version]").value = String(data.current.version);
            changedNote(where, open, null);
          }
          notice(where, L.stale, { refused: true, current: data.current.text });
        } else if (data.error === "limit") { notice(where, L.full, { refused: true }); }
        else if (data.error === "phase") { notice(where, L.closed, { refused: true }); }
        else { notice(where, L.error + (data.message ? " (" + data.message + ")" : ""), { refused: true }); }
        return false;
      });
    }).catch(function () { notice(where, L.offline, { refused: true }); return false; })
      .then(function (ok) { live.poll(); return ok; });
  }

  // Cancel closes an editor; the list's current text is in it again at once.
  section.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("button.cancel");
    if (!cancel) return;
    var details = cancel.closest("details.edit");
    if (details) details.open = false;
    render(state);
  });

  section.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("act")) return;
    event.preventDefault();
    var submitter = event.submitter || form.querySelector("button[name=action]");
    var fields = {};
    new FormData(form).forEach(function (value, key) { fields[key] = value; });
    var action = submitter ? submitter.value : fields.action;
    var where = action === "add" ? null : form.closest("li");
    send(action, fields, where).then(function (ok) {
      if (ok && action === "add") { form.reset(); render(state); }
    });
  });

  function tick() {
    countdown.textContent =
      ends && live ? window.konbitLive.format(live.secondsUntil(ends)) + " " + L.time_left : "";
  }

  live = window.konbitLive.poller({
    url: config.state, etag: config.etag, conn: conn, offline: L.offline, onState: render
  });
  setInterval(tick, 250);
  tick();
})();

/* Scribe screen, live: actions go to the JSON API, the list follows the session state by
   polling its ETag, open edits keep their draft, and when another group's edit clears this
   group's endorsement a notice shows what changed with a one-click re-endorse.
   Without this script the page still works through its plain forms. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scribe-config").textContent);
  var L = config.labels, me = config.group;
  var list = document.getElementById("proposals");
  var notices = document.getElementById("notices");
  var conn = document.getElementById("conn");
  var phaseEl = document.getElementById("phase");
  var countdown = document.getElementById("countdown");
  var closedNote = document.getElementById("closed-note");
  var emptyNote = document.getElementById("empty-note");
  var addForm = document.getElementById("add-form");
  var fullNote = document.getElementById("full-note");
  var csrfInput = document.querySelector("input[name=csrf_token]");
  var csrf = csrfInput ? csrfInput.value : "";
  var ends = countdown.getAttribute("data-ends") || null;
  var names = config.names || {}, live = null;
  var drafts = {};      // proposal id -> {text, base} while its edit form is open
  var mine = {};        // proposal id -> version this group endorsed

  (config.items || []).forEach(function (item) {
    if (item.endorsements.indexOf(me) >= 0) mine[item.id] = item.version;
  });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function hidden(name, value) { return el("input", { type: "hidden", name: name, value: value }); }

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

  function editForm(item) {
    var draft = drafts[item.id];
    var details = el("details", { "class": "edit" });
    if (draft) details.open = true;
    details.appendChild(el("summary", {}, L.edit));
    var form = el("form", { method: "post", "class": "act" });
    form.appendChild(hidden("csrf_token", csrf));
    form.appendChild(hidden("id", item.id));
    form.appendChild(hidden("base_version", draft ? draft.base : item.version));
    var area = el("textarea", { id: "edit-" + item.id, name: "text", rows: "3", required: "required",
                                maxlength: "1000", "aria-label": L.edit });
    area.value = draft ? draft.text : item.text;
    form.appendChild(area);
    form.appendChild(el("button", { type: "submit", name: "action", value: "edit" }, L.save));
    details.appendChild(form);
    details.addEventListener("toggle", function () {
      if (details.open && !drafts[item.id]) drafts[item.id] = { text: area.value, base: item.version };
      if (!details.open) delete drafts[item.id];
    });
    area.addEventListener("input", function () {
      var d = drafts[item.id] || (drafts[item.id] = { base: item.version });
      d.text = area.value;
    });
    return details;
  }

  function render(state) {
    phaseEl.textContent = config.phases[state.phase] || state.phase;
    phaseEl.className = "phase phase-" + state.phase;
    ends = state.phase_ends;
    Object.assign(names, state.names || {});
    closedNote.hidden = state.phase === "collaboration";
    emptyNote.hidden = state.items.length > 0;
    var full = state.items.length >= 10;
    addForm.hidden = full;
    fullNote.hidden = !full;

    var focused = document.activeElement, focusId = focused && list.contains(focused) ? focused.id : null;
    var selection = focusId && focused.selectionStart !== undefined ? [focused.selectionStart, focused.selectionEnd] : null;
    var fragment = document.createDocumentFragment();
    state.items.forEach(function (item) {
      var endorsed = item.endorsements.indexOf(me) >= 0;
      var li = el("li", { "class": "proposal" + (endorsed ? " mine" : ""), "data-id": item.id,
                          "data-version": item.version });
      var head = el("div", { "class": "p-head" });
      head.appendChild(el("span", { "class": "count" }, String(item.endorsement_count)));
      head.appendChild(el("span", { "class": "text" }, item.text));
      li.appendChild(head);
      var meta = el("p", { "class": "meta" }, L.edited_by + " " + (names[item.edited_by] || item.edited_by));
      if (endorsed) meta.appendChild(el("strong", { "class": "badge" }, L.endorsed));
      li.appendChild(meta);
      var actions = el("div", { "class": "p-actions" });
      actions.appendChild(actionForm(item));
      actions.appendChild(editForm(item));
      li.appendChild(actions);
      fragment.appendChild(li);
    });
    list.replaceChildren(fragment);
    if (focusId) {
      var again = document.getElementById(focusId);
      if (again) {
        again.focus();
        if (selection && again.setSelectionRange) again.setSelectionRange(selection[0], selection[1]);
      }
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
    var again = el("button", { type: "button" }, L.reendorse);
    again.addEventListener("click", function () {
      send("endorse", { id: item.id }).then(function (ok) { if (ok) box.remove(); });
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

  function notice(text, extra) {
    var box = el("div", { "class": "notice", role: "alert" });
    box.appendChild(el("p", {}, text));
    if (extra) box.appendChild(el("p", { "class": "diff" }, extra));
    var dismiss = el("button", { type: "button", "class": "secondary" }, L.dismiss);
    dismiss.addEventListener("click", function () { box.remove(); });
    box.appendChild(dismiss);
    notices.appendChild(box);
  }

  function send(action, fields) {
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
          if (action === "edit") { delete drafts[fields.id]; mine[fields.id] = data.version; }
          if (action === "endorse") mine[fields.id] = data.version;
          if (action === "withdraw") delete mine[fields.id];
          return true;
        }
        if (data.error === "stale" && data.current) {
          drafts[fields.id] = { text: fields.text, base: data.current.version };
          notice(L.stale, data.current.text);
        } else if (data.error === "limit") { notice(L.full); }
        else if (data.error === "phase") { notice(L.closed); }
        else { notice(L.error + (data.message ? " (" + data.message + ")" : "")); }
        return false;
      });
    }).catch(function () { notice(L.offline); return false; })
      .then(function (ok) { live.poll(); return ok; });
  }

  document.getElementById("scribe").addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("act")) return;
    event.preventDefault();
    var submitter = event.submitter || form.querySelector("button[name=action]");
    var fields = {};
    new FormData(form).forEach(function (value, key) { fields[key] = value; });
    var action = submitter ? submitter.value : fields.action;
    send(action, fields).then(function (ok) {
      if (ok && action === "add") form.reset();
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

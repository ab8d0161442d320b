/* Projector display: polls the session state with its ETag every second (a 304 costs the
   server almost nothing), redraws on change, counts the phase down with the server's clock,
   and keeps retrying with a growing pause when the connection or the server goes away. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("display-config").textContent);
  var list = document.getElementById("proposals");
  var phaseEl = document.getElementById("phase");
  var countdown = document.getElementById("countdown");
  var groupCount = document.getElementById("group-count");
  var empty = document.getElementById("empty-note");
  var conn = document.getElementById("conn");
  var etag = config.etag || null, ends = countdown.getAttribute("data-ends") || null;
  var skew = 0, failures = 0, previous = {};
  var INTERVAL = 1000, MAX_PAUSE = 5000, TIMEOUT = 4000;

  list.querySelectorAll("li").forEach(function (li) {
    previous[li.getAttribute("data-id")] = li.querySelector(".text").textContent;
  });

  function format(seconds) {
    seconds = Math.max(0, Math.ceil(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }

  function tick() {
    countdown.textContent = ends ? format((Date.parse(ends) - (Date.now() + skew)) / 1000) : "";
  }

  function render(state) {
    phaseEl.textContent = config.phases[state.phase] || state.phase;
    phaseEl.className = "phase phase-" + state.phase;
    ends = state.phase_ends;
    if (typeof state.groups === "number") groupCount.textContent = state.groups;
    var fragment = document.createDocumentFragment(), seen = {};
    state.items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-id", item.id);
      if (previous[item.id] !== undefined && previous[item.id] !== item.text) li.className = "changed";
      if (previous[item.id] === undefined && Object.keys(previous).length) li.className = "changed";
      var count = document.createElement("span");
      count.className = "count";
      count.textContent = item.endorsement_count;
      count.setAttribute("aria-label", item.endorsement_count + " " + config.labels.endorsements);
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = item.text;
      li.appendChild(count);
      li.appendChild(text);
      fragment.appendChild(li);
      seen[item.id] = item.text;
    });
    previous = seen;
    list.replaceChildren(fragment);
    empty.hidden = state.items.length > 0;
    tick();
  }

  function schedule(delay) { setTimeout(poll, delay); }

  function poll() {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT) : null;
    var headers = { "Accept": "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(config.state, { headers: headers, cache: "no-store", signal: controller && controller.signal })
      .then(function (response) {
        var date = response.headers.get("Date");
        if (date) skew = Date.parse(date) + 500 - Date.now();
        if (response.status === 304) return null;
        if (!response.ok) throw new Error("HTTP " + response.status);
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (state) {
        if (state) render(state);
        failures = 0;
        conn.hidden = true;
        schedule(INTERVAL);
      })
      .catch(function () {
        failures += 1;
        conn.hidden = false;
        schedule(Math.min(MAX_PAUSE, INTERVAL * Math.pow(1.5, failures)));
      })
      .finally(function () { if (timer) clearTimeout(timer); });
  }

  setInterval(tick, 250);
  tick();
  schedule(INTERVAL);
})();

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
  var ends = countdown.getAttribute("data-ends") || null;
  var previous = {}, live = null;

  list.querySelectorAll("li").forEach(function (li) {
    previous[li.getAttribute("data-id")] = li.querySelector(".text").textContent;
  });

  function tick() {
    countdown.textContent =
      ends && live ? window.konbitLive.format(live.secondsUntil(ends)) : "";
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

  live = window.konbitLive.poller({
    url: config.state, etag: config.etag, conn: conn, onState: render
  });
  setInterval(tick, 250);
  tick();
})();

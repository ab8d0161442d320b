/* Projector display: polls the session state with its ETag every second (a 304 costs the
   server almost nothing), redraws on change, counts the phase down with the server's clock,
   and keeps retrying with a growing pause when the connection or the server goes away.
   The phase decides the screen (welcome, live list, final results); the list's type is
   fitted so that every proposal shows at once, whatever their length and the screen's. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("display-config").textContent);
  var body = document.body;
  var list = document.getElementById("proposals");
  var board = document.getElementById("board");
  var phaseEl = document.getElementById("phase");
  var countdown = document.getElementById("countdown");
  var groupCount = document.getElementById("group-count");
  var empty = document.getElementById("empty-note");
  var conn = document.getElementById("conn");
  var ends = countdown.getAttribute("data-ends") || null;
  var phase = (phaseEl.className.match(/phase-(\w+)/) || [])[1];
  var previous = {}, live = null;

  list.querySelectorAll("li").forEach(function (li) {
    previous[li.getAttribute("data-id")] = li.querySelector(".text").textContent;
  });

  function tick() {
    countdown.textContent =
      ends && live ? window.konbitLive.format(live.secondsUntil(ends)) : "";
  }

  function mode(phase) {
    if (config.welcome.indexOf(phase) >= 0) return "welcome";
    return phase === "closed" ? "final" : "board";
  }

  /* The largest type (in one or two columns) at which the whole list fits its box. */
  function fit(box, target) {
    if (!box || !target || box.offsetParent === null) return;
    var height = box.clientHeight, width = box.clientWidth;
    if (!height || !width) return;
    function fits() {
      return target.scrollHeight <= height - 2 && target.scrollWidth <= width && box.scrollHeight <= height;
    }
    var ceiling = Math.max(12, Math.min(96, window.innerHeight * 0.075));
    var sizes = {};
    [1, 2].forEach(function (columns) {
      target.style.columnCount = String(columns);
      var low = 4, high = ceiling;
      while (high - low > 0.25) {
        var mid = (low + high) / 2;
        target.style.fontSize = mid + "px";
        if (fits()) low = mid; else high = mid;
      }
      sizes[columns] = low;
    });
    // One column reads best, unless two give clearly larger type, or one column's lines
    // would be too long to follow (over about 110 characters) for nearly the same type.
    var perLine = width / (sizes[1] * 0.55);
    var two = sizes[2] > sizes[1] * 1.15 || (perLine > 110 && sizes[2] >= sizes[1] * 0.9);
    target.style.columnCount = two ? "2" : "1";
    target.style.fontSize = sizes[two ? 2 : 1] + "px";
  }

  function fitAll() {
    fit(board, list);
    var final = document.getElementById("final");
    if (final) fit(final, final.querySelector("ol"));
  }

  function render(state) {
    phaseEl.textContent = config.phases[state.phase] || state.phase;
    phaseEl.className = "phase phase-" + state.phase;
    ends = state.phase_ends;
    if (state.phase === "closed" && phase !== "closed") {
      // The final ranked list with the shares is made by the server, once.
      window.location.reload();
      return;
    }
    phase = state.phase;
    body.className = "display mode-" + mode(state.phase);
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
    fitAll();
    tick();
  }

  live = window.konbitLive.poller({
    url: config.state, etag: config.etag, conn: conn, onState: render
  });
  window.addEventListener("resize", fitAll);
  fitAll();
  setInterval(tick, 250);
  tick();
})();

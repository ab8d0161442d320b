/* Counts down to every [data-ends] time on the page (mm:ss, or h:mm:ss). Needs live.js. */
(function () {
  "use strict";
  function tick() {
    var nodes = document.querySelectorAll("[data-ends]");
    for (var i = 0; i < nodes.length; i++) {
      var ends = nodes[i].getAttribute("data-ends");
      nodes[i].textContent = ends
        ? window.konbitLive.format((Date.parse(ends) - Date.now()) / 1000)
        : "";
    }
  }
  tick();
  setInterval(tick, 1000);
})();

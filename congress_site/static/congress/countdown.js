/* Counts down to every [data-ends] time on the page (mm:ss, or h:mm:ss). */
(function () {
  "use strict";
  function format(seconds) {
    seconds = Math.max(0, Math.ceil(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }
  window.konbitCountdown = { format: format };
  function tick() {
    var nodes = document.querySelectorAll("[data-ends]");
    for (var i = 0; i < nodes.length; i++) {
      var ends = nodes[i].getAttribute("data-ends");
      nodes[i].textContent = ends ? format((Date.parse(ends) - Date.now()) / 1000) : "";
    }
  }
  tick();
  setInterval(tick, 1000);
})();

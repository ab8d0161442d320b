/* What the live congress pages share: the countdown format, and a poller that follows the
   session state by its ETag (a 304 costs the server almost nothing), keeps the server's clock
   (skew from the Date header) and retries with a growing pause when the connection or the
   server goes away, showing the page's connection notice meanwhile. */
(function () {
  "use strict";
  var INTERVAL = 1000, MAX_PAUSE = 5000, TIMEOUT = 4000;

  function format(seconds) {
    seconds = Math.max(0, Math.ceil(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }

  /* options: url, etag (of the state the page was rendered with), conn (the notice element),
     offline (its text, optional), onState(state) called with each new state. */
  function poller(options) {
    var etag = options.etag || null, skew = 0, failures = 0, timer = null;

    function again(delay) { clearTimeout(timer); timer = setTimeout(poll, delay); }

    function poll() {
      clearTimeout(timer);
      var controller = window.AbortController ? new AbortController() : null;
      var abort = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT) : null;
      var headers = { "Accept": "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      fetch(options.url, {
        headers: headers, cache: "no-store", signal: controller && controller.signal
      })
        .then(function (response) {
          var date = response.headers.get("Date");
          if (date) skew = Date.parse(date) + 500 - Date.now();
          if (response.status === 304) return null;
          if (!response.ok) throw new Error("HTTP " + response.status);
          etag = response.headers.get("ETag");
          return response.json();
        })
        .then(function (state) {
          if (state) options.onState(state);
          failures = 0;
          options.conn.hidden = true;
          again(INTERVAL);
        })
        .catch(function () {
          failures += 1;
          if (options.offline) options.conn.textContent = options.offline;
          options.conn.hidden = false;
          again(Math.min(MAX_PAUSE, INTERVAL * Math.pow(1.5, failures)));
        })
        .finally(function () { if (abort) clearTimeout(abort); });
    }

    again(INTERVAL);
    return {
      poll: poll,
      /* Seconds until an ISO time, by the server's clock. */
      secondsUntil: function (iso) { return (Date.parse(iso) - (Date.now() + skew)) / 1000; }
    };
  }

  window.konbitLive = { format: format, poller: poller };
})();

/* Polls the samples' progress every two seconds; reloads the page once one has finished.
   A file of its own (not inline) so that the Content-Security-Policy can forbid inline scripts.
   The URL to poll comes from the script tag's data-poll-url; the statuses' labels in the page's language
   (Norwegian or English) from its data-status-labels, so the script itself holds no words. */
(function () {
  var script = document.currentScript;
  var url = script && script.getAttribute("data-poll-url");
  if (!url) { return; }
  var labels = {};
  try { labels = JSON.parse(script.getAttribute("data-status-labels") || "{}"); } catch (e) { labels = {}; }
  function tick() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (rows) {
        var reload = false;
        rows.forEach(function (s) {
          var el = document.querySelector('[data-sample-status="' + s.id + '"]');
          if (!el) { return; }
          if (s.finished) { reload = true; return; }
          el.querySelector("[data-label]").textContent = labels[s.status] || s.status_label;
          var bar = el.querySelector("progress");
          if (bar) { bar.value = s.progress; }
          var pct = el.querySelector("[data-percent]");
          if (pct) { pct.textContent = s.progress + " %"; }
        });
        if (reload) { window.location.reload(); } else { window.setTimeout(tick, 2000); }
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, 2000);
})();

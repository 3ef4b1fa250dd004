/* monostat status banner. Include it on another site (an application's error page, say):
   <script src="https://status.example.com/embed.js" async></script>
   When the system is not up and running, a small banner says so and links the status page;
   its close button hides it until the status changes. No dependencies. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) { return; }
  var base = new URL(script.src).origin;
  fetch(base + "/api/v2/status.json", { credentials: "omit" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.status || data.status.indicator === "none") { return; }
      var key = "monostat-banner:" + base;
      var seen = data.status.indicator + ":" + data.status.description;
      try { if (sessionStorage.getItem(key) === seen) { return; } } catch (e) { /* private mode */ }
      var colours = { minor: "#8a5300", major: "#b3261e", critical: "#b3261e", maintenance: "#1558b0" };
      var bar = document.createElement("div");
      bar.setAttribute("role", "status");
      bar.className = "monostat-banner";
      var s = bar.style;
      s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0"; s.zIndex = "2147483647";
      s.display = "flex"; s.gap = "1em"; s.alignItems = "center"; s.justifyContent = "center";
      s.padding = "0.6em 1em"; s.font = "15px/1.4 system-ui, sans-serif"; s.color = "#fff";
      s.background = colours[data.status.indicator] || "#555";
      var link = document.createElement("a");
      link.href = data.page && data.page.url ? data.page.url : base;
      link.textContent = (data.page && data.page.name ? data.page.name + ": " : "") + data.status.description;
      link.style.color = "#fff";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "\u00d7";
      close.setAttribute("aria-label", "Dismiss");
      close.style.background = "none"; close.style.border = "0"; close.style.color = "#fff";
      close.style.font = "inherit"; close.style.fontSize = "1.4em"; close.style.cursor = "pointer";
      close.addEventListener("click", function () {
        bar.remove();
        try { sessionStorage.setItem(key, seen); } catch (e) { /* private mode */ }
      });
      bar.appendChild(link);
      bar.appendChild(close);
      document.body.appendChild(bar);
    })
    .catch(function () { /* the status page is unreachable: say nothing rather than alarm */ });
})();

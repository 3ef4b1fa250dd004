// Shows every <time datetime> in the reader's own time zone, and how long ago it was. The page
// is complete without this script: the server writes the times in the site's time zone.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;
  // The page's language, not the browser's: the words around the times are in it.
  var lang = document.documentElement.lang || undefined;
  var absolute = new Intl.DateTimeFormat(lang, {
    year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  var relative = Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null;
  var units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];

  function ago(date) {
    if (!relative) return "";
    var seconds = (date.getTime() - Date.now()) / 1000;
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(seconds) >= units[i][1]) {
        return relative.format(Math.round(seconds / units[i][1]), units[i][0]);
      }
    }
    return relative.format(0, "minute");
  }

  function localise() {
    var times = document.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date.getTime()) || el.hasAttribute("data-date-only")) continue;
      if (!el.hasAttribute("title")) el.setAttribute("title", el.textContent);
      var text = absolute.format(date);
      if (el.hasAttribute("data-relative")) text += " (" + ago(date) + ")";
      el.textContent = text;
    }
  }

  localise();
  setInterval(localise, 60000);
})();

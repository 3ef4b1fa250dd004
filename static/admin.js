// Enhancements for the admin pages; every form works without them.
"use strict";

// Copy buttons next to read-only fields (hook URLs).
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    navigator.clipboard.writeText(field.value).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
});

// Live preview of Markdown, rendered by the server with the public page's own code.
document.querySelectorAll("textarea[data-preview]").forEach(function (area) {
  var target = document.getElementById(area.getAttribute("data-preview"));
  var form = area.form;
  if (!target || !form) { return; }
  var token = form.querySelector("input[name=csrf]");
  var timer = null;
  function refresh() {
    var body = new URLSearchParams();
    body.set("csrf", token ? token.value : "");
    body.set("text", area.value);
    fetch("/admin/preview", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { target.innerHTML = html; });
  }
  area.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  refresh();
});

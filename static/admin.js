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

// Security keys (WebAuthn). The server sends the options as JSON with binary fields in
// base64url; the browser API wants ArrayBuffers, and the answer goes back as base64url again.
function fromBase64url(text) {
  var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  while (b64.length % 4) { b64 += "="; }
  var binary = atob(b64);
  var bytes = new Uint8Array(binary.length);
  for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
  return bytes.buffer;
}

function toBase64url(buffer) {
  var bytes = new Uint8Array(buffer);
  var binary = "";
  for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function postForm(url, fields) {
  return fetch(url, { method: "POST", body: new URLSearchParams(fields), credentials: "same-origin" })
    .then(function (response) {
      // Refusals from in front of the page (session ended, form expired) are plain text.
      return response.text().then(function (text) {
        var body = null;
        try { body = JSON.parse(text); } catch (e) { body = null; }
        if (!response.ok) { throw new Error((body && body.error) || text || "The server refused."); }
        return body;
      });
    });
}

function webauthnForm(form, run) {
  var status = document.getElementById(form.getAttribute("data-status"));
  if (!window.PublicKeyCredential) {
    status.textContent = "This browser cannot use security keys.";
    return;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    status.textContent = "";
    var fields = {};
    new FormData(form).forEach(function (value, key) { fields[key] = value; });
    run(form, fields)
      .then(function (answer) { window.location.assign(answer.redirect); })
      .catch(function (error) {
        status.textContent = error.name === "NotAllowedError"
          ? "The security key was not used in time, or the request was cancelled. Try again."
          : error.message;
      });
  });
}

document.querySelectorAll("form[data-webauthn-register]").forEach(function (form) {
  webauthnForm(form, function (form, fields) {
    return postForm("/admin/account/keys/start", { csrf: fields.csrf })
      .then(function (options) {
        var key = options.publicKey;
        key.challenge = fromBase64url(key.challenge);
        key.user.id = fromBase64url(key.user.id);
        (key.excludeCredentials || []).forEach(function (c) { c.id = fromBase64url(c.id); });
        return navigator.credentials.create({ publicKey: key });
      })
      .then(function (credential) {
        fields.credential = JSON.stringify({
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          response: {
            attestationObject: toBase64url(credential.response.attestationObject),
            clientDataJSON: toBase64url(credential.response.clientDataJSON)
          },
          extensions: {}
        });
        return postForm(form.getAttribute("action"), fields);
      });
  });
});

document.querySelectorAll("form[data-webauthn-login]").forEach(function (form) {
  webauthnForm(form, function (form, fields) {
    return postForm("/admin/login/key/start", { csrf: fields.csrf })
      .then(function (options) {
        var request = options.publicKey;
        request.challenge = fromBase64url(request.challenge);
        (request.allowCredentials || []).forEach(function (c) { c.id = fromBase64url(c.id); });
        return navigator.credentials.get({ publicKey: request });
      })
      .then(function (credential) {
        var r = credential.response;
        fields.credential = JSON.stringify({
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          response: {
            authenticatorData: toBase64url(r.authenticatorData),
            clientDataJSON: toBase64url(r.clientDataJSON),
            signature: toBase64url(r.signature),
            userHandle: r.userHandle ? toBase64url(r.userHandle) : null
          },
          extensions: {}
        });
        return postForm(form.getAttribute("action"), fields);
      });
  });
});

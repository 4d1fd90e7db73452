// Tandem's only script: small enhancements; every page works without it.
document.addEventListener("click", function (e) {
  var copy = e.target.closest("[data-copy]");
  if (copy) {
    var input = copy.parentElement.querySelector("[data-secret]");
    input.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(input.value); } else { document.execCommand("copy"); }
  }
});
// An irreversible action asks first; a form being sent cannot be sent
// twice by a second click (the server guards against it too).
document.addEventListener("submit", function (e) {
  var form = e.target;
  var msg = form.getAttribute("data-confirm");
  // A move into a lost stage asks first (data-lost-stages: their keys).
  var lost = form.getAttribute("data-lost-stages");
  if (!msg && lost && form.elements.stage && lost.split(",").indexOf(form.elements.stage.value) >= 0) {
    msg = form.getAttribute("data-confirm-lost");
  }
  if (msg && !window.confirm(msg)) { e.preventDefault(); return; }
  if (form.method !== "post" || form.target) { return; }
  if (form.dataset.sending) { e.preventDefault(); return; }
  form.dataset.sending = "1";
  setTimeout(function () {
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
  }, 0);
});
// Every form this page posts carries a token of this page view, so that the
// server can tell a form sent twice from a form filled twice.
document.querySelectorAll('form[method="post"]').forEach(function (f) {
  var once = document.createElement("input");
  var bytes = new Uint8Array(12);
  window.crypto.getRandomValues(bytes);
  once.type = "hidden";
  once.name = "_once";
  once.value = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  f.appendChild(once);
});
// Coming back to a page from the history shows its forms ready again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sending]").forEach(function (f) {
    delete f.dataset.sending;
    f.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
  });
});
// A form answered with errors: the address becomes that of the page the
// form was on, so that reloading shows the page instead of posting again.
(function () {
  var ret = document.querySelector('meta[name="tandem-return"]');
  if (ret && window.history && history.replaceState) { history.replaceState(null, "", ret.content); }
})();
// Today's call forms: keys pick the outcome (1–8) and the follow-up
// (0 a s d) while focus is on the form's choices; Enter logs the call.
document.addEventListener("keydown", function (e) {
  var form = e.target.closest && e.target.closest("[data-call-form]");
  if (!form || e.ctrlKey || e.metaKey || e.altKey) { return; }
  var typing = e.target.matches("input[type=text], textarea");
  // In a text field Enter submits by itself; on a choice it does here.
  if (e.key === "Enter" && e.target.matches("input[type=radio]")) {
    e.preventDefault();
    form.requestSubmit();
    return;
  }
  if (typing) { return; }
  // The key's place on the keyboard (e.code), so that the keys work in
  // any layout (a Russian one types ф where an English one types a);
  // the character typed when the place names no letter or digit.
  var key = e.key.toLowerCase();
  var place = /^(?:Key|Digit|Numpad)([A-Z0-9])$/.exec(e.code || "");
  if (place) { key = place[1].toLowerCase(); }
  var pick = form.querySelector('input[type=radio][data-key="' + key + '"]');
  if (pick) {
    e.preventDefault();
    pick.checked = true;
    pick.focus();
  }
});
// On a phone the engagement's navigation scrolls sideways: the group and
// the page the reader is on are brought into view.
document.querySelectorAll(".engnav .tabs").forEach(function (strip) {
  var cur = strip.querySelector("a.active");
  if (cur && strip.scrollWidth > strip.clientWidth && cur.offsetLeft + cur.offsetWidth > strip.clientWidth) {
    strip.scrollLeft = cur.offsetLeft - 24;
  }
});
// A picker's search box narrows its list as the person types: the form's
// own page is asked for it (the same GET as the Find button, with what the
// form holds, so a choice made stays) and the list is swapped in; the
// search box keeps its focus. Enter searches instead of sending the form.
document.querySelectorAll("[data-picker-q]").forEach(function (input) {
  var name = input.getAttribute("data-picker-q");
  var find = input.parentElement.querySelector("button[name=find]");
  var timer, asked = 0;
  function narrow() {
    var data = new FormData(input.form);
    data.delete("_once");
    data.set("find", name);
    var mine = ++asked;
    fetch(find.getAttribute("formaction") + "?" + new URLSearchParams(data).toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (mine !== asked) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("picker-" + name);
        var list = document.getElementById("picker-" + name);
        if (fresh && list) { list.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* the Find button still works */ });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(narrow, 200); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); narrow(); }
  });
});
// A navigation strip wider than the screen (a phone) shows its current
// item rather than cutting it at the edge, and fades at an edge where
// more items are hidden.
document.querySelectorAll(".mainnav, .tabs").forEach(function (nav) {
  if (nav.scrollWidth <= nav.clientWidth + 1) { return; }
  var cur = nav.querySelector("[aria-current]");
  if (cur) { nav.scrollLeft = cur.offsetLeft - (nav.clientWidth - cur.offsetWidth) / 2; }
  var edges = function () {
    nav.classList.toggle("more-left", nav.scrollLeft > 2);
    nav.classList.toggle("more-right", nav.scrollLeft + nav.clientWidth < nav.scrollWidth - 2);
  };
  edges();
  nav.addEventListener("scroll", edges, { passive: true });
});

// Tandem's only script: small enhancements; every page works without it.
document.addEventListener("click", function (e) {
  var copy = e.target.closest("[data-copy]");
  if (copy) {
    var input = copy.parentElement.querySelector("[data-secret]");
    input.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(input.value); } else { document.execCommand("copy"); }
  }
});
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
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
  var pick = form.querySelector('input[type=radio][data-key="' + e.key.toLowerCase() + '"]');
  if (pick) {
    e.preventDefault();
    pick.checked = true;
    pick.focus();
  }
});

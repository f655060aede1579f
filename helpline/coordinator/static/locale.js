// Changing the interface language in the top bar submits its form at once (kept
// out of the page: the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  var select = document.querySelector("select[name=locale]");
  if (!select) { return; }
  select.addEventListener("change", function () { select.form.submit(); });
}());

/* Small behaviours of the pages, without inline scripts (the Content-Security-Policy allows
   scripts from this site only):
   - data-confirm="…" on a button: ask before submitting its form;
   - data-check-all="NAME" on a checkbox: tick or clear every input named NAME;
   - data-autosubmit on a select: submit its form when it changes;
   - data-select-on-click on an input: select its text (a link to copy);
   - data-back on a link: go back a page when there is one to go back to (else follow it). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var confirming = target.closest("[data-confirm]");
    if (confirming && !window.confirm(confirming.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    if (target.matches("[data-check-all]")) {
      var name = target.getAttribute("data-check-all");
      document.querySelectorAll("input[name='" + name + "']").forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.matches("[data-select-on-click]")) target.select();
    if (target.closest("[data-back]") && document.referrer && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof Element && target.matches("[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
})();

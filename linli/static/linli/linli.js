/* Small behaviours of the pages, without inline scripts (the Content-Security-Policy allows
   scripts from this site only):
   - data-confirm="…" on a button: ask before submitting its form;
   - data-check-all="NAME" on a checkbox: tick or clear every input named NAME;
   - data-autosubmit on a select: submit its form when it changes;
   - data-select-on-click on an input: select its text (a link to copy);
   - data-copy="#id" on a button: copy that input's text, then show data-copied on the button. */
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
    var copying = target.closest("[data-copy]");
    if (copying) {
      var source = document.querySelector(copying.getAttribute("data-copy"));
      if (!source) return;
      var done = function () { copying.textContent = copying.getAttribute("data-copied"); };
      source.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, function () {
          if (document.execCommand("copy")) done();
        });
      } else if (document.execCommand("copy")) {
        done();
      }
    }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof Element && target.matches("[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
})();

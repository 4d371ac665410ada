/* Small behaviours of the pages, without inline scripts (the Content-Security-Policy allows
   scripts from this site only):
   - data-confirm="…" on a button: ask before submitting its form;
   - data-check-all="NAME" on a checkbox: tick or clear every input named NAME;
   - data-autosubmit on a select: submit its form when it changes;
   - data-select-on-click on an input: select its text (a link to copy);
   - every table in .table-wrap: a cell without data-label gets its column's header, which
     the phone's card layout shows beside the value (tables2's template writes it itself). */
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
  });
  function labelCells() {
    document.querySelectorAll(".table-wrap table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (!cell.hasAttribute("data-label") && heads[i]) cell.setAttribute("data-label", heads[i]);
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", labelCells);
  else labelCells();
  document.addEventListener("htmx:afterSettle", labelCells);
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof Element && target.matches("[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
})();

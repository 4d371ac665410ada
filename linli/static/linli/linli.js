/* Small behaviours of the pages, without inline scripts (the Content-Security-Policy allows
   scripts from this site only):
   - data-confirm="…" on a button: ask before submitting its form;
   - data-check-all="NAME" on a checkbox: tick or clear every input named NAME;
   - data-autosubmit on a select: submit its form when it changes;
   - data-select-on-click on an input: select its text (a link to copy);
   - data-upload-progress on a form htmx sends: show how much of the file has gone (its
     .upload-progress block: a <progress> and a [data-upload-percent] figure);
   - data-copy="#id" on a button: copy that input's text, then show data-copied on the button;
   - every table in .table-wrap: a cell without data-label gets its column's header, which
     the phone's card layout shows beside the value (tables2's template writes it itself);
   - data-back on a link: go back a page when there is one to go back to (else follow it);
   - fieldset[data-for-kind] in a form with a select named "kind": shown for that kind only
     (without JavaScript every kind's fieldset shows, each headed by its kind). */
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
  function uploading(event) {
    var form = event.target;
    return form instanceof Element && form.matches("form[data-upload-progress]") ? form : null;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = uploading(event);
    if (!form) return;
    form.querySelector(".upload-progress").hidden = false;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploading(event);
    if (!form || !event.detail.lengthComputable) return;
    var percent = Math.floor((100 * event.detail.loaded) / event.detail.total);
    form.querySelector(".upload-progress progress").value = percent;
    form.querySelector("[data-upload-percent]").textContent = String(percent);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = uploading(event);
    if (form && !event.detail.successful) {  // a network error: let the user try again
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    }
  });
  function showKindOptions(select) {
    select.form.querySelectorAll("fieldset[data-for-kind]").forEach(function (set) {
      set.hidden = set.getAttribute("data-for-kind") !== select.value;
    });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.name === "kind" && target.form) {
      showKindOptions(target);
    }
  });
  document.querySelectorAll("form select[name='kind']").forEach(function (select) {
    if (select.form) showKindOptions(select);
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

  /* ---- Group buys (supplies): the order form's running total, in fen, shown as yuan ---- */
  function groupBuyTotal(box) {
    var fen = 0;
    var any = false;
    box.querySelectorAll("input[data-price]").forEach(function (input) {
      var qty = parseInt(input.value, 10);
      if (qty > 0) {
        fen += qty * parseInt(input.getAttribute("data-price"), 10);
        any = true;
      }
    });
    if (any) fen += parseInt(box.getAttribute("data-fee") || "0", 10);
    var out = box.querySelector("[data-gb-sum]");
    if (out) out.textContent = "¥" + Math.floor(fen / 100) + "." + String(fen % 100).padStart(2, "0");
  }
  function groupBuyTotals() {
    document.querySelectorAll("[data-gb-total]").forEach(groupBuyTotal);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", groupBuyTotals);
  else groupBuyTotals();
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target instanceof Element && target.matches("[data-gb-total] input[data-price]")) {
      groupBuyTotal(target.closest("[data-gb-total]"));
    }
  });
})();

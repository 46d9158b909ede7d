// Cascade form: show the running total of the chosen shares against the parent's target
// (amounts) or against 100 (percentages). No inline script: the CSP forbids it.
(function () {
  "use strict";
  function update(form) {
    var out = form.querySelector("[data-spm-cascade-total]");
    if (!out) { return; }
    var mode = form.querySelector("input[name=mode]:checked");
    var total = 0;
    var chosen = 0;
    form.querySelectorAll("tbody tr").forEach(function (row) {
      var pick = row.querySelector("input[type=checkbox]");
      var share = row.querySelector("input[name^=share_]");
      if (pick && pick.checked) {
        chosen += 1;
        var value = parseFloat(share && share.value);
        if (!isNaN(value)) { total += value; }
      }
    });
    if (!mode || mode.value === "same") {
      out.textContent = chosen + " ✓";
      return;
    }
    // Amounts count what earlier cascades already gave; percentages split what is left.
    var already = parseFloat(form.dataset.already) || 0;
    if (mode.value === "percentages") { already = 0; }
    var goal = mode.value === "percentages" ? 100 : parseFloat(form.dataset.parentTarget);
    var sum = Math.round((already + total) * 10000) / 10000;
    out.textContent = sum.toLocaleString(document.documentElement.lang || undefined) + " / " +
      (isNaN(goal) ? "—" : goal.toLocaleString(document.documentElement.lang || undefined));
    out.classList.toggle("text-danger", !isNaN(goal) && Math.abs(sum - goal) > 0.00005);
    out.classList.toggle("text-success", !isNaN(goal) && Math.abs(sum - goal) <= 0.00005);
  }
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("[data-spm-cascade]");
    if (form) { update(form); }
  });
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("[data-spm-cascade]");
    if (form) { update(form); }
  });
  document.querySelectorAll("[data-spm-cascade]").forEach(update);
})();

// Letters and actuals: behaviours that need no inline script (the CSP forbids it).

// A form with data-spm-confirm asks before it submits (signing, countersigning, closing).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.dataset ? form.dataset.spmConfirm : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Reject buttons reveal the reason field of their row and focus it before sending.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-spm-reveal]") : null;
  if (!button) { return; }
  var target = document.getElementById(button.dataset.spmReveal);
  if (target && target.hidden) {
    event.preventDefault();
    target.hidden = false;
    var field = target.querySelector("textarea, input");
    if (field) { field.focus(); }
  }
});

// A "tick all" box ticks (or clears) every box of its name on the page (bulk approval).
document.addEventListener("change", function (event) {
  var all = event.target;
  var name = all && all.dataset ? all.dataset.spmCheckAll : null;
  if (!name) { return; }
  document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
    box.checked = all.checked;
  });
});

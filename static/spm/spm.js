// Small behaviours that need no inline script (the content security policy forbids it).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.classList && el.classList.contains("spm-autosubmit") && el.form) {
    el.form.submit();
  }
});

// Org tree: the first click loads children through HTMX; later clicks fold them.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-spm-toggle]") : null;
  if (!button) { return; }
  var item = button.closest("li");
  var list = document.getElementById("children-" + button.dataset.spmToggle);
  if (button.dataset.loaded === "1") {
    event.preventDefault();
    event.stopImmediatePropagation();
    var open = item.getAttribute("aria-expanded") === "true";
    list.hidden = open;
    item.setAttribute("aria-expanded", open ? "false" : "true");
    button.textContent = open ? "+" : "−";
    return;
  }
  button.dataset.loaded = "1";
  item.setAttribute("aria-expanded", "true");
  button.textContent = "−";
}, true);

// Saved filters: a list's filters change the address through HTMX without redrawing the
// bar, so the filter saved is the one in the address bar at the moment of saving.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute || !form.hasAttribute("data-saved-filter-form")) { return; }
  form.elements.query.value = window.location.search.replace(/^\?/, "");
}, true);

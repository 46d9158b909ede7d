// Strategy map behaviours. No inline script: the content security policy forbids it.
(function () {
  "use strict";

  function closest(target, selector) {
    return target && target.closest ? target.closest(selector) : null;
  }

  // The chosen objective stays marked while its details show in the side panel.
  function select(node) {
    var map = closest(node, ".spm-map");
    if (!map) { return; }
    map.querySelectorAll(".spm-map-node[aria-current]").forEach(function (other) {
      other.removeAttribute("aria-current");
    });
    node.setAttribute("aria-current", "true");
  }

  // Light up the links of the objective under the pointer or the keyboard focus.
  function light(node, on) {
    var map = closest(node, ".spm-map");
    if (!map) { return; }
    var id = node.getAttribute("data-objective");
    map.querySelectorAll("g[data-link]").forEach(function (link) {
      var ends = link.getAttribute("data-link").split("-");
      link.classList.toggle("spm-link-lit", on && (ends[0] === id || ends[1] === id));
    });
  }

  document.addEventListener("click", function (event) {
    var node = closest(event.target, ".spm-map-node");
    if (node) { select(node); }

    var fit = closest(event.target, "[data-spm-map-fit]");
    if (fit) {
      var map = document.getElementById(fit.getAttribute("data-spm-map-fit"));
      var actual = map.classList.toggle("spm-map-actual");
      fit.setAttribute("aria-pressed", actual ? "true" : "false");
    }

    // "Cancel" in a form opened inside the plan page just closes the form.
    var cancel = closest(event.target, "[data-spm-cancel]");
    var editor = closest(cancel, "#plan-editor");
    if (cancel && editor && document.getElementById("plan-body")) {
      event.preventDefault();
      editor.innerHTML = "";
    }
  });

  ["mouseover", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var node = closest(event.target, ".spm-map-node");
      if (node) { light(node, true); }
    });
  });
  ["mouseout", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var node = closest(event.target, ".spm-map-node");
      if (node) { light(node, false); }
    });
  });

  // An editing form loaded into the plan page gets the focus, for keyboard users.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "plan-editor") {
      var first = event.target.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    }
  });
}());

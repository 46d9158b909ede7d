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

  // --- Zoom and pan -----------------------------------------------------------------------
  // The drawing's smallest text is 9 units high; at LEGIBLE it shows at 11 px or more. The
  // map opens at that size (or wider, when its frame allows), pans by scrolling, dragging or
  // the arrow keys, and zooms between MIN and MAX with the toolbar.
  var SMALLEST_TEXT = 9, LEGIBLE = 11 / SMALLEST_TEXT, STEP = 1.25, MIN = 0.2, MAX = 4;
  var remembered = {};

  function drawingWidth(frame) {
    var svg = frame.querySelector("svg");
    var box = svg && svg.viewBox && svg.viewBox.baseVal;
    return box && box.width ? box.width : (svg ? svg.getBoundingClientRect().width : 0);
  }
  function fitZoom(frame) {
    var width = drawingWidth(frame);
    return width ? frame.clientWidth / width : 1;
  }
  function legibleZoom(frame) { return Math.max(fitZoom(frame), LEGIBLE); }
  function zoomOf(frame) { return parseFloat(frame.getAttribute("data-zoom")) || 0; }
  function zoomTo(frame, zoom) {
    var svg = frame.querySelector("svg");
    var width = drawingWidth(frame);
    if (!svg || !width) { return; }
    zoom = Math.min(MAX, Math.max(MIN, zoom));
    // Keep the point in the middle of the frame in the middle while zooming.
    var before = zoomOf(frame) || zoom;
    var cx = (frame.scrollLeft + frame.clientWidth / 2) / before;
    var cy = (frame.scrollTop + frame.clientHeight / 2) / before;
    svg.style.width = Math.ceil(width * zoom) + "px";
    frame.setAttribute("data-zoom", String(zoom));
    frame.scrollLeft = cx * zoom - frame.clientWidth / 2;
    frame.scrollTop = cy * zoom - frame.clientHeight / 2;
    remembered[frame.id] = zoom;
    var level = document.getElementById(frame.id + "-zoom");
    if (level) { level.textContent = Math.round(zoom * 100) + " %"; }
  }
  function setUp(root) {
    (root || document).querySelectorAll(".spm-map").forEach(function (frame) {
      zoomTo(frame, remembered[frame.id] || legibleZoom(frame));
    });
  }

  // A drag pans, wherever it starts (objectives cover much of the map); a press that does
  // not move stays a click on the objective under it.
  var drag = null;
  document.addEventListener("pointerdown", function (event) {
    var frame = closest(event.target, ".spm-map");
    if (!frame || event.button !== 0) { return; }
    drag = { frame: frame, x: event.clientX, y: event.clientY, moved: false,
             left: frame.scrollLeft, top: frame.scrollTop };
  });
  document.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 5) { return; }
    drag.moved = true;
    drag.frame.classList.add("spm-map-dragging");
    drag.frame.scrollLeft = drag.left - dx;
    drag.frame.scrollTop = drag.top - dy;
  });
  ["pointerup", "pointercancel"].forEach(function (type) {
    document.addEventListener(type, function () {
      if (!drag) { return; }
      drag.frame.classList.remove("spm-map-dragging");
      var moved = drag.moved;
      drag = moved ? { swallow: true } : null;
      if (moved) { setTimeout(function () { drag = null; }, 0); }
    });
  });
  // The click that ends a drag does not open the objective it ended on.
  document.addEventListener("click", function (event) {
    if (drag && drag.swallow && closest(event.target, ".spm-map")) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  document.addEventListener("dragstart", function (event) {
    if (closest(event.target, ".spm-map")) { event.preventDefault(); }
  });
  setUp();
  document.addEventListener("htmx:afterSwap", function () { setUp(); });

  document.addEventListener("click", function (event) {
    var node = closest(event.target, ".spm-map-node");
    if (node) { select(node); }

    var zoomButton = closest(event.target, "[data-spm-map-zoom]");
    if (zoomButton) {
      var frame = document.getElementById(zoomButton.getAttribute("data-spm-map"));
      var how = zoomButton.getAttribute("data-spm-map-zoom");
      if (frame) {
        zoomTo(frame, how === "fit" ? fitZoom(frame)
          : (zoomOf(frame) || legibleZoom(frame)) * (how === "in" ? STEP : 1 / STEP));
      }
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

// The request's progress on its BPMN diagram: bpmn-js's read-only NavigatedViewer,
// with completed steps and current steps marked by CSS classes (no inline style attributes:
// strict CSP; sizes are set through the CSSOM, which style-src 'self' allows).
//
// The diagram is drawn on a "stage" inside a natively scrolling box (.diagram-canvas): the
// stage is as big as the diagram at the chosen zoom, so a phone pans it with a swipe and a
// desktop with the scroll bars, the wheel or by dragging. On a narrow screen the diagram is not
// shrunk below a readable zoom; it opens scrolled to the current step instead. Zoom out, zoom
// in and "fit" buttons sit above it.
(function () {
  "use strict";

  var MIN_READABLE = 0.7; // below this the labels get too small to read (12 px text -> 8.4 px)
  var MAX_ZOOM = 2;
  var STEP = 1.25;
  var MARGIN = 16; // diagram units of white space around the drawing

  var box = document.getElementById("diagram");
  if (!box) {
    return;
  }

  function fail() {
    box.classList.add("diagram-failed");
    var note = document.createElement("p");
    note.className = "muted";
    note.textContent = box.getAttribute("data-failed-message");
    box.replaceChildren(note);
  }

  function ids(name) {
    return (box.getAttribute(name) || "").split(" ").filter(Boolean);
  }

  function text(name, fallback) {
    return box.getAttribute(name) || fallback;
  }

  function mark(viewer) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var current = ids("data-current");
    ids("data-completed").forEach(function (id) {
      if (registry.get(id) && current.indexOf(id) === -1) {
        canvas.addMarker(id, "step-done");
      }
    });
    current.forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, "step-current");
      }
    });
    // A dry run also marks the sequence flows it took and the element where it failed.
    ids("data-flows").forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, "flow-taken");
      }
    });
    ids("data-failed-steps").forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, "step-failed");
      }
    });
  }

  // The step to show first when the whole diagram does not fit: the current step, else the
  // latest completed one.
  function focusElement(registry) {
    var candidates = ids("data-current").concat(ids("data-completed").reverse());
    for (var i = 0; i < candidates.length; i += 1) {
      var element = registry.get(candidates[i]);
      if (element) {
        return element;
      }
    }
    return null;
  }

  function button(label, face, action, symbol) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "diagram-tool";
    b.setAttribute("data-diagram-action", action);
    b.setAttribute("aria-label", label);
    b.title = label;
    var span = document.createElement("span");
    span.setAttribute("aria-hidden", "true"); // the name is the label; "Fit" is part of it
    if (symbol) {
      span.className = "diagram-tool-symbol";
    }
    span.textContent = face;
    b.appendChild(span);
    return b;
  }

  if (typeof window.BpmnJS !== "function") {
    fail();
    return;
  }

  var scroller = box.querySelector(".diagram-canvas");
  var stage = document.createElement("div");
  stage.className = "diagram-stage";
  scroller.appendChild(stage);

  // The browser scrolls the box: switch off bpmn-js's own panning (mouse drag, wheel, arrow
  // keys), which would move the drawing inside the stage instead.
  var viewer = new window.BpmnJS({
    container: stage,
    zoomScroll: { enabled: false }, // the wheel scrolls the box (and the page), it does not zoom
    additionalModules: [{ moveCanvas: ["value", {}], keyboardMove: ["value", {}] }]
  });

  var tools = document.createElement("div");
  tools.className = "diagram-tools";
  var hint = document.createElement("p");
  hint.className = "diagram-hint";
  var group = document.createElement("div");
  group.className = "diagram-buttons";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", text("data-zoom-label", "Zoom the diagram"));
  var zoomOut = button(text("data-zoom-out-label", "Zoom out"), "\u2212", "out", true);
  var zoomIn = button(text("data-zoom-in-label", "Zoom in"), "+", "in", true);
  var fit = button(text("data-fit-label", "Fit the whole diagram"),
    text("data-fit-text", "Fit"), "fit", false);
  group.append(zoomOut, zoomIn, fit);
  tools.append(hint, group);

  var state = { zoom: 1, fitZoom: 1, fitted: true, inner: null };

  function outerSize() {
    return { width: scroller.clientWidth, height: scroller.clientHeight };
  }

  function contentSize() {
    return { width: state.inner.width + 2 * MARGIN, height: state.inner.height + 2 * MARGIN };
  }

  function computeFit() {
    var outer = outerSize();
    var content = contentSize();
    state.fitZoom = Math.min(MAX_ZOOM, 1, outer.width / content.width,
      outer.height / content.height);
  }

  function sizeStage(zoom, content) {
    var outer = outerSize();
    var width = Math.max(outer.width, Math.ceil(content.width * zoom));
    var height = Math.max(outer.height, Math.ceil(content.height * zoom));
    stage.style.width = width + "px";
    stage.style.height = height + "px";
    return { width: width, height: height, outer: outer };
  }

  // Size the stage for `zoom` and show the whole drawing on it; keep (cx, cy), a point of the
  // diagram, at the centre of the visible box if given.
  function render(zoom, cx, cy) {
    var canvas = viewer.get("canvas");
    var content = contentSize();
    var size = sizeStage(zoom, content);
    if (size.outer.width !== outerSize().width || size.outer.height !== outerSize().height) {
      size = sizeStage(zoom, content); // scroll bars appeared or went away
    }
    var width = size.width;
    var height = size.height;
    canvas.resized();
    var viewWidth = width / zoom;
    var viewHeight = height / zoom;
    var x = state.inner.x - MARGIN - (viewWidth - content.width) / 2;
    var y = state.inner.y - MARGIN - (viewHeight - content.height) / 2;
    canvas.viewbox({ x: x, y: y, width: viewWidth, height: viewHeight });
    state.zoom = zoom;
    state.origin = { x: x, y: y };
    if (cx !== undefined) {
      var now = outerSize();
      scroller.scrollLeft = (cx - x) * zoom - now.width / 2;
      scroller.scrollTop = (cy - y) * zoom - now.height / 2;
    }
    var pannable = scroller.scrollWidth > scroller.clientWidth + 1 ||
      scroller.scrollHeight > scroller.clientHeight + 1;
    box.classList.toggle("diagram-pannable", pannable);
    if (pannable) {
      hint.textContent = text("data-pan-hint", "Drag or scroll to see the rest of the diagram.");
    } else if (zoom < MIN_READABLE) {
      hint.textContent = text("data-small-hint", "Zoom in to read the steps.");
    } else {
      hint.textContent = "";
    }
    // aria-disabled, not disabled: the button just pressed keeps the keyboard focus.
    zoomOut.setAttribute("aria-disabled", String(zoom <= state.fitZoom + 0.001));
    zoomIn.setAttribute("aria-disabled", String(zoom >= MAX_ZOOM - 0.001));
    fit.setAttribute("aria-disabled", String(state.fitted));
  }

  // The diagram point at the centre of what is visible now.
  function visibleCentre() {
    var outer = outerSize();
    return {
      x: state.origin.x + (scroller.scrollLeft + outer.width / 2) / state.zoom,
      y: state.origin.y + (scroller.scrollTop + outer.height / 2) / state.zoom
    };
  }

  function zoomTo(zoom) {
    var centre = visibleCentre();
    var z = Math.max(state.fitZoom, Math.min(MAX_ZOOM, zoom));
    state.fitted = Math.abs(z - state.fitZoom) < 0.001;
    render(z, centre.x, centre.y);
  }

  // A hidden box (display: none, as when the page is printed) has no size to fit the
  // diagram to; it is laid out once the box is shown.
  function hidden() {
    return scroller.clientWidth === 0 || scroller.clientHeight === 0;
  }

  function startWhenShown() {
    if (!hidden() || typeof window.ResizeObserver !== "function") {
      start();
      return;
    }
    var observer = new window.ResizeObserver(function () {
      if (!hidden()) {
        observer.disconnect();
        start();
      }
    });
    observer.observe(scroller);
  }

  function start() {
    var canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    state.inner = canvas.viewbox().inner;
    computeFit();
    if (state.fitZoom >= MIN_READABLE) {
      state.fitted = true;
      render(state.fitZoom);
      return;
    }
    state.fitted = false;
    var element = focusElement(viewer.get("elementRegistry"));
    if (element) {
      render(MIN_READABLE, element.x + element.width / 2, element.y + element.height / 2);
    } else {
      render(MIN_READABLE, state.inner.x, state.inner.y + state.inner.height / 2);
    }
  }

  group.addEventListener("click", function (event) {
    var action = event.target.closest("[data-diagram-action]");
    if (!action || action.getAttribute("aria-disabled") === "true" || !state.inner) {
      return;
    }
    var what = action.getAttribute("data-diagram-action");
    if (what === "in") {
      zoomTo(state.zoom * STEP);
    } else if (what === "out") {
      zoomTo(state.zoom / STEP);
    } else {
      state.fitted = true;
      render(state.fitZoom);
    }
  });

  // Drag with the mouse to pan (touch screens pan the scrolling box natively).
  var drag = null;
  scroller.addEventListener("pointerdown", function (event) {
    if (event.pointerType !== "mouse" || event.button !== 0 ||
        !box.classList.contains("diagram-pannable")) {
      return;
    }
    drag = { x: event.clientX, y: event.clientY, left: scroller.scrollLeft,
      top: scroller.scrollTop, id: event.pointerId, moved: false };
  });
  scroller.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.id) {
      return;
    }
    var dx = event.clientX - drag.x;
    var dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) {
      return;
    }
    if (!drag.moved) {
      drag.moved = true;
      scroller.setPointerCapture(drag.id);
      box.classList.add("diagram-dragging");
    }
    scroller.scrollLeft = drag.left - dx;
    scroller.scrollTop = drag.top - dy;
    event.preventDefault();
  });
  function endDrag(event) {
    if (drag && event.pointerId === drag.id) {
      box.classList.remove("diagram-dragging");
      drag = null;
    }
  }
  scroller.addEventListener("pointerup", endDrag);
  scroller.addEventListener("pointercancel", endDrag);

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    if (!state.inner || hidden()) {
      return;
    }
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () {
      if (hidden()) {
        return;
      }
      var centre = visibleCentre();
      computeFit();
      if (state.fitted) {
        render(state.fitZoom);
      } else {
        render(Math.max(state.zoom, state.fitZoom), centre.x, centre.y);
      }
    }, 150);
  });

  fetch(box.getAttribute("data-xml-url"), {
    credentials: "same-origin",
    headers: { Accept: "application/xml" }
  })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    })
    .then(function (xml) {
      return viewer.importXML(xml);
    })
    .then(function () {
      mark(viewer);
      box.insertBefore(tools, scroller);
      startWhenShown();
    })
    .catch(fail);
})();

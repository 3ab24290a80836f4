// The request's progress on its BPMN diagram: bpmn-js's read-only NavigatedViewer,
// with completed steps and current steps marked by CSS classes (no inline styles: strict CSP).
(function () {
  "use strict";

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
  }

  if (typeof window.BpmnJS !== "function") {
    fail();
    return;
  }
  var viewer = new window.BpmnJS({ container: box.querySelector(".diagram-canvas") });
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
      viewer.get("canvas").zoom("fit-viewport", "auto");
      mark(viewer);
    })
    .catch(fail);
})();

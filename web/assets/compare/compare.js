// Two versions of a process side by side: bpmn-js-differ compares their moddle definitions
// (read with bpmn-moddle) and each viewer marks what was added, removed or changed with CSS
// classes (no inline styles: the strict CSP; sizes go through the CSSOM). The page lists the
// same changes in words from the server, so colour is never the only signal.
import { BpmnModdle } from "bpmn-moddle";
import { diff } from "bpmn-js-differ";

(function () {
  "use strict";

  var box = document.getElementById("compare");
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

  function load(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/xml" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      });
  }

  function viewer(side) {
    var canvas = box.querySelector("[data-side='" + side + "'] .compare-canvas");
    return new window.BpmnJS({ container: canvas });
  }

  function mark(view, ids, marker) {
    var canvas = view.get("canvas");
    var registry = view.get("elementRegistry");
    var marked = [];
    ids.forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
        marked.push(id);
      }
    });
    return marked;
  }

  if (typeof window.BpmnJS !== "function") {
    fail();
    return;
  }

  var moddle = new BpmnModdle();
  Promise.all([load(box.getAttribute("data-a-url")), load(box.getAttribute("data-b-url"))])
    .then(function (xmls) {
      return Promise.all([moddle.fromXML(xmls[0]), moddle.fromXML(xmls[1])]).then(
        function (models) {
          var changes = diff(models[0].rootElement, models[1].rootElement);
          var a = viewer("a");
          var b = viewer("b");
          return Promise.all([a.importXML(xmls[0]), b.importXML(xmls[1])]).then(function () {
            var changed = Object.keys(changes._changed);
            var shown = {
              removed: mark(a, Object.keys(changes._removed), "diff-removed"),
              added: mark(b, Object.keys(changes._added), "diff-added"),
              changed: mark(a, changed, "diff-changed").concat(mark(b, changed, "diff-changed"))
            };
            [a, b].forEach(function (view) {
              view.get("canvas").zoom("fit-viewport", "auto");
            });
            // For tests and assistive summaries: what the viewers marked.
            box.setAttribute("data-marked-added", shown.added.join(" "));
            box.setAttribute("data-marked-removed", shown.removed.join(" "));
            box.setAttribute("data-marked-changed", changed.join(" "));
            box.setAttribute("data-diff-ready", "true");
          });
        });
    })
    .catch(fail);
})();

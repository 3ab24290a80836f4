// Repeating form rows ("Add another", "Remove") without a round trip to the server.
// Without JavaScript the same buttons submit the form and the server re-renders it.
(function () {
  "use strict";

  var INDEX = /__i__/g;
  var ATTRIBUTES = ["id", "name", "for", "value", "aria-describedby"];

  function rewrite(fragment, index) {
    fragment.querySelectorAll("*").forEach(function (node) {
      ATTRIBUTES.forEach(function (attribute) {
        var value = node.getAttribute(attribute);
        if (value && value.indexOf("__i__") !== -1) {
          node.setAttribute(attribute, value.replace(INDEX, String(index)));
        }
      });
    });
  }

  function renumber(rows) {
    rows.querySelectorAll(":scope > [data-row]").forEach(function (row, position) {
      row.querySelectorAll("[data-row-number]").forEach(function (span) {
        span.textContent = String(position + 1);
      });
    });
  }

  function setUp(box) {
    var rows = box.querySelector("[data-rows]");
    var template = box.querySelector("template[data-row-template]");
    var next = Number(box.getAttribute("data-next-index")) || rows.children.length;
    if (!rows || !template) {
      return;
    }
    box.addEventListener("click", function (event) {
      var add = event.target.closest("[data-add-row]");
      var remove = event.target.closest("[data-remove-row]");
      if (add && box.contains(add)) {
        event.preventDefault();
        var fragment = template.content.cloneNode(true);
        rewrite(fragment, next);
        next += 1;
        var row = fragment.querySelector("[data-row]");
        rows.appendChild(fragment);
        renumber(rows);
        var first = row && row.querySelector("input, select, textarea");
        if (first) {
          first.focus();
        }
      } else if (remove && box.contains(remove)) {
        event.preventDefault();
        var gone = remove.closest("[data-row]");
        var focusTarget = box.querySelector("[data-add-row]") || box;
        gone.parentNode.removeChild(gone);
        renumber(rows);
        focusTarget.focus();
      }
    });
  }

  document.querySelectorAll("[data-repeat]").forEach(setUp);
})();

// After a refused submission, move focus to the error summary so it is read out first.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();

// A field only one choice asks for (say, the update's moderators) is shown when that choice is
// made. Without JavaScript every field is shown, and the engine drops what does not apply.
(function () {
  "use strict";

  function current(form, name) {
    var found = null;
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.name !== name) {
        return;
      }
      if (element.type === "radio") {
        if (element.checked) {
          found = element.value;
        }
      } else if (element.type === "checkbox") {
        found = element.checked;
      } else {
        found = element.value;
      }
    });
    return found;
  }

  document.querySelectorAll("[data-shown-when]").forEach(function (box) {
    var form = box.closest("form");
    var rules = JSON.parse(box.getAttribute("data-shown-when"));
    if (!form || !Array.isArray(rules)) {
      return;
    }
    function update() {
      box.hidden = !rules.some(function (rule) {
        return String(current(form, rule[0])) === String(rule[1]);
      });
    }
    form.addEventListener("change", update);
    update();
  });
})();

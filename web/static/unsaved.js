// Warn before leaving a task page whose form has changes not yet saved or submitted.
(function () {
  "use strict";

  function snapshot(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token") { parts.push(name + "=" + String(value)); }
    });
    return parts.join("&");
  }

  document.querySelectorAll("form[data-draft-form]").forEach(function (form) {
    var saved = snapshot(form);
    var leaving = false;
    form.addEventListener("submit", function () { leaving = true; });
    window.addEventListener("beforeunload", function (event) {
      if (leaving || snapshot(form) === saved) { return undefined; }
      event.preventDefault();
      event.returnValue = "";
      return "";
    });
  });
})();

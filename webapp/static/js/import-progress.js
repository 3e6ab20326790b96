// While an import form is submitted (the check or the write runs in the request), show its progress area and
// keep the button from being pressed twice. Without JavaScript the forms work the same, without the bar.
(function () {
  "use strict";
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var area = document.getElementById(form.getAttribute("data-progress"));
      if (area) { area.hidden = false; }
      form.querySelectorAll("[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
})();

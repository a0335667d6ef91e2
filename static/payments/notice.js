// The "Stampa" button of the pagoPA notice (no inline handlers: Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});

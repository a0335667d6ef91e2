// The monthly report's "Stampa" button: the browser's print dialog (the page has a print style).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

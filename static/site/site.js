/* Bootstrap Italia's fonts (Titillium Web, Lora, Roboto Mono) come from our static files:
   base.html sets window.__PUBLIC_PATH__, and the bundle only loads them when asked. */
(function () {
  "use strict";
  if (window.bootstrap && typeof window.bootstrap.loadFonts === "function") {
    window.bootstrap.loadFonts();
  }
})();

// The kiosk's ticket page prints itself once (the kiosk's printer is the 80 mm roll).
(function () {
  "use strict";
  if (document.body.dataset.autoprint === "1" && !navigator.webdriver) {
    window.addEventListener("load", function () { window.print(); });
  }
})();

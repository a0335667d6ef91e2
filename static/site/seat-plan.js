/* The citizen's seat plan (templates/bookings/seat_plan.html): a seat on the plan is a button that
   does what the same seat's button in the list below does (the list works without this script). */
(function () {
  "use strict";
  document.querySelectorAll("[data-seat-target]").forEach(function (seat) {
    function choose() {
      if (seat.getAttribute("aria-disabled") === "true") { return; }
      var target = document.getElementById(seat.dataset.seatTarget);
      if (target && target.tagName === "BUTTON") { target.click(); }
    }
    seat.addEventListener("click", choose);
    seat.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose();
      }
    });
  });
})();

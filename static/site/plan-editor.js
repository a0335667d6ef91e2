/* The floor-plan editor (templates/hubs/admin/space_plan.html): drag a seat with a mouse, a finger
   or a pen (pointer events), or select it and move it with the arrow keys; R turns it. The form's
   number fields stay the truth: every move writes them, and typing in them moves the seat. */
(function () {
  "use strict";
  var form = document.querySelector("[data-plan-editor]");
  if (!form) { return; }
  var svg = form.querySelector("[data-plan-svg]");
  var room = form.querySelector("[data-plan-room]");
  var status = form.querySelector("[data-plan-status]");
  var widthField = form.querySelector("#id_width_m");
  var depthField = form.querySelector("#id_depth_m");
  var size = { w: Number(svg.dataset.width), h: Number(svg.dataset.depth) };
  var SNAP = 5; // centimetres

  function field(id, name) { return document.getElementById("seat-" + id + "-" + name); }
  function clamp(value, low, high) { return Math.min(Math.max(value, low), high); }
  function metres(cm) { return (cm / 100).toFixed(2); }
  function label(seat) { return seat.querySelector(".seat-plan__label").textContent; }
  // Sentences come translated from the page (data-text-*), with {names} to fill in.
  function say(name, values) {
    return (form.dataset[name] || "").replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function read(seat) {
    var id = seat.dataset.seat;
    return {
      x: Math.round(parseFloat(field(id, "x").value.replace(",", ".")) * 100) || 0,
      y: Math.round(parseFloat(field(id, "y").value.replace(",", ".")) * 100) || 0,
      r: parseInt(field(id, "rotation").value, 10) || 0
    };
  }

  function draw(seat, spot) {
    seat.setAttribute("transform", "translate(" + spot.x + " " + spot.y + ")");
    seat.querySelector(".seat-plan__turn").setAttribute("transform", "rotate(" + spot.r + ")");
    seat.setAttribute("aria-label", say("textPosition", {
      seat: label(seat), x: metres(spot.x).replace(".", ","), y: metres(spot.y).replace(".", ","), r: spot.r
    }));
  }

  function place(seat, spot, announce) {
    spot.x = clamp(spot.x, 0, size.w);
    spot.y = clamp(spot.y, 0, size.h);
    spot.r = ((spot.r % 360) + 360) % 360;
    var id = seat.dataset.seat;
    field(id, "x").value = metres(spot.x);
    field(id, "y").value = metres(spot.y);
    field(id, "rotation").value = spot.r;
    draw(seat, spot);
    if (announce && status) { status.textContent = seat.getAttribute("aria-label"); }
  }

  function toSvg(event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }

  function select(seat) {
    svg.querySelectorAll(".seat-plan__seat--selected").forEach(function (other) {
      other.classList.remove("seat-plan__seat--selected");
    });
    seat.classList.add("seat-plan__seat--selected");
  }

  svg.querySelectorAll("[data-seat]").forEach(function (seat) {
    var id = seat.dataset.seat;
    var drag = null;

    seat.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      seat.focus();
      select(seat);
      var spot = read(seat);
      var at = toSvg(event);
      drag = { dx: spot.x - at.x, dy: spot.y - at.y, r: spot.r };
      seat.setPointerCapture(event.pointerId);
      seat.classList.add("seat-plan__seat--dragging");
    });
    seat.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      var at = toSvg(event);
      place(seat, {
        x: Math.round((at.x + drag.dx) / SNAP) * SNAP,
        y: Math.round((at.y + drag.dy) / SNAP) * SNAP,
        r: drag.r
      }, false);
    });
    function drop() {
      if (!drag) { return; }
      drag = null;
      seat.classList.remove("seat-plan__seat--dragging");
      // Dragged onto the plan: it belongs to the layout.
      var included = field(id, "in");
      if (!included.checked) { included.checked = true; seat.classList.remove("seat-plan__seat--out"); }
      place(seat, read(seat), true);
    }
    seat.addEventListener("pointerup", drop);
    seat.addEventListener("pointercancel", drop);

    seat.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 50 : 10;
      var spot = read(seat);
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (moves[event.key]) {
        spot.x += moves[event.key][0];
        spot.y += moves[event.key][1];
      } else if (event.key === "r" || event.key === "R") {
        spot.r += event.shiftKey ? -15 : 15;
      } else if (event.key === "Enter" || event.key === " ") {
        var included = field(id, "in");
        included.checked = !included.checked;
        seat.classList.toggle("seat-plan__seat--out", !included.checked);
        if (status) {
          status.textContent = say(included.checked ? "textIn" : "textOut", { seat: label(seat) });
        }
        event.preventDefault();
        return;
      } else {
        return;
      }
      event.preventDefault();
      select(seat);
      place(seat, spot, true);
    });

    ["x", "y", "rotation"].forEach(function (name) {
      field(id, name).addEventListener("input", function () { draw(seat, read(seat)); });
    });
    field(id, "in").addEventListener("change", function (event) {
      seat.classList.toggle("seat-plan__seat--out", !event.target.checked);
    });
  });

  // A new size redraws the room's outline (the server checks every seat stands inside it).
  function resize() {
    var w = Math.round(parseFloat((widthField.value || "").replace(",", ".")) * 100);
    var h = Math.round(parseFloat((depthField.value || "").replace(",", ".")) * 100);
    if (!(w >= 100 && h >= 100)) { return; }
    size = { w: w, h: h };
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    room.setAttribute("width", w);
    room.setAttribute("height", h);
  }
  if (widthField && depthField) {
    widthField.addEventListener("change", resize);
    depthField.addEventListener("change", resize);
  }
})();

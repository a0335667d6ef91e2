/*
 * The page-rating widget in steps, as in the Designers Italia "modello Comuni":
 * stars -> what went well (4-5) or badly (1-3) -> an optional detail -> thanks.
 * Without this script the same form posts the stars alone, so nothing depends on it.
 */
(function () {
  "use strict";
  var form = document.querySelector("[data-page-rating]");
  if (!form || !window.fetch || !window.FormData) return;

  var root = form.parentNode;
  var steps = { 1: form.querySelector('[data-rating-step="1"]'), 2: form.querySelector('[data-rating-step="2"]') };
  var fieldsets = {
    positive: form.querySelector('[data-rating-for="positive"]'),
    negative: form.querySelector('[data-rating-for="negative"]')
  };
  var next = form.querySelector("[data-rating-next]");
  var back = form.querySelector("[data-rating-back]");
  var error = form.querySelector("[data-rating-error]");
  var thanks = root.querySelector("[data-rating-thanks]");
  var step = 0;

  function show(el, visible) { if (el) el.hidden = !visible; }

  function showError(text) {
    error.textContent = text || "";
    show(error, !!text);
  }

  function chosenStars() {
    var checked = form.querySelector('input[name="stars"]:checked');
    return checked ? parseInt(checked.value, 10) : 0;
  }

  function goTo(n) {
    step = n;
    show(steps[1], n === 1);
    show(steps[2], n === 2);
    show(back, n === 2);
    next.textContent = n === 2 ? next.dataset.labelSend : next.dataset.labelNext;
  }

  // A star picked (mouse, touch or arrow keys): open the follow-up question that fits it.
  form.addEventListener("change", function (event) {
    if (event.target.name !== "stars") return;
    var positive = chosenStars() > 3;
    ["positive", "negative"].forEach(function (kind) {
      var fs = fieldsets[kind];
      var active = (kind === "positive") === positive;
      fs.hidden = !active;
      fs.disabled = !active; // a disabled fieldset's answer is not sent
      if (!active) fs.querySelectorAll("input").forEach(function (i) { i.checked = false; });
    });
    showError("");
    goTo(1);
  });

  back.addEventListener("click", function () {
    goTo(1);
    next.focus();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!chosenStars()) {
      showError(form.dataset.msgStars);
      return;
    }
    if (step === 1) {
      goTo(2);
      form.querySelector("#page-rating-detail").focus();
      return;
    }
    next.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        next.disabled = false;
        if (!result.ok) {
          showError((result.data.errors || []).join(" "));
          return;
        }
        show(form, false);
        show(thanks, true);
        thanks.focus();
      })
      .catch(function () {
        // Offline or an unexpected answer: let the browser post the form itself.
        form.submit();
      });
  });
})();

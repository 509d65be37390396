// Counselor pages: two small helps; everything works without them.
// - the summary's "Print this page" button (hidden unless JavaScript runs);
// - the results' compare bar says how many are ticked (two or three are compared).
(function () {
  "use strict";
  document.querySelectorAll(".print-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  var form = document.getElementById("compare-form");
  var count = document.getElementById("compare-count");
  if (!form || !count) { return; }
  function update() {
    var n = document.querySelectorAll('input[name="ids"][form="compare-form"]:checked').length;
    count.textContent = n === 0 ? "" : n + " ticked" +
      (n < 2 ? ": tick one more to compare." : n > 3 ? ": compare at most three." : ".");
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "ids") { update(); }
  });
  update();
})();

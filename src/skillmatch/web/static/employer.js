// The employer pages: suggestions for fields that hold several skills separated by
// commas (input[data-suggest-list]): the API's autocomplete is asked about the part after
// the last comma, and each suggestion keeps what was typed before it. Without JavaScript
// the fields are plain text and the form works the same. A file too large for the
// upload form (input[data-max-bytes]) is said at once, before it is sent.
(function () {
  "use strict";
  function parts(value) {
    var cut = Math.max(value.lastIndexOf(","), value.lastIndexOf(";"));
    return { head: value.slice(0, cut + 1), tail: value.slice(cut + 1).trim() };
  }
  function suggestMany(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest-list");
    if (!list || !url) { return; }
    var timer = null, last = "";
    input.addEventListener("input", function () {
      var typed = parts(input.value);
      if (typed.tail.length < 2 || input.value === last) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = input.value;
        fetch(url + encodeURIComponent(typed.tail), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            var head = typed.head ? typed.head.replace(/\s*$/, " ") : "";
            var seen = {};
            list.innerHTML = "";
            (data.results || data.items || []).slice(0, 10).forEach(function (item) {
              var label = item.label || String(item);
              if (seen[label]) { return; }
              seen[label] = true;
              var option = document.createElement("option");
              option.value = head + label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a help, never a failure */ });
      }, 150);
    });
  }
  document.querySelectorAll("input[data-suggest-list]").forEach(suggestMany);
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var most = parseInt(input.getAttribute("data-max-bytes"), 10);
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      input.setCustomValidity(file && most && file.size > most ?
        "This file is larger than this page takes (" + most.toLocaleString() + " bytes)." : "");
      input.reportValidity();
    });
  });
})();

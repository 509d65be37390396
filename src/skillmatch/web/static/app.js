// skillmatch pages: a little JavaScript of our own, no library. Pages work without it;
// with it, fields marked data-suggest get suggestions as the user types (the API's
// autocomplete: /v1/occupations?q= or /v1/skills?q=) through a <datalist>.
(function () {
  "use strict";
  function suggest(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest");
    if (!list || !url) { return; }
    var timer = null, last = "";
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = q;
        fetch(url + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.innerHTML = "";
            (data.results || data.items || data.suggestions || []).slice(0, 10).forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.code && item.label ? item.label : (item.label || item);
              if (item.code) { option.label = item.code; }
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a help, never a failure */ });
      }, 150);
    });
  }
  document.querySelectorAll("input[data-suggest]").forEach(suggest);
})();

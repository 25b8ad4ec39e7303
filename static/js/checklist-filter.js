// A search box over a long list of checkboxes: <div data-checklist> holds <input data-checklist-filter> and
// items marked data-checklist-item whose text is matched (ignoring case and ё/е). Checked items always stay shown.
(function () {
  "use strict";
  function norm(text) { return text.toLowerCase().replace(/ё/g, "е"); }
  document.querySelectorAll("[data-checklist]").forEach(function (box) {
    var input = box.querySelector("[data-checklist-filter]");
    var counter = box.querySelector("[data-checklist-count]");
    if (!input) { return; }
    var items = Array.prototype.slice.call(box.querySelectorAll("[data-checklist-item]"));
    function count() {
      if (counter) { counter.textContent = box.querySelectorAll("[data-checklist-item] input:checked").length; }
    }
    input.addEventListener("input", function () {
      var words = norm(input.value).split(/\s+/).filter(Boolean);
      items.forEach(function (item) {
        var text = norm(item.textContent);
        var checked = item.querySelector("input:checked");
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        item.hidden = !(match || checked);
      });
    });
    box.addEventListener("change", count);
    count();
  });
})();

// Wide tables: a column chooser and a visible cue that the table scrolls sideways.
// <div class="scroll-frame" data-scroll-frame> wraps a .table-responsive; its cue (.scroll-cue) shows while part of
// the table is out of view. <table data-columns="name"> with a chooser <div data-columns-for="name"> of checkboxes
// (value = a cell's data-key) hides and shows the cells of each column; the choice is kept in this browser.
(function () {
  "use strict";

  function updateFrame(frame) {
    var box = frame.querySelector(".table-responsive");
    if (!box) { return; }
    var hiddenRight = box.scrollWidth - box.clientWidth - box.scrollLeft > 2;
    frame.classList.toggle("has-more-right", hiddenRight);
    var cue = frame.querySelector(".scroll-cue");
    if (cue) { cue.classList.toggle("d-none", box.scrollWidth <= box.clientWidth + 2); }
  }

  function applyColumns(table, hidden) {
    table.querySelectorAll("[data-key]").forEach(function (cell) {
      cell.classList.toggle("d-none", hidden.indexOf(cell.getAttribute("data-key")) !== -1);
    });
  }

  function setUpChooser(chooser) {
    var name = chooser.getAttribute("data-columns-for");
    var table = document.querySelector('table[data-columns="' + name + '"]');
    if (!table) { return; }
    var storageKey = "columns:" + name;
    var hidden = [];
    try { hidden = JSON.parse(window.localStorage.getItem(storageKey) || "[]"); } catch (e) { hidden = []; }
    var boxes = chooser.querySelectorAll("input[type=checkbox]");
    boxes.forEach(function (box) { box.checked = hidden.indexOf(box.value) === -1; });
    applyColumns(table, hidden);
    chooser.addEventListener("change", function () {
      hidden = [];
      boxes.forEach(function (box) { if (!box.checked) { hidden.push(box.value); } });
      try { window.localStorage.setItem(storageKey, JSON.stringify(hidden)); } catch (e) { /* private mode */ }
      applyColumns(table, hidden);
      document.querySelectorAll("[data-scroll-frame]").forEach(updateFrame);
    });
    var all = chooser.querySelector("[data-columns-all]");
    if (all) {
      all.addEventListener("click", function () {
        boxes.forEach(function (box) { box.checked = true; });
        chooser.dispatchEvent(new Event("change"));
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-columns-for]").forEach(setUpChooser);
    document.querySelectorAll("[data-scroll-frame]").forEach(function (frame) {
      var box = frame.querySelector(".table-responsive");
      if (box) { box.addEventListener("scroll", function () { updateFrame(frame); }, { passive: true }); }
      updateFrame(frame);
    });
    window.addEventListener("resize", function () {
      document.querySelectorAll("[data-scroll-frame]").forEach(updateFrame);
    });
  });
})();

// The order editor's items (roadmap/_order_items_editor.html): add, remove, move, indent and outdent rows;
// numbers 1, 1.1, 1.1.1 follow the levels, and the formset's field names follow the order of the rows.
(function () {
  "use strict";
  const MAX_LEVEL = 2;
  const PLACEHOLDER = /\[указать[^\[\]]*\]/;

  function setup(editor) {
    const list = editor.querySelector("[data-items-list]");
    const template = editor.querySelector("template[data-items-template]");
    const total = editor.querySelector("input[name$='-TOTAL_FORMS']");
    const prefix = total.name.replace(/-TOTAL_FORMS$/, "");
    const rows = () => Array.from(list.querySelectorAll("[data-item-row]"));
    const levelOf = (row) => parseInt(row.querySelector("input[name$='-level']").value || "0", 10) || 0;

    function setLevel(row, level) {
      row.querySelector("input[name$='-level']").value = String(level);
      row.classList.remove("level-0", "level-1", "level-2");
      row.classList.add("level-" + level);
    }

    function refresh() {
      const counters = [0, 0, 0];
      let previous = -1;
      rows().forEach((row, index) => {
        let level = Math.min(levelOf(row), previous + 1, MAX_LEVEL);
        level = Math.max(level, 0);
        setLevel(row, level);
        counters[level] += 1;
        for (let deeper = level + 1; deeper <= MAX_LEVEL; deeper += 1) counters[deeper] = 0;
        row.querySelector("[data-item-number]").textContent = counters.slice(0, level + 1).join(".") + ".";
        row.querySelectorAll("[name^='" + prefix + "-']").forEach((field) => {
          field.name = field.name.replace(/^([^-]+)-(\d+|__prefix__)-/, "$1-" + index + "-");
          if (field.id) field.id = field.id.replace(/-(\d+|__prefix__)-/, "-" + index + "-");
        });
        row.querySelectorAll("label[for]").forEach((label) => {
          label.htmlFor = label.htmlFor.replace(/-(\d+|__prefix__)-/, "-" + index + "-");
        });
        const first = index === 0;
        row.querySelector("[data-item-action='up']").disabled = first;
        row.querySelector("[data-item-action='down']").disabled = index === rows().length - 1;
        row.querySelector("[data-item-action='indent']").disabled = first || level >= Math.min(previous + 1, MAX_LEVEL);
        row.querySelector("[data-item-action='outdent']").disabled = level === 0;
        row.querySelector("[data-item-action='remove']").disabled = rows().length === 1;
        markPlaceholder(row);
        previous = level;
      });
      total.value = String(rows().length);
    }

    function markPlaceholder(row) {
      const text = row.querySelector("textarea").value;
      row.classList.toggle("has-placeholder", PLACEHOLDER.test(text));
    }

    // A row moves with its sub-items: the block is the row and the rows after it that are deeper.
    function block(row) {
      const all = rows();
      const start = all.indexOf(row);
      const level = levelOf(row);
      let end = start + 1;
      while (end < all.length && levelOf(all[end]) > level) end += 1;
      return all.slice(start, end);
    }

    function act(row, action) {
      const all = rows();
      const index = all.indexOf(row);
      if (action === "indent") setLevel(row, levelOf(row) + 1);
      if (action === "outdent") block(row).forEach((r) => setLevel(r, Math.max(levelOf(r) - 1, 0)));
      if (action === "remove") block(row).slice(1).forEach((r) => setLevel(r, Math.max(levelOf(r) - 1, 0)));
      if (action === "remove") row.remove();
      if (action === "up" && index > 0) {
        const moving = block(row);
        let target = index - 1;
        while (target > 0 && levelOf(all[target]) > levelOf(row)) target -= 1;
        moving.forEach((r) => list.insertBefore(r, all[target]));
      }
      if (action === "down") {
        const moving = block(row);
        const after = all[index + moving.length];
        if (after) {
          const next = block(after);
          next[next.length - 1].after(...moving);
        }
      }
      refresh();
      const focus = action === "remove" ? null : row.querySelector("[data-item-action='" + action + "']");
      if (focus && !focus.disabled) focus.focus();
    }

    editor.addEventListener("click", (event) => {
      const button = event.target.closest("[data-item-action]");
      if (button) {
        act(button.closest("[data-item-row]"), button.dataset.itemAction);
        return;
      }
      if (event.target.closest("[data-item-add]")) {
        const fragment = template.content.cloneNode(true);
        const row = fragment.querySelector("[data-item-row]");
        const last = rows().pop();
        list.appendChild(fragment);
        if (last) setLevel(row, levelOf(last));
        refresh();
        row.querySelector("textarea").focus();
      }
    });
    editor.addEventListener("input", (event) => {
      if (event.target.matches("textarea")) markPlaceholder(event.target.closest("[data-item-row]"));
    });
    refresh();
  }

  document.querySelectorAll("[data-testid='items-editor']").forEach(setup);
})();

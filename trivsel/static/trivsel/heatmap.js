// The heatmap's unit tree: a button before each unit that has units below it collapses and
// expands them (a unit's descendants are the rows after it with a higher data-level), and
// two buttons collapse or expand every unit. Without JavaScript the table shows every row.
(function () {
  var table = document.querySelector("table.heatmap");
  if (!table || !table.tBodies.length) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var levels = rows.map(function (row) { return Number(row.dataset.level); });
  var toggles = [];
  rows.forEach(function (row, at) {
    if (at + 1 >= rows.length || levels[at + 1] <= levels[at]) return;
    var cell = row.cells[0];
    var button = document.createElement("button");
    button.type = "button";
    button.className = "toggle";
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-label", table.dataset.toggleLabel + " " + cell.textContent.trim());
    button.dataset.row = String(at);
    cell.insertBefore(button, cell.firstChild);
    toggles.push(button);
  });
  table.classList.add("tree");

  function expanded(at) {
    var button = rows[at].cells[0].querySelector("button.toggle");
    return !button || button.getAttribute("aria-expanded") === "true";
  }

  // Show or hide the rows below row `at`, keeping collapsed descendants' rows hidden.
  function apply(at) {
    var level = levels[at];
    var open = expanded(at);
    var hiddenBelow = Infinity;  // the level of a collapsed descendant, while inside it
    for (var next = at + 1; next < rows.length && levels[next] > level; next++) {
      if (!open || levels[next] > hiddenBelow) {
        rows[next].hidden = true;
        continue;
      }
      hiddenBelow = Infinity;
      rows[next].hidden = false;
      if (!expanded(next)) hiddenBelow = levels[next];
    }
  }

  table.addEventListener("click", function (event) {
    var button = event.target.closest("button.toggle");
    if (!button) return;
    button.setAttribute("aria-expanded", String(button.getAttribute("aria-expanded") !== "true"));
    apply(Number(button.dataset.row));
  });

  function setAll(open) {
    toggles.forEach(function (button) { button.setAttribute("aria-expanded", String(open)); });
    rows.forEach(function (row, at) { row.hidden = !open && levels[at] > 0; });
  }

  var tools = document.querySelector(".heatmap-tools");
  if (tools && toggles.length) {
    [[table.dataset.collapseAll, false], [table.dataset.expandAll, true]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button-secondary-dark";
      button.textContent = pair[0];
      button.addEventListener("click", function () { setAll(pair[1]); });
      tools.appendChild(button);
    });
  }
})();

// The revenue decomposition grid (planning/revenue_split.html): Enter moves
// to the same month of the next row; a block pasted from Excel fills the
// cells from the one pasted into, right and down. Each row is still saved by
// its own button (its own small form): without this script the page works
// the same, a cell at a time.
(function () {
  var CELL = "input.cell";

  function grid(elt) { return elt.closest && elt.closest("[data-revenue-grid]"); }

  function cellAt(table, row, col) {
    var rows = table.tBodies[0].rows;
    if (row >= rows.length) return null;
    var cells = rows[row].querySelectorAll(CELL);
    return col < cells.length ? cells[col] : null;
  }

  function position(input) {
    var tr = input.closest("tr");
    var cells = Array.prototype.indexOf.call(tr.querySelectorAll(CELL), input);
    return {row: tr.sectionRowIndex, col: cells};
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.matches || !input.matches(CELL) || !grid(input)) return;
    event.preventDefault();  // not a submit: the row is saved by its button
    var p = position(input), next = cellAt(grid(input), p.row + (event.shiftKey ? -1 : 1), p.col);
    if (next) { next.focus(); next.select(); }
  });

  document.addEventListener("paste", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(CELL) || !grid(input)) return;
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (text.indexOf("\t") < 0 && text.indexOf("\n") < 0) return;  // one value: the browser pastes it
    event.preventDefault();
    var table = grid(input), p = position(input);
    text.replace(/\r/g, "").replace(/\n$/, "").split("\n").forEach(function (line, r) {
      line.split("\t").forEach(function (value, c) {
        var cell = cellAt(table, p.row + r, p.col + c);
        if (cell) {
          cell.value = value.trim().replace(/[,，\s]/g, "");
          cell.classList.add("changed");
        }
      });
    });
  });
})();

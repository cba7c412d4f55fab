// muster: progressive enhancement for long tables. No dependencies, no network.
// Without JavaScript every table is complete and readable; this adds text and
// select filters (rows carry data-* attributes matching the select names) and
// sorting on header click (cells may carry data-sort-value).
(function () {
  "use strict";

  function rowsOf(table) {
    return Array.prototype.slice.call(table.tBodies[0] ? table.tBodies[0].rows : []);
  }

  function applyFilters(tableId) {
    var table = document.getElementById(tableId);
    if (!table) { return; }
    var text = document.querySelector('[data-filter-text="' + tableId + '"]');
    var needle = text ? text.value.trim().toLowerCase() : "";
    var selects = document.querySelectorAll('[data-filter-table="' + tableId + '"]');
    var shown = 0;
    rowsOf(table).forEach(function (row) {
      var ok = !needle || row.textContent.toLowerCase().indexOf(needle) !== -1;
      Array.prototype.forEach.call(selects, function (sel) {
        if (ok && sel.value && row.getAttribute("data-" + sel.getAttribute("data-filter-field")) !== sel.value) {
          ok = false;
        }
      });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var out = document.querySelector('[data-filter-count="' + tableId + '"]');
    if (out) { out.textContent = shown + " / " + rowsOf(table).length; }
  }

  // Filters can be preset from the address (?q=text&severity=High), so a filtered
  // view can be bookmarked or sent to a colleague.
  function presetFromAddress(box) {
    var params;
    try { params = new URLSearchParams(window.location.search); } catch (e) { return false; }
    var preset = false;
    var text = box.querySelector("[data-filter-text]");
    if (text && params.get("q")) { text.value = params.get("q"); preset = true; }
    Array.prototype.forEach.call(box.querySelectorAll("select[data-filter-field]"), function (sel) {
      var v = params.get(sel.getAttribute("data-filter-field"));
      if (v !== null) { sel.value = v; preset = true; }
    });
    return preset;
  }

  function setupFilters() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-filters]"), function (box) {
      var tableId = box.getAttribute("data-filters");
      box.hidden = false;
      Array.prototype.forEach.call(box.querySelectorAll("input, select"), function (el) {
        el.addEventListener("input", function () { applyFilters(tableId); });
        el.addEventListener("change", function () { applyFilters(tableId); });
      });
      if (presetFromAddress(box)) { applyFilters(tableId); }
    });
  }

  function sortKey(cell) {
    if (!cell) { return ""; }
    var v = cell.getAttribute("data-sort-value");
    return v !== null ? v : cell.textContent.trim();
  }

  function compare(a, b) {
    var na = parseFloat(a.replace(",", ".")), nb = parseFloat(b.replace(",", "."));
    if (!isNaN(na) && !isNaN(nb) && /^-?[\d.,]+$/.test(a) && /^-?[\d.,]+$/.test(b)) { return na - nb; }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function setupSorting() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
      var head = table.tHead && table.tHead.rows[0];
      if (!head) { return; }
      Array.prototype.forEach.call(head.cells, function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort";
        while (th.firstChild) { button.appendChild(th.firstChild); }
        th.appendChild(button);
        button.addEventListener("click", function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          Array.prototype.forEach.call(head.cells, function (other) { other.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var body = table.tBodies[0];
          rowsOf(table)
            .map(function (row, i) { return { row: row, key: sortKey(row.cells[index]), i: i }; })
            .sort(function (x, y) { return (ascending ? 1 : -1) * compare(x.key, y.key) || x.i - y.i; })
            .forEach(function (item) { body.appendChild(item.row); });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupFilters();
    setupSorting();
  });
}());

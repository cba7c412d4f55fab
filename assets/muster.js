// muster: progressive enhancement. No dependencies, no network.
// Without JavaScript every table is complete and readable; this adds text and
// select filters (rows carry data-* attributes matching the select names; their
// values are ids, and a select marked data-filter-tokens matches any of the
// space-separated values of the row), presets from the address
// (findings.html?team=Payments&state=overdue), sorting on header click (cells may
// carry data-sort-value), the search box in the header, and the search page, which
// reads the index from assets/search-index.js (a script file, so it works from disk).
(function () {
  "use strict";

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function rowsOf(table) {
    return Array.prototype.slice.call(table.tBodies[0] ? table.tBodies[0].rows : []);
  }

  function matches(row, sel) {
    var value = row.getAttribute("data-" + sel.getAttribute("data-filter-field")) || "";
    if (sel.hasAttribute("data-filter-tokens")) {
      return (" " + value + " ").indexOf(" " + sel.value + " ") !== -1;
    }
    return value === sel.value;
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
      each(selects, function (sel) {
        if (ok && sel.value && !matches(row, sel)) { ok = false; }
      });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var out = document.querySelector('[data-filter-count="' + tableId + '"]');
    if (out) { out.textContent = shown + " / " + rowsOf(table).length; }
  }

  // Filters can be preset from the address (?q=text&severity=high), so a filtered
  // view can be bookmarked or sent to a colleague. A value the list does not offer
  // (a team with nothing open) is added, so the list shows what it matches: nothing.
  function presetFromAddress(box) {
    var params;
    try { params = new URLSearchParams(window.location.search); } catch (e) { return false; }
    var preset = false;
    var text = box.querySelector("[data-filter-text]");
    if (text && params.get("q")) { text.value = params.get("q"); preset = true; }
    each(box.querySelectorAll("select[data-filter-field]"), function (sel) {
      var v = params.get(sel.getAttribute("data-filter-field"));
      if (v === null || v === "") { return; }
      var known = Array.prototype.some.call(sel.options, function (o) { return o.value === v; });
      if (!known) {
        var o = document.createElement("option");
        o.value = v;
        o.textContent = v;
        sel.appendChild(o);
      }
      sel.value = v;
      preset = true;
    });
    return preset;
  }

  function setupFilters() {
    each(document.querySelectorAll("[data-filters]"), function (box) {
      var tableId = box.getAttribute("data-filters");
      box.hidden = false;
      each(box.querySelectorAll("input, select"), function (el) {
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

  // Card tables marked data-labels-from-head name each cell after its column header in
  // the narrow layout (the page does not repeat the header in every cell).
  function setupLabels() {
    each(document.querySelectorAll("table[data-labels-from-head]"), function (table) {
      var head = table.tHead && table.tHead.rows[0];
      if (!head) { return; }
      var labels = Array.prototype.map.call(head.cells, function (th) { return th.textContent.trim(); });
      rowsOf(table).forEach(function (row) {
        each(row.cells, function (cell, i) {
          if (labels[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", labels[i]); }
        });
      });
    });
  }

  function setupSorting() {
    each(document.querySelectorAll("table.sortable"), function (table) {
      var head = table.tHead && table.tHead.rows[0];
      if (!head) { return; }
      each(head.cells, function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort";
        while (th.firstChild) { button.appendChild(th.firstChild); }
        th.appendChild(button);
        button.addEventListener("click", function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          each(head.cells, function (other) { other.removeAttribute("aria-sort"); });
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

  function root() { return document.body.getAttribute("data-root") || ""; }

  // The header's search box opens the search page with the query.
  function setupSearchBox() {
    var box = document.querySelector("[data-site-search]");
    if (!box || document.querySelector("[data-search-results]")) { return; }
    var input = box.querySelector("input");
    var go = function () {
      var q = input.value.trim();
      window.location.href = root() + "search.html" + (q ? "?q=" + encodeURIComponent(q) : "");
    };
    box.hidden = false;
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(); } });
    box.querySelector("[data-site-search-go]").addEventListener("click", go);
  }

  var MAX_RESULTS = 50;

  function searchEntries(index, query) {
    var words = query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    if (!words.length || query.trim().length < 2) { return []; }
    var kinds = Object.keys(index.k);
    var found = [];
    index.e.forEach(function (e) {
      var text = e[1].toLowerCase();
      var hay = text + " " + e[2].toLowerCase();
      for (var i = 0; i < words.length; i += 1) {
        if (hay.indexOf(words[i]) === -1) { return; }
      }
      var q = words.join(" ");
      var rank = text === q ? 0 : text.indexOf(q) === 0 ? 1 : text.indexOf(q) !== -1 ? 2 : 3;
      found.push({ e: e, rank: rank, kind: kinds.indexOf(e[0]) });
    });
    found.sort(function (a, b) {
      return a.rank - b.rank || a.kind - b.kind || (a.e[1] < b.e[1] ? -1 : a.e[1] > b.e[1] ? 1 : 0);
    });
    return found;
  }

  function href(index, target, text) {
    if (target === -1) { return "findings.html?q=" + encodeURIComponent(text); }
    return index.p[target][0];
  }

  function label(index, target, list) {
    return target === -1 ? list : index.p[target][1];
  }

  function setupSearchPage() {
    var results = document.querySelector("[data-search-results]");
    var index = window.MUSTER_SEARCH;
    if (!results || !index) { return; }
    var input = document.querySelector("[data-search-input]");
    var status = document.querySelector("[data-search-status]");
    var words = {
      more: results.getAttribute("data-label-more"),
      list: results.getAttribute("data-label-list"),
      count: results.getAttribute("data-label-count"),
      none: results.getAttribute("data-label-none"),
      ready: results.getAttribute("data-label-ready")
    };
    function render() {
      var q = input.value.trim();
      while (results.firstChild) { results.removeChild(results.firstChild); }
      if (q.length < 2) { status.textContent = words.ready; return; }
      var found = searchEntries(index, q);
      found.slice(0, MAX_RESULTS).forEach(function (f) {
        var e = f.e;
        var li = document.createElement("li");
        var targets = e[3].length ? e[3] : [];
        var a = document.createElement("a");
        a.textContent = e[1];
        if (targets.length) { a.href = root() + href(index, targets[0], e[1]); }
        li.appendChild(a);
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = index.k[e[0]];
        li.appendChild(kind);
        if (e[2]) { li.appendChild(document.createTextNode(" " + e[2])); }
        if (targets.length) {
          var also = document.createElement("span");
          also.className = "also";
          targets.forEach(function (t, k) {
            if (k > 0) { also.appendChild(document.createTextNode(" · ")); }
            var l = document.createElement("a");
            l.href = root() + href(index, t, e[1]);
            l.textContent = label(index, t, words.list);
            also.appendChild(l);
          });
          li.appendChild(also);
        }
        results.appendChild(li);
      });
      var more = found.length > MAX_RESULTS ? " " + (found.length - MAX_RESULTS) + " " + words.more : "";
      status.textContent = found.length ? found.length + " " + words.count + "." + more : words.none;
    }
    input.disabled = false;
    var params;
    try { params = new URLSearchParams(window.location.search); } catch (e) { params = null; }
    if (params && params.get("q")) { input.value = params.get("q"); }
    input.addEventListener("input", render);
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupFilters();
    setupLabels();
    setupSorting();
    setupSearchBox();
    setupSearchPage();
    // Everything above has run (tests wait for this before reading the page).
    document.documentElement.setAttribute("data-muster-ready", "");
  });
}());

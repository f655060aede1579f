// Clicking a heatmap cell shows who covers that hour (the page's own link, built
// from the row's language and the cell's position); no library, no CDN.
(function () {
  "use strict";
  var table = document.getElementById("heatmap");
  if (!table) { return; }
  table.addEventListener("click", function (event) {
    var cell = event.target.closest("td");
    if (!cell) { return; }
    var row = cell.parentElement;
    var hour = cell.cellIndex - 1;
    var query = new URLSearchParams({week: table.getAttribute("data-week"),
      lang: row.getAttribute("data-language"), h: String(hour)});
    window.location.href = table.getAttribute("data-url") + "?" + query.toString() + "#who";
  });
}());

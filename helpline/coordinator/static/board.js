// Refreshes the live board's table every few seconds; no library, no CDN.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var url = board.getAttribute("data-url");
  var seconds = parseInt(board.getAttribute("data-refresh"), 10) || 5;
  function refresh() {
    fetch(url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) {
        if (response.redirected || !response.ok) { throw new Error("session"); }
        return response.text();
      })
      .then(function (html) { board.innerHTML = html; })
      .catch(function () { window.location.reload(); })
      .finally(function () { window.setTimeout(refresh, seconds * 1000); });
  }
  window.setTimeout(refresh, seconds * 1000);
}());

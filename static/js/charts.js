// Draws every figure whose JSON the page carries in <script type="application/json"
// data-chart-for="...">, so pages need no inline script.
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("script[data-chart-for]").forEach(function (holder) {
      var target = document.getElementById(holder.getAttribute("data-chart-for"));
      if (!target || !window.Plotly) { return; }
      var figure = JSON.parse(holder.textContent);
      target.hidden = false; // shown only when it can be drawn; the table is always there
      window.Plotly.newPlot(target, figure.data, figure.layout, {
        responsive: true,
        displaylogo: false,
        displayModeBar: false
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

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
      // The box gets the figure's height, so a resize (projector, print) never lets the
      // chart spill over what follows.
      if (figure.layout && figure.layout.height) {
        target.style.height = figure.layout.height + "px";
        delete figure.layout.height;
      }
      window.Plotly.newPlot(target, figure.data, figure.layout, {
        responsive: true,
        displaylogo: false,
        displayModeBar: false
      });
    });
  }
  function resizeAll() {
    document.querySelectorAll(".chart-canvas.js-plotly-plot").forEach(function (chart) {
      window.Plotly.Plots.resize(chart);
    });
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

// Draws every figure whose JSON the page carries in <script type="application/json"
// data-chart-for="...">, so pages need no inline script. On a slow phone drawing all of a
// dashboard's charts at once blocks the page for seconds: each chart gets its box at once
// (nothing jumps), then the charts are drawn one per task, those on or near the screen first,
// the rest while the browser is idle. Printing draws whatever is left first.
(function () {
  "use strict";
  var pending = [];

  function prepare(holder) {
    var target = document.getElementById(holder.getAttribute("data-chart-for"));
    if (!target) { return null; }
    var figure = JSON.parse(holder.textContent);
    target.hidden = false; // shown only when it can be drawn; the table is always there
    // The box gets the figure's height, so a resize (projector, print) never lets the
    // chart spill over what follows.
    if (figure.layout && figure.layout.height) {
      target.style.height = figure.layout.height + "px";
      delete figure.layout.height;
    }
    return { target: target, figure: figure, drawn: false };
  }

  function draw(chart) {
    if (chart.drawn) { return; }
    chart.drawn = true;
    window.Plotly.newPlot(chart.target, chart.figure.data, chart.figure.layout, {
      responsive: true,
      displaylogo: false,
      displayModeBar: false
    });
  }

  var later = window.requestIdleCallback
    ? function (task) { window.requestIdleCallback(task, { timeout: 300 }); }
    : function (task) { window.setTimeout(task, 0); };

  function drawNext() {
    var chart = pending.shift();
    while (chart && chart.drawn) { chart = pending.shift(); }
    if (!chart) { return; }
    draw(chart);
    later(drawNext);
  }

  function start() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("script[data-chart-for]").forEach(function (holder) {
      var chart = prepare(holder);
      if (chart) { pending.push(chart); }
    });
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) { return; }
          observer.unobserve(entry.target);
          pending.forEach(function (chart) {
            if (chart.target === entry.target) { later(function () { draw(chart); }); }
          });
        });
      }, { rootMargin: "50% 0px" });
      pending.forEach(function (chart) { observer.observe(chart.target); });
    }
    later(drawNext); // in page order: the top of the page is on the screen first
  }

  function resizeAll() {
    document.querySelectorAll(".chart-canvas.js-plotly-plot").forEach(function (chart) {
      window.Plotly.Plots.resize(chart);
    });
  }
  window.addEventListener("beforeprint", function () {
    pending.forEach(draw);
    resizeAll();
  });
  window.addEventListener("afterprint", resizeAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// Draws every figure whose JSON the page carries in <script type="application/json"
// data-chart-for="...">, so pages need no inline script. On a slow phone drawing all of a
// dashboard's charts at once blocks the page for seconds: each chart gets its box at once
// (nothing jumps), then the charts are drawn one per task, those on or near the screen first,
// the rest while the browser is idle. Printing draws whatever is left first.
// In the dark scheme (prefers-color-scheme) each figure gets the page's colours before it is
// drawn, from the custom properties of static/css/app.css; paper gets the figures as they come.
(function () {
  "use strict";
  var pending = [];
  var charts = [];
  var darkScheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var printing = false;

  function dark() {
    return !printing && !!darkScheme && darkScheme.matches;
  }

  function cssValue(name) {
    return window.getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  // A colour the figure carries, as the stylesheet has it for the dark scheme: #rrggbb becomes
  // the value of --chart-rrggbb (a hex colour) when there is one; rgb()/rgba() the same,
  // keeping its opacity. Anything else stays.
  var HEX = /^#([0-9a-f]{6})$/i;
  var RGB = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)$/i;

  function hex(number) {
    return ("0" + Number(number).toString(16)).slice(-2);
  }

  function darkColour(value) {
    var match = HEX.exec(value);
    if (match) { return cssValue("--chart-" + match[1].toLowerCase()) || value; }
    match = RGB.exec(value);
    if (!match) { return value; }
    var swapped = HEX.exec(cssValue("--chart-" + hex(match[1]) + hex(match[2]) + hex(match[3])));
    if (!swapped) { return value; }
    var rgb = [0, 2, 4].map(function (at) { return parseInt(swapped[1].slice(at, at + 2), 16); });
    return "rgba(" + rgb.join(", ") + ", " + (match[4] === undefined ? 1 : match[4]) + ")";
  }

  // Every colour in the figure (what its key calls a colour: color, fillcolor, bgcolor...;
  // a name or a text that looks like one stays as it is).
  function recolour(value) {
    if (Array.isArray(value)) { value.forEach(recolour); return value; }
    if (value && typeof value === "object") {
      Object.keys(value).forEach(function (key) {
        var item = value[key];
        if (!/color$/i.test(key)) { recolour(item); return; }
        value[key] = Array.isArray(item)
          ? item.map(function (one) { return typeof one === "string" ? darkColour(one) : one; })
          : typeof item === "string" ? darkColour(item) : item;
      });
    }
    return value;
  }

  // The page's colours on what plotly would otherwise draw in its own (dark grey on white):
  // text, axes, grid lines, the plot's ground, the legend.
  function inDarkScheme(figure) {
    var ink = cssValue("--ink"), muted = cssValue("--muted"), line = cssValue("--line");
    recolour(figure);
    var layout = figure.layout = figure.layout || {};
    layout.paper_bgcolor = "rgba(0, 0, 0, 0)";
    layout.plot_bgcolor = "rgba(0, 0, 0, 0)";
    layout.font = Object.assign({}, layout.font, { color: ink });
    layout.legend = Object.assign({}, layout.legend, { font: Object.assign({}, (layout.legend || {}).font, { color: ink }) });
    if (layout.title && layout.title.font) { layout.title.font.color = ink; }
    Object.keys(layout).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key)) {
        Object.assign(layout[key], { color: ink, gridcolor: line, linecolor: line, zerolinecolor: muted });
      }
    });
    if (layout.polar) {
      layout.polar.bgcolor = cssValue("--chart-ground");
      layout.polar.angularaxis = Object.assign({}, layout.polar.angularaxis, { color: ink, gridcolor: line, linecolor: line });
      layout.polar.radialaxis = Object.assign({}, layout.polar.radialaxis, { color: muted, gridcolor: line, linecolor: line });
    }
    return figure;
  }

  // A fresh copy of the figure for the scheme in use (plotly keeps and changes what it draws).
  function figureFor(chart) {
    var figure = JSON.parse(chart.json);
    return dark() ? inDarkScheme(figure) : figure;
  }

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
    return { target: target, json: JSON.stringify(figure), drawn: false, dark: false };
  }

  var CONFIG = { responsive: true, displaylogo: false, displayModeBar: false };

  function draw(chart) {
    if (chart.drawn) { return; }
    chart.drawn = true;
    chart.dark = dark();
    var figure = figureFor(chart);
    window.Plotly.newPlot(chart.target, figure.data, figure.layout, CONFIG);
  }

  // After a change of scheme (or around printing): the drawn charts again, in the scheme now in use.
  function redraw() {
    charts.forEach(function (chart) {
      if (!chart.drawn || chart.dark === dark()) { return; }
      chart.dark = dark();
      var figure = figureFor(chart);
      window.Plotly.react(chart.target, figure.data, figure.layout, CONFIG);
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
      if (chart) { pending.push(chart); charts.push(chart); }
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
    printing = true;
    pending.forEach(draw);
    redraw();
    resizeAll();
  });
  window.addEventListener("afterprint", function () {
    printing = false;
    redraw();
    resizeAll();
  });
  if (darkScheme && darkScheme.addEventListener) {
    darkScheme.addEventListener("change", function () {
      if (window.Plotly) { redraw(); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

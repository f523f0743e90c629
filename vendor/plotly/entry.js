// plotly.js core (which always carries the scatter trace) plus only the traces the app
// draws: scatterpolar (surveys/radar.py) and bar (dashboard/charts.py). Add a trace here
// when a chart needs one, then run build.sh.
"use strict";

var Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/scatterpolar"), require("plotly.js/lib/bar")]);

module.exports = Plotly;

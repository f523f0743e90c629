"""The radar and the label rules every figure shares, and the respondent's own radar on the
thank-you page. Plain data in, plain data out: no Flask, no database. It sits in surveys/
beside the instrument, below the thank-you page and below dashboard/charts.py, which builds
on it: the respondent's page never imports the dashboard."""

from __future__ import annotations

import json

import plotly.graph_objects as go

from .instrument import Instrument

SCALE_RANGE = (1, 5)
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
ACCENT = "#1f6f78"
GRID = "#d5dde0"
# Figures carry no plotly template (it would be copied into every figure: slow and heavy);
# the few styles needed are set on each figure.


def _closed(values: list):
    """Repeat the first point so the polygon closes."""
    return values + values[:1]


def plain(text: str) -> str:
    """Text as plotly shows it: it renders some HTML (links, bold) in labels, so < and >
    become entities and a name or title can never become a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(label: str, width: int = 14) -> str:
    """Break a long axis label over lines, so radars fit a phone screen (as plain text)."""
    lines: list[str] = []
    for word in plain(label).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def radar_trace(
    instrument: Instrument,
    scores: dict[str, float | None],
    language: str,
    name: str,
    color: str,
    width: float = 2,
    fill: bool = True,
) -> dict:
    """A scatterpolar trace as plain data: plotly.js reads it as it is, and the thank-you page
    skips plotly.py's validation, which cost more than the rest of that page."""
    labels = [wrap(d.title.get(language)) for d in instrument.dimensions]
    values = [scores.get(d.key) for d in instrument.dimensions]
    name = plain(name)
    trace = {
        "type": "scatterpolar",
        "r": _closed(values),
        "theta": _closed(labels),
        "name": name,
        "mode": "lines+markers",
        "fill": "toself" if fill else "none",
        "opacity": 1 if fill else 0.85,
        "line": {"color": color, "width": width},
        "marker": {"size": 5 + width},
        "connectgaps": False,  # a dimension without a score shows as a gap, not as a full shape
        "hovertemplate": f"{name}<br>%{{theta}}: %{{r:.1f}}<extra></extra>",
    }
    if fill:
        trace["fillcolor"] = f"rgba({int(color[1:3], 16)}, {int(color[3:5], 16)}, {int(color[5:7], 16)}, 0.18)"
    return trace


def radar_layout(height: int) -> dict:
    return {
        "polar": {
            "bgcolor": "#f6f9fa",
            "radialaxis": {
                "range": list(SCALE_RANGE),
                "tickvals": [1, 2, 3, 4, 5],
                "angle": 90,
                "tickfont": {"size": 10},
                "gridcolor": GRID,
            },
            "angularaxis": {"direction": "clockwise", "rotation": 90, "tickfont": {"size": 10}, "gridcolor": GRID},
        },
        "template": "none",
        "showlegend": False,
        "legend": {"orientation": "h", "y": -0.12, "x": 0.5, "xanchor": "center"},
        "autosize": True,
        "margin": {"l": 80, "r": 80, "t": 60, "b": 40},
        "height": height,
        "font": {"family": FONT},
        "paper_bgcolor": "rgba(0,0,0,0)",
    }


def as_json_ready(figure: go.Figure) -> dict:
    """Plain lists and dicts (plotly's own encoder handles numpy and dates)."""
    return json.loads(figure.to_json())


def respondent_radar(instrument: Instrument, scores: dict[str, float | None], language: str, name: str) -> dict:
    """A small radar of one respondent's six scores, as plain data (no plotly.py objects: they
    would validate every property on every thank-you page). Without plotly.py's "none"
    template, which plotly.js does not need: it has no template of its own."""
    layout = {key: value for key, value in radar_layout(height=340).items() if key != "template"}
    return {"data": [radar_trace(instrument, scores, language, name, ACCENT)], "layout": layout}

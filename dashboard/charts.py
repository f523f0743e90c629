"""Plotly figures built in Python, handed to the page as JSON. Plain data in, plain
data out: no Flask, no database. plotly.js (served by the app) draws them."""
from __future__ import annotations

import json

import plotly.graph_objects as go

from surveys.instrument import Instrument

SCALE_RANGE = (1, 5)
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
ACCENT = "#1f6f78"


def _closed(values: list):
    """Repeat the first point so the polygon closes."""
    return values + values[:1]


def wrap(label: str, width: int = 14) -> str:
    """Break a long axis label over lines, so radars fit a phone screen."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def radar_trace(instrument: Instrument, scores: dict[str, float | None], language: str, name: str, color: str) -> go.Scatterpolar:
    labels = [wrap(d.title.get(language)) for d in instrument.dimensions]
    values = [scores.get(d.key) for d in instrument.dimensions]
    return go.Scatterpolar(
        r=_closed(values),
        theta=_closed(labels),
        name=name,
        mode="lines+markers",
        fill="toself",
        line={"color": color, "width": 2},
        connectgaps=True,
        hovertemplate="%{theta}: %{r:.1f}<extra></extra>",
    )


def radar_layout(height: int) -> dict:
    return {
        "polar": {
            "radialaxis": {"range": list(SCALE_RANGE), "tickvals": [1, 2, 3, 4, 5], "angle": 90, "tickfont": {"size": 10}},
            "angularaxis": {"direction": "clockwise", "rotation": 90, "tickfont": {"size": 10}},
        },
        "showlegend": False,
        "autosize": True,
        "margin": {"l": 80, "r": 80, "t": 40, "b": 40},
        "height": height,
        "font": {"family": FONT},
        "paper_bgcolor": "rgba(0,0,0,0)",
    }


def as_json_ready(figure: go.Figure) -> dict:
    """Plain lists and dicts (plotly's own encoder handles numpy and dates)."""
    return json.loads(figure.to_json())


def respondent_radar(instrument: Instrument, scores: dict[str, float | None], language: str, name: str) -> dict:
    """A small radar of one respondent's six scores."""
    figure = go.Figure(radar_trace(instrument, scores, language, name, ACCENT), layout=radar_layout(height=340))
    return as_json_ready(figure)

"""The radar and the label rules every figure shares, and the respondent's own radar on the
thank-you page (as SVG geometry). Plain data in, plain data out: no Flask, no database. It sits in surveys/
beside the instrument, below the thank-you page and below dashboard/charts.py, which builds
on it: the respondent's page never imports the dashboard."""

from __future__ import annotations

import json
import math

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


def lines(label: str, width: int = 14) -> list[str]:
    """A long label broken into lines of about `width` characters, so radars fit a phone."""
    result: list[str] = []
    for word in label.split():
        if result and len(result[-1]) + 1 + len(word) <= width:
            result[-1] += " " + word
        else:
            result.append(word)
    return result


def wrap(label: str, width: int = 14) -> str:
    """A label broken over lines as plotly shows it (plain text, lines joined by <br>)."""
    return "<br>".join(lines(plain(label), width))


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


# The respondent's radar, drawn by the page itself (templates/surveys/_radar.html): it comes
# with the thank-you page, so a slow phone shows it at once and never downloads plotly.js.
WIDTH, HEIGHT = 400, 330
CENTRE = (200.0, 170.0)
RADIUS = 85.0  # a score of 5; 1 is the centre, as on the dashboard's radars
LABEL_GAP, LINE_HEIGHT = 12.0, 15.0


def _at(angle: float, distance: float) -> tuple[float, float]:
    x, y = CENTRE
    return round(x + distance * math.cos(angle), 1), round(y + distance * math.sin(angle), 1)


def _distance(score: float) -> float:
    low, high = SCALE_RANGE
    return RADIUS * (score - low) / (high - low)


def respondent_radar(instrument: Instrument, scores: dict[str, float | None], language: str) -> dict:
    """One respondent's six scores as SVG geometry: the first dimension at the top, the rest
    clockwise; a dimension without a score leaves a gap (no line to or from it, no fill)."""
    dimensions = instrument.dimensions
    angles = [-math.pi / 2 + 2 * math.pi * i / len(dimensions) for i in range(len(dimensions))]
    low, high = SCALE_RANGE
    labels = []
    for angle, dimension in zip(angles, dimensions):
        x, y = _at(angle, RADIUS + LABEL_GAP)
        text = lines(dimension.title.get(language))
        if math.sin(angle) < -0.5:  # above: the lines stack upwards
            first = y - (len(text) - 1) * LINE_HEIGHT
        elif math.sin(angle) > 0.5:  # below
            first = y + LINE_HEIGHT * 0.8
        else:
            first = y - (len(text) - 1) * LINE_HEIGHT / 2 + 4
        anchor = "middle" if abs(math.cos(angle)) < 0.01 else ("start" if math.cos(angle) > 0 else "end")
        labels.append(
            {"x": x, "anchor": anchor, "lines": [(round(first + i * LINE_HEIGHT, 1), t) for i, t in enumerate(text)]}
        )
    points = [
        None if scores.get(d.key) is None else _at(angle, _distance(scores[d.key]))
        for angle, d in zip(angles, dimensions)
    ]
    pairs = zip(points, points[1:] + points[:1])
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "centre": CENTRE,
        "rings": [round(_distance(value), 1) for value in range(high, low, -1)],  # the outer ring first
        "spokes": [_at(angle, RADIUS) for angle in angles],
        "ticks": [(value, _at(angles[0], _distance(value))) for value in range(low, high + 1)],
        "labels": labels,
        "points": [p for p in points if p is not None],
        "segments": [(a, b) for a, b in pairs if a is not None and b is not None],
        "filled": all(p is not None for p in points),
    }

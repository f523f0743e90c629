"""Plotly figures built in Python, handed to the page as JSON. Plain data in, plain
data out: no Flask, no database. plotly.js (served by the app) draws them. The radar and the
label rules shared with the respondent's thank-you page live in surveys/radar.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import plotly.graph_objects as go

from surveys.instrument import Instrument
from surveys.radar import ACCENT, FONT, GRID, as_json_ready, plain, radar_layout, radar_trace, wrap

# Rounds apart by hue and by dash, so they can be told apart by people who see colours
# differently and on a greyscale print: the latest in the app's accent, solid, thick and
# filled; earlier rounds, from the one before backwards, in Okabe-Ito colours (safe for
# colour-blindness) with their own dash.
LATEST_COLOR = ACCENT
EARLIER_STYLES = [
    ("#e69f00", "dash"),  # orange
    ("#cc79a7", "dot"),  # reddish purple
    ("#56b4e9", "dashdot"),  # sky blue
    ("#d55e00", "longdash"),  # vermillion
    ("#000000", "longdashdot"),  # black
    ("#0072b2", "dot"),  # blue
]
GROUP_COLORS = ["#1f6f78", "#d1495b", "#edae49", "#5b5f97", "#66a182", "#8d6a9f", "#2e4057"]


def round_styles(count: int) -> list[tuple[str, str]]:
    """(colour, dash) per round in time order: the one before the latest always looks the same,
    the earliest rounds repeat the last style when there are more than six."""
    earlier = [EARLIER_STYLES[min(back, len(EARLIER_STYLES) - 1)] for back in range(count - 1)]
    return [*reversed(earlier), (LATEST_COLOR, "solid")][-count:] if count else []


def rounds_radar(instrument: Instrument, series: list[tuple[str, dict[str, float | None]]], language: str) -> dict:
    """One closed polygon per round in time order; the latest emphasised and filled."""
    traces = []
    for index, ((name, scores), (color, dash)) in enumerate(zip(series, round_styles(len(series)))):
        latest = index == len(series) - 1
        trace = radar_trace(instrument, scores, language, name, color, width=4 if latest else 2, fill=latest)
        trace["line"]["dash"] = dash
        trace["opacity"] = 1
        traces.append(trace)
    layout = radar_layout(height=460)
    layout["showlegend"] = True
    return as_json_ready(go.Figure(traces, layout=layout))


def groups_radar(
    instrument: Instrument,
    series: list[tuple[str, dict[str, float | None]]],
    language: str,
    reference: tuple[str, dict[str, float | None]] | None = None,
) -> dict:
    """Groups (levels or domains) of one round, each its own colour, unfilled; with an
    optional reference (the whole round) as a dashed grey line."""
    traces = [
        radar_trace(instrument, scores, language, name, GROUP_COLORS[index % len(GROUP_COLORS)], width=2.5, fill=False)
        for index, (name, scores) in enumerate(series)
    ]
    if reference:
        dashed = radar_trace(instrument, reference[1], language, reference[0], "#56656c", width=1.5, fill=False)
        dashed["line"]["dash"] = "dash"
        traces.append(dashed)
    layout = radar_layout(height=460)
    layout["showlegend"] = True
    return as_json_ready(go.Figure(traces, layout=layout))


@dataclass(frozen=True)
class TrendPoint:
    """One round on a trend chart."""

    when: date  # the day the round opened: where it stands on the time axis
    title: str
    mean: float | None  # None: the round is not shown
    label: str = ""  # written under the point: n and the change
    hover: str = ""  # the change in words, with its interval
    real: int = 0  # 1 a rise larger than chance, -1 a fall, 0 neither (muted label)


LABEL_COLORS = {1: "#2f6b45", -1: "#b3261e", 0: "#56656c"}
NOTE_COLOR = "#5b5f97"
NOTE_LENGTH = 28  # characters of a note written on the chart; the whole text on hover


def short(text: str, length: int = NOTE_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def note_shapes(notes: list[tuple[date, str]]) -> tuple[list[dict], list[dict]]:
    """A dotted vertical line per note, and its (shortened) text at the top of the chart."""
    shapes, annotations = [], []
    for when, text in notes:
        day = when.isoformat()
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": day,
                "x1": day,
                "y0": 0,
                "y1": 1,
                "line": {"color": NOTE_COLOR, "width": 1.5, "dash": "dot"},
            }
        )
        annotations.append(
            {
                "x": day,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "yanchor": "top",
                "xanchor": "left",
                "text": wrap(short(text), 14),
                "hovertext": plain(text),
                "showarrow": False,
                "align": "left",
                "font": {"size": 9, "color": NOTE_COLOR},
                "bgcolor": "rgba(255,255,255,0.8)",
            }
        )
    return shapes, annotations


def note_trace(notes: list[tuple[date, str]]) -> go.Scatter:
    """Markers on the notes' days at the foot of the chart, with the whole text on hover."""
    return go.Scatter(
        x=[when.isoformat() for when, _ in notes],
        y=[1] * len(notes),
        text=[plain(text) for _, text in notes],
        customdata=[when.isoformat() for when, _ in notes],
        mode="markers",
        marker={"symbol": "diamond", "size": 9, "color": NOTE_COLOR},
        hovertemplate="%{customdata}: %{text}<extra></extra>",
        name="notes",
    )


def trend_chart(points: list[TrendPoint], title: str, notes: list[tuple[date, str]] | None = None) -> dict:
    """One dimension across rounds on a time axis (each round on the day it opened, its title
    as the tick); under each point its label (n and change, coloured only when larger than
    chance). Optional notes [(day, text)] stand as dotted lines with their text."""
    notes = sorted(notes or [], key=lambda note: note[0])
    days = [point.when.isoformat() for point in points]
    traces = [
        go.Scatter(
            x=days,
            y=[point.mean for point in points],
            text=[point.label for point in points],
            customdata=[[plain(point.title), point.hover] for point in points],
            mode="lines+markers+text",
            textposition="bottom center",
            textfont={"size": 10, "color": [LABEL_COLORS[point.real] for point in points]},
            line={"color": ACCENT, "width": 2.5},
            marker={"size": 8},
            connectgaps=False,
            hovertemplate="%{customdata[0]}: %{y:.2f}<br>%{customdata[1]}<extra></extra>",
            name="scores",
        )
    ]
    if notes:
        traces.append(note_trace(notes))
    shapes, annotations = note_shapes(notes)
    figure = go.Figure(
        traces,
        layout={
            "title": {"text": plain(title), "font": {"size": 14}, "x": 0, "xanchor": "left"},
            "yaxis": {
                "range": [0.8, 5.2],
                "tickvals": [1, 2, 3, 4, 5],
                "fixedrange": True,
                "showgrid": True,
                "gridcolor": GRID,
            },
            "xaxis": {
                "type": "date",
                "tickvals": days,
                "ticktext": [wrap(point.title, 12) for point in points],
                "fixedrange": True,
                "showline": True,
                "showgrid": False,
                "linecolor": GRID,
                "tickangle": 0,
                "tickfont": {"size": 10},
                "range": time_range([point.when for point in points] + [when for when, _ in notes]),
            },
            "template": "none",
            "height": 240,
            "margin": {"l": 30, "r": 10, "t": 40, "b": 50},
            "font": {"family": FONT},
            "showlegend": False,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "annotations": annotations,
            "shapes": [*BAND_SHAPES, *shapes],
        },
    )
    return as_json_ready(figure)


@dataclass(frozen=True)
class Line:
    """One partnership's (or the programme average's) course on a dimension."""

    name: str
    points: list[tuple[date, float, str]]  # (where on the time axis, score, what hover says of it)


def lines_chart(lines: list[Line], title: str, reference: Line | None = None) -> dict:
    """Several courses of one dimension on a time axis: each line its own colour, the
    reference (the programme average) a dashed grey line with square markers, drawn last."""
    styled = [(line, GROUP_COLORS[index % len(GROUP_COLORS)], "solid") for index, line in enumerate(lines)]
    if reference is not None:
        styled.append((reference, "#56656c", "dash"))
    traces = [
        go.Scatter(
            x=[when.isoformat() for when, _score, _hover in line.points],
            y=[score for _when, score, _hover in line.points],
            customdata=[plain(hover) for _when, _score, hover in line.points],
            mode="lines+markers",
            line={"color": color, "width": 2.5 if dash == "solid" else 2, "dash": dash},
            marker={"size": 8, "symbol": "circle" if dash == "solid" else "square"},
            name=plain(line.name),
            hovertemplate="%{customdata}: %{y:.2f}<extra>%{fullData.name}</extra>",
        )
        for line, color, dash in styled
    ]
    days = [when for line, _c, _d in styled for when, _s, _h in line.points]
    figure = go.Figure(
        traces,
        layout={
            "title": {"text": plain(title), "font": {"size": 14}, "x": 0, "xanchor": "left"},
            "yaxis": {"range": [0.8, 5.2], "tickvals": [1, 2, 3, 4, 5], "fixedrange": True, "gridcolor": GRID},
            "xaxis": {
                "type": "date",
                "fixedrange": True,
                "showline": True,
                "showgrid": False,
                "linecolor": GRID,
                "range": time_range(days),
            },
            "template": "none",
            "height": 280,
            "margin": {"l": 30, "r": 10, "t": 40, "b": 40},
            "font": {"family": FONT},
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.2},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "shapes": BAND_SHAPES,
        },
    )
    return as_json_ready(figure)


def time_range(days: list[date]) -> list[str] | None:
    """The days shown, with room at both ends for the first and last title (a tenth of the
    span, at least a month)."""
    if not days:
        return None
    first, last = min(days), max(days)
    room = max((last - first) / 10, timedelta(days=30))
    return [(first - room).isoformat(), (last + room).isoformat()]


# The concern and strength bands behind a trend.
BAND_SHAPES = [
    {
        "type": "rect",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "y0": 1,
        "y1": 3,
        "fillcolor": "#d1495b",
        "opacity": 0.06,
        "line": {"width": 0},
    },
    {
        "type": "rect",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "y0": 4,
        "y1": 5,
        "fillcolor": "#66a182",
        "opacity": 0.08,
        "line": {"width": 0},
    },
]


# Diverging bars: disagreement to the left of zero, agreement to the right, neutral split.
ANSWER_COLORS = ["#b2182b", "#ef8a62", "#cfcfcf", "#67a9cf", "#2166ac"]


def statement_bars(rows: list[tuple[str, tuple[int, ...]]], scale_labels: list[str]) -> dict:
    """Diverging stacked bars of the answer distribution (percent of those with an opinion)
    for each statement: (label, counts of 1..5). Disagreement grows to the left of zero,
    agreement to the right, neutral straddles it."""
    labels = [wrap(label, 38) for label, _ in rows]
    shares = [[100 * c / (sum(counts) or 1) for c in counts] for _, counts in rows]

    def bar(value: int, sign: int, fraction: float = 1.0, legend: bool = True) -> go.Bar:
        return go.Bar(
            y=labels,
            x=[sign * fraction * s[value] for s in shares],
            orientation="h",
            name=plain(scale_labels[value]),
            legendgroup=str(value),
            legendrank=value,
            showlegend=legend,
            marker={"color": ANSWER_COLORS[value]},
            customdata=[s[value] for s in shares],
            hovertemplate=f"{plain(scale_labels[value])}: %{{customdata:.0f}}%<extra></extra>",
        )

    # Relative bars stack outward from zero in trace order, on each side.
    traces = [bar(2, -1, 0.5), bar(1, -1), bar(0, -1), bar(2, 1, 0.5, legend=False), bar(3, 1), bar(4, 1)]
    figure = go.Figure(
        traces,
        layout={
            "template": "none",
            "barmode": "relative",
            "height": 90 + 62 * len(rows),
            "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
            "xaxis": {
                "range": [-100, 100],
                "tickvals": [-100, -50, 0, 50, 100],
                "ticktext": ["100%", "50%", "0", "50%", "100%"],
                "fixedrange": True,
                "showgrid": True,
                "gridcolor": GRID,
                "zeroline": True,
                "zerolinecolor": "#56656c",
            },
            "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
            "legend": {"orientation": "h", "y": -0.15, "traceorder": "normal"},
            "font": {"family": FONT, "size": 11},
            "paper_bgcolor": "rgba(0,0,0,0)",
        },
    )
    return as_json_ready(figure)

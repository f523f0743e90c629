"""Plotly figures built in Python, handed to the page as JSON. Plain data in, plain
data out: no Flask, no database. plotly.js (served by the app) draws them. The radar and the
label rules shared with the respondent's thank-you page live in surveys/radar.py."""

from __future__ import annotations

import plotly.graph_objects as go

from surveys.instrument import Instrument
from surveys.radar import ACCENT, FONT, GRID, as_json_ready, plain, radar_layout, radar_trace, wrap

# Rounds get colours from light to dark in time order; groups get distinct colours.
ROUND_COLORS = ["#8fb8bd", "#6fa3a9", "#4f8d94", "#3a7a82", "#1f6f78", "#0f3f44"]
GROUP_COLORS = ["#1f6f78", "#d1495b", "#edae49", "#5b5f97", "#66a182", "#8d6a9f", "#2e4057"]


def round_colors(count: int) -> list[str]:
    """Chronological colours: the latest round is the darkest."""
    return (
        ROUND_COLORS[-count:]
        if count <= len(ROUND_COLORS)
        else [ROUND_COLORS[0]] * (count - len(ROUND_COLORS)) + ROUND_COLORS
    )


def rounds_radar(instrument: Instrument, series: list[tuple[str, dict[str, float | None]]], language: str) -> dict:
    """One closed polygon per round in time order; the latest emphasised and filled."""
    colors = round_colors(len(series))
    traces = [
        radar_trace(instrument, scores, language, name, color, width=4 if latest else 1.5, fill=latest)
        for (name, scores), color, latest in zip(series, colors, [False] * (len(series) - 1) + [True])
    ]
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
        dashed.line.dash = "dash"
        traces.append(dashed)
    layout = radar_layout(height=460)
    layout["showlegend"] = True
    return as_json_ready(go.Figure(traces, layout=layout))


def trend_chart(points: list[tuple[str, float | None, str]], title: str) -> dict:
    """One dimension across rounds: (round title, mean or None when hidden, label) per
    point; the label (n and change since the previous round) is written under the point."""
    figure = go.Figure(
        go.Scatter(
            x=[wrap(title_, 12) for title_, _, _ in points],
            y=[mean for _, mean, _ in points],
            text=[label for _, _, label in points],
            mode="lines+markers+text",
            textposition="bottom center",
            textfont={"size": 10},
            line={"color": ACCENT, "width": 2.5},
            marker={"size": 8},
            connectgaps=False,
            hovertemplate="%{x}: %{y:.2f}<br>%{text}<extra></extra>",
        ),
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
                "type": "category",
                "fixedrange": True,
                "showline": True,
                "linecolor": GRID,
                "tickangle": 0,
                "tickfont": {"size": 10},
            },
            "template": "none",
            "height": 240,
            "margin": {"l": 30, "r": 10, "t": 40, "b": 50},
            "font": {"family": FONT},
            "showlegend": False,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "shapes": [
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
            ],
        },
    )
    return as_json_ready(figure)


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

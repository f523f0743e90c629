"""The thank-you radar is built as plain data, without plotly.py's objects: plotly.py itself
(which validates every property) must accept it and give the same figure."""

import plotly.graph_objects as go
import pytest

from surveys.instrument import get_instrument
from surveys.radar import radar_layout, respondent_radar


def test_the_plain_radar_is_a_figure_plotly_accepts_unchanged():
    instrument = get_instrument(1)
    scores = {d.key: 1 + i * 0.8 for i, d in enumerate(instrument.dimensions)}
    scores[instrument.dimensions[2].key] = None  # a dimension without a score
    figure = respondent_radar(instrument, scores, "nl", "Jouw <b>scores</b>")
    validated = go.Figure(figure["data"], layout=figure["layout"])  # raises on an unknown property
    [trace] = validated.data
    assert trace.type == "scatterpolar" and trace.fill == "toself"
    assert trace.name == "Jouw &lt;b&gt;scores&lt;/b&gt;"  # never rendered as HTML
    expected = [1 + i * 0.8 for i in range(6)]
    expected[2] = None
    drawn = list(trace.r)
    assert len(drawn) == 7 and drawn[6] == drawn[0]  # closed polygon
    assert [None if v is None else pytest.approx(v) for v in expected] == drawn[:6]
    assert trace.connectgaps is False and trace.fillcolor.startswith("rgba(")
    assert validated.layout.polar.radialaxis.range == (1, 5) and validated.layout.height == 340
    assert "template" not in figure["layout"] and "template" in radar_layout(340)  # plotly.js needs none

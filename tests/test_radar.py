"""The respondent's radar on the thank-you page is SVG geometry drawn by the page itself
(surveys/radar.py, templates/surveys/_radar.html): positions worked out by hand on the
400 x 330 canvas, centre (200, 170), a score of 5 at 85 px and 1 at the centre."""

import math

import pytest

from surveys.instrument import get_instrument
from surveys.radar import lines, respondent_radar, wrap

INSTRUMENT = get_instrument(1)
KEYS = [d.key for d in INSTRUMENT.dimensions]


def test_scores_sit_on_their_axes_the_first_at_the_top_the_rest_clockwise():
    scores = dict(zip(KEYS, [5, 3, 1, 4.2, 2, 5]))
    radar = respondent_radar(INSTRUMENT, scores, "nl")
    points = radar["points"]
    assert points[0] == pytest.approx((200, 85))  # 5: the outer ring, straight up
    # 3 on the second axis, 60 degrees clockwise from the top: half the radius, 42.5 px.
    assert points[1] == pytest.approx((200 + 42.5 * math.sqrt(3) / 2, 170 - 42.5 / 2), abs=0.06)
    assert points[2] == pytest.approx((200, 170))  # 1 is the centre
    # 4.2 on the fourth axis, straight down: 85 * 3.2 / 4 = 68 px below the centre.
    assert points[3] == pytest.approx((200, 238))
    assert points[5][0] < 200 and points[5][1] < 170  # the sixth axis: upper left
    assert radar["filled"] and len(radar["segments"]) == 6
    assert radar["rings"] == pytest.approx([85, 63.75, 42.5, 21.25], abs=0.06)
    assert [value for value, _ in radar["ticks"]] == [1, 2, 3, 4, 5]
    assert radar["spokes"][3] == pytest.approx((200, 255))


def test_a_dimension_without_a_score_leaves_a_gap():
    scores = dict(zip(KEYS, [4, 4, None, 4, 4, 4]))
    radar = respondent_radar(INSTRUMENT, scores, "nl")
    assert len(radar["points"]) == 5 and not radar["filled"]  # no shape through the missing score
    assert len(radar["segments"]) == 4  # the lines to and from the third axis are gone
    third = respondent_radar(INSTRUMENT, dict(zip(KEYS, [4] * 6)), "nl")["points"][2]
    assert all(third not in segment for segment in radar["segments"])


def test_labels_name_every_dimension_in_the_language_and_stay_on_the_canvas():
    for language in ("nl", "en"):
        radar = respondent_radar(INSTRUMENT, dict(zip(KEYS, [3] * 6)), language)
        assert [" ".join(t for _, t in label["lines"]) for label in radar["labels"]] == [
            d.title.get(language) for d in INSTRUMENT.dimensions
        ]
        top, right, bottom = radar["labels"][0], radar["labels"][1], radar["labels"][3]
        assert top["anchor"] == bottom["anchor"] == "middle" and right["anchor"] == "start"
        assert radar["labels"][4]["anchor"] == "end"
        assert top["lines"][-1][0] < 85 and bottom["lines"][0][0] > 255  # outside the outer ring
        for label in radar["labels"]:
            longest = max(len(t) for _, t in label["lines"])
            reach = {"start": label["x"] + 7.3 * longest, "end": label["x"] - 7.3 * longest}
            assert 0 <= reach.get(label["anchor"], label["x"]) <= radar["width"], label
            assert all(0 < y <= radar["height"] for y, _ in label["lines"]), label


def test_a_long_label_breaks_between_words_and_plotly_labels_stay_plain():
    assert lines("Samenwerking op verschillende niveaus") == ["Samenwerking", "op", "verschillende", "niveaus"]
    assert lines("Durven en doen") == ["Durven en doen"]
    assert wrap("Jongere <b>centraal</b> & meer") == "Jongere<br>&lt;b&gt;centraal&lt;/b&gt;<br>&amp; meer"

"""The young people's figures ("Wat jongeren zeggen"): released in steps by the same rule as
the professionals' (dashboard/releases.py), from their own tables (models/youth.py), so they
never enter the professionals' scores.

A youth release is made when at least MIN_GROUP_SIZE youth responses (and, in a big round, a
tenth more than before) have arrived since the previous one. It holds, per statement, the
distribution of the answers as given; a statement's figure moves to a new release only when
the anonymity rule allows it together with every youth figure leaders have seen. There are
no groups (no profile questions), so the only cells are releases. Hidden, like the
professionals' results, while the round hides results.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date

from sqlalchemy import func, select

from extensions import db
from models import Round, YouthAnswer, YouthRelease, YouthResponse
from surveys.youth import get_youth_instrument

from .releases import MEMBERS, Rule, Track, latest_release, release_if_due, release_statements


def latest_youth_release(round_id: int) -> YouthRelease | None:
    return latest_release(round_id, YOUTH)


def add_youth_response(round_id: int, answers: dict[str, int | None], language: str, on: date) -> None:
    """Store one young person's answers (the caller commits)."""
    response = YouthResponse(round_id=round_id, submitted_on=on, language=language, release_number=None)
    response.answers = [YouthAnswer(item_key=key, value=value) for key, value in answers.items()]
    db.session.add(response)


def answer_counts(round_id: int, up_to: int) -> dict[str, dict[int, dict[int | None, int]]]:
    """{item: {release: {value or None: count}}} of the youth releases up to `up_to`."""
    rows = db.session.execute(
        select(YouthAnswer.item_key, YouthResponse.release_number, YouthAnswer.value, func.count())
        .join(YouthResponse, YouthAnswer.response_id == YouthResponse.id)
        .where(
            YouthResponse.round_id == round_id,
            YouthResponse.release_number.is_not(None),
            YouthResponse.release_number <= up_to,
        )
        .group_by(YouthAnswer.item_key, YouthResponse.release_number, YouthAnswer.value)
    )
    counts: dict = {}
    for key, number, value, n in rows:
        counts.setdefault(key, {}).setdefault(number, {})[value] = n
    return counts


def release_youth_if_due(round_id: int, min_size: int) -> YouthRelease | None:
    """Make the next youth release when enough youth responses wait; commits."""
    return release_if_due(round_id, min_size, YOUTH)


def next_youth_figures(
    round_: Round, number: int, previous: dict | None, seen: Mapping[str, list], min_size: int
) -> dict:
    """The youth figures of release `number` (see releases.next_figures)."""
    instrument = get_youth_instrument()
    answers = answer_counts(round_.id, number)
    figures = copy.deepcopy(previous) if previous else {"items": {}, "displayed": {}}
    rule = Rule(seen, figures["displayed"], min_size)
    rule.move(MEMBERS, None, (None, None, number))
    release_statements(figures, rule, answers, [statement.key for statement in instrument.statements], number)
    return figures


def youth_view(round_: Round, professional_scores: dict, min_size: int) -> dict:
    """What the dashboard shows of the round's youth answers: {"state": "hidden" | "too_few" |
    "shown", ...}; per statement its figure and the professionals' score on its dimension
    (`professional_scores`: {dimension: aggregate or None}, from the professionals' release)."""
    instrument = get_youth_instrument()
    if round_.results_hidden():
        return {"state": "hidden", "min_size": min_size}
    release = latest_youth_release(round_.id)
    if release is None:
        return {"state": "too_few", "min_size": min_size}
    rows = [
        {
            "statement": statement,
            "figure": release.figures["items"].get(statement.key),
            "unknown": release.figures.get("unknown", {}).get(statement.key, 0),
            "professionals": professional_scores.get(statement.dimension),
        }
        for statement in instrument.statements
    ]
    return {
        "state": "shown",
        "n": release.n,
        "number": release.number,
        "released_on": release.released_on,
        "rows": rows,
        "instrument": instrument,
        "min_size": min_size,
    }


def youth_json(view: dict) -> dict:
    """The API's "youth": exactly what `youth_view` gives the dashboard. Hidden or too few: the
    state and the threshold, no count. Shown: the young people counted, the release, and per
    statement its dimension, and where the release shows its figure (as the dashboard does,
    "niet getoond" otherwise) the "weet ik niet" count and the aggregate."""
    body = {"state": view["state"], "min_group_size": view["min_size"]}
    if view["state"] != "shown":
        return body
    body["n"] = view["n"]
    body["release"] = {"number": view["number"], "released_on": view["released_on"].isoformat()}
    body["statements"] = {
        row["statement"].key: {
            "dimension": row["statement"].dimension,
            **(
                {
                    "unknown": row["unknown"],
                    "release": row["figure"]["release"],
                    **{name: row["figure"][name] for name in ("n", "mean", "sd", "distribution")},
                }
                if row["figure"]
                else {}
            ),
        }
        for row in view["rows"]
    }
    return body


YOUTH = Track("youth release", YouthResponse, YouthRelease, next_youth_figures)

"""The read-only JSON API: a round's aggregates as its dashboard shows them, for leaders and
viewers of its partnership (/api/partnerships/<slug>/rounds/<id>)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import login_required

from auth.access import partnership_or_404, round_or_404
from surveys.instrument import get_instrument

from ..labels import option_labels
from ..results import comparison, item_results, min_group_size, round_results
from ..youth import youth_json, youth_view

api = Blueprint("api", __name__, url_prefix="/api")


def aggregate_json(aggregate) -> dict:
    return {"n": aggregate.n, "mean": aggregate.mean, "sd": aggregate.sd, "distribution": list(aggregate.distribution)}


@api.get("/partnerships/<slug>/rounds/<id:round_id>")
@login_required
def round_aggregates(slug: str, round_id: int):
    """Read-only aggregates of one round, for leaders and viewers of its partnership."""
    partnership = partnership_or_404(slug)
    round_ = round_or_404(partnership, round_id)
    result = round_results([round_])[0]
    instrument = get_instrument(round_.instrument_version)
    body = {
        "partnership": partnership.slug,
        "round": {
            "id": round_.id,
            "title": round_.title,
            "opens_on": round_.opens_on.isoformat(),
            "closes_on": round_.closes_on.isoformat(),
            "instrument_version": round_.instrument_version,
        },
        "min_group_size": min_group_size(),
        "respondents": result.n if result.shown else None,
        "shown": result.shown,
        "total": None,
        "levels": {},
        "domains": {},
    }
    if result.shown:
        body["release"] = {"number": result.release.number, "released_on": result.release.released_on.isoformat()}
        body["total"] = {
            key: {**aggregate_json(a), "release": result.release.figures["total"][key]["release"]}
            for key, a in result.total.scores.items()
        }
        for by, name in (("level", "levels"), ("domain", "domains")):
            for group in comparison(result, by, tuple(option_labels(instrument, by))).groups:
                body[name][group.key] = {
                    "respondents": group.n,
                    "release": group.release,
                    "scores": {k: aggregate_json(a) for k, a in group.scores.items()},
                }
        body["statements"] = {
            item.item.key: {
                "unknown": item.unknown,
                **({"release": item.release, **aggregate_json(item.aggregate)} if item.shown else {}),
            }
            for item in item_results(result, instrument)
        }
    # The young people's figures as the dashboard shows them, never merged into the above.
    body["youth"] = youth_json(youth_view(round_, {}, min_group_size()))
    return jsonify(body)

"""The anonymity promise audited as an insider attacks it (README, threat model).

Hypothesis plays random histories of one round: responses (random answers, "weet ik niet",
levels, domains, comments) arrive; the leader closes, reopens and hides results; and at
random moments the leader reads the API, both exports and the dashboard. For every figure
seen, the test records WHICH responses it was computed from (not its value), per variable:
each dimension, each statement, the respondent counts, the comments. It checks the
attribution by recomputing each shown value from those responses by hand. Then, per
variable, no set of 1 to MIN_GROUP_SIZE - 1 responses may be a linear combination of the
recorded sets (a rank test over 0/1 vectors, every such set tried, scipy as the reference).
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import secrets
import statistics
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space
from sqlalchemy import select

import clock
from dashboard import releases
from dashboard.actions import experiment_log
from dashboard.guide import guide_points
from dashboard.results import round_results
from extensions import db
from models import Partnership, Release, Round
from surveys.instrument import get_instrument
from surveys.responses import add_response

from .conftest import csrf_from, login

INSTRUMENT = get_instrument(1)
MIN = 5
LEVELS = [o.key for o in INSTRUMENT.profile_question("level").options][:3]
DOMAINS = [o.key for o in INSTRUMENT.profile_question("domain").options][:3]
MAX_RESPONSES = 24

response = st.fixed_dictionaries(
    {
        "level": st.sampled_from(LEVELS),
        "domain": st.sampled_from(DOMAINS),
        "answers": st.fixed_dictionaries(
            {item.key: st.one_of(st.integers(1, 5), st.just(None)) for item in INSTRUMENT.items}
        ),
        "comment": st.sampled_from([None, "Meer tijd", "Goed overleg", "Wethouder ontbreekt"]),
    }
)
respond = response.map(lambda r: ("respond", r))
event = st.one_of(
    *[respond] * 8,
    st.just(("close",)),
    st.just(("expire",)),
    st.just(("reopen",)),
    st.just(("hide",)),
    st.just(("show",)),
    st.just(("view",)),
    st.just(("view",)),
)
histories = st.lists(event, min_size=15, max_size=60).map(lambda events: [*events, ("close",), ("view",)])


def score(answers: dict, dimension) -> float | None:
    """A dimension score by hand: mean of the answered statements, reverse ones mirrored,
    only when at least half are answered."""
    values = [
        (6 - answers[item.key]) if item.reverse else answers[item.key]
        for item in dimension.items
        if answers[item.key] is not None
    ]
    return statistics.fmean(values) if values and 2 * len(values) >= len(dimension.items) else None


@dataclass
class Audit:
    """Sets of response positions (order of arrival) behind every figure seen, per variable."""

    responses: list[dict] = field(default_factory=list)
    sets: dict[str, set[frozenset[int]]] = field(default_factory=dict)
    views: int = 0

    def saw(self, variable: str, members) -> None:
        self.sets.setdefault(variable, set()).add(frozenset(members))

    def prefix(self, n: int) -> range:
        return range(n)


def releases_so_far(session, round_id: int) -> dict[int, int]:
    session.expire_all()
    return {r.number: r.n for r in session.scalars(select(Release).where(Release.round_id == round_id))}


def record_view(audit: Audit, body: dict, sizes: dict[int, int]) -> None:
    """Attribute every figure of an API answer to its responses and check its value by hand."""
    if not body["shown"]:
        assert body["total"] is None and not body["levels"] and not body["domains"]
        return
    audit.views += 1
    n = body["respondents"]
    assert n == sizes[body["release"]["number"]]
    everyone = range(n)  # a release holds everyone who arrived before it, in order
    audit.saw("members", everyone)
    audit.saw("comments", everyone)
    for dimension in INSTRUMENT.dimensions:
        figure = body["total"].get(dimension.key)
        if figure is not None:
            members = [
                i
                for i in range(sizes[figure["release"]])
                if score(audit.responses[i]["answers"], dimension) is not None
            ]
            check_value(figure, [score(audit.responses[i]["answers"], dimension) for i in members])
            audit.saw(dimension.key, members)
    for by, name in (("level", "levels"), ("domain", "domains")):
        for key, group in body[name].items():
            people = [i for i in range(sizes[group["release"]]) if audit.responses[i][by] == key]
            assert group["respondents"] == len(people)
            audit.saw("members", people)
            for dimension_key, figure in group["scores"].items():
                dimension = INSTRUMENT.dimension(dimension_key)
                members = [i for i in people if score(audit.responses[i]["answers"], dimension) is not None]
                check_value(figure, [score(audit.responses[i]["answers"], dimension) for i in members])
                audit.saw(dimension_key, members)
    for item in INSTRUMENT.items:
        figure = body["statements"][item.key]
        assert figure["unknown"] == sum(audit.responses[i]["answers"][item.key] is None for i in everyone)
        audit.saw(f"unknown:{item.key}", everyone)
        if "release" in figure:
            members = [
                i for i in range(sizes[figure["release"]]) if audit.responses[i]["answers"][item.key] is not None
            ]
            check_value(figure, [audit.responses[i]["answers"][item.key] for i in members])
            audit.saw(f"item:{item.key}", members)


def check_value(figure: dict, values: list[float]) -> None:
    assert figure["n"] == len(values)
    assert figure["mean"] == pytest.approx(statistics.fmean(values))


def small_sets_in_span(sets: set[frozenset[int]], min_size: int) -> list[tuple[int, ...]]:
    """Every set of 1 to min_size - 1 responses that is a linear combination of `sets`."""
    people = sorted(set().union(*sets))
    if not people:
        return []
    column = {person: j for j, person in enumerate(people)}
    matrix = np.zeros((len(sets), len(people)))
    for i, members in enumerate(sets):
        matrix[i, [column[p] for p in members]] = 1
    null = null_space(matrix)  # x is in the row space exactly when x is orthogonal to this
    found = []
    for size in range(1, min(min_size, len(people) + 1)):
        subsets = np.array(list(itertools.combinations(range(len(people)), size)))
        residue = np.abs(null[subsets].sum(axis=1)).max(axis=1) if null.shape[1] else np.zeros(len(subsets))
        found += [tuple(people[j] for j in subset) for subset in subsets[residue < 1e-9]]
    return found


def violations(audit: Audit) -> dict[str, list]:
    return {variable: found for variable, sets in audit.sets.items() if (found := small_sets_in_span(sets, MIN))}


def play(history, app, client, session, round_: Round, mutate=None) -> Audit:
    audit = Audit()
    slug = round_.partnership.slug
    for step in history:
        kind = step[0]
        if kind == "respond" and len(audit.responses) < MAX_RESPONSES:
            with app.app_context():
                state = db.session.get(Round, round_.id).state()
            if state.value != "open":
                continue
            r = step[1]
            audit.responses.append(r)
            with app.app_context():
                comments = {"youth": r["comment"]} if r["comment"] else {}
                add_response(
                    round_.id,
                    INSTRUMENT,
                    r["answers"],
                    comments,
                    {"level": r["level"], "domain": r["domain"]},
                    "nl",
                    clock.today(),
                )
                db.session.commit()
                releases.release_if_due(round_.id, MIN)
        elif kind == "expire":  # the closing day passes: no request, no event
            stored = session.get(Round, round_.id)
            stored.closes_on = clock.today() - timedelta(days=1)
            stored.opens_on = min(stored.opens_on, stored.closes_on)
            session.commit()
        elif kind in ("close", "reopen"):  # the leader's buttons
            page = f"/beheer/{slug}/metingen/{round_.id}/"
            client.post(
                page + ("sluiten" if kind == "close" else "openen"),
                data={"csrf_token": csrf_from(client.get(page).text)},
            )
        elif kind in ("hide", "show"):  # the round's settings form
            page = f"/beheer/{slug}/metingen/{round_.id}/"
            session.expire_all()
            stored = session.get(Round, round_.id)
            data = {
                "csrf_token": csrf_from(client.get(page).text),
                "title": stored.title,
                "instrument_version": "1",
                "opens_on": stored.opens_on.isoformat(),
                "closes_on": stored.closes_on.isoformat(),
            }
            if kind == "hide":
                data["hide_results_while_open"] = "y"
            assert client.post(page, data=data).status_code == 302
        elif kind == "view":
            body = client.get(f"/api/partnerships/{slug}/rounds/{round_.id}").get_json()
            record_view(audit, body, releases_so_far(session, round_.id))
            if body["shown"]:
                check_exports_match(client, slug, round_, body)
            check_loop_matches(app, client, slug, round_, body)
    return audit


def check_exports_match(client, slug: str, round_: Round, body: dict) -> None:
    """Across views: the exports show the same figures as the API, and no row per person."""
    scores = list(csv.DictReader(io.StringIO(client.get(f"/dashboard/{slug}/export/scores.csv").text.lstrip("\ufeff"))))
    assert scores
    # The export names everything by its Dutch label: back to the API's keys through the instrument.
    dimensions = {d.title.nl: d.key for d in INSTRUMENT.dimensions}
    groupings = {"Per niveau": "levels", "Per domein": "domains"}
    options = {o.label.nl: o.key for q in INSTRUMENT.profile for o in q.options}
    for row in (row for row in scores if row["Meting"] == round_.title):
        dimension = dimensions[row["Dimensie"]]
        if row["Soort groep"] == "Hele meting" and row["Gemiddelde"]:
            assert float(row["Gemiddelde"]) == pytest.approx(body["total"][dimension]["mean"], abs=1e-3)
        elif row["Soort groep"] in groupings and row["Gemiddelde"]:
            group = body[groupings[row["Soort groep"]]][options[row["Groep"]]]
            assert float(row["Gemiddelde"]) == pytest.approx(group["scores"][dimension]["mean"], abs=1e-3)
    statements = list(
        csv.reader(
            io.StringIO(client.get(f"/dashboard/{slug}/rounds/{round_.id}/export/statements.csv").text.lstrip("\ufeff"))
        )
    )
    assert len(statements) == 1 + len(INSTRUMENT.items)  # one row per statement, never per person


def api(client, slug: str, round_id: int) -> dict:
    return client.get(f"/api/partnerships/{slug}/rounds/{round_id}").get_json()


def check_loop_matches(app, client, slug: str, round_: Round, body: dict) -> None:
    """Across views: every figure the discussion guide and the experiment log use is one the API
    shows (of this round, or of an earlier round of the partnership), so they add no set of
    people to compare; and the guide of a round that is not shown shows nothing."""
    page = client.get(f"/dashboard/{slug}/rounds/{round_.id}/gespreksleidraad")
    assert page.status_code == 200
    with app.test_request_context():
        partnership = db.session.get(Partnership, round_.partnership_id)
        results = round_results(partnership.rounds)
        current = next(r for r in results if r.round.id == round_.id)
        points = guide_points(results, current, INSTRUMENT)
        log = experiment_log(partnership, results)
    if not body["shown"]:
        assert points == [] and 'class="guide-point"' not in page.text
    tried["points"] += len(points)
    tried["log steps"] += sum(len(line.steps) for line in log)
    for point in points:
        f, total = point.figures, body["total"].get(point.dimension)
        if point.kind == "weakest":
            assert (f["mean"], f["n"]) == (total["mean"], total["n"])
        elif point.kind in ("disagreement", "unknown"):
            statement = body["statements"][point.item.key]
            if point.kind == "disagreement":
                assert (f["mean"], f["sd"], f["n"]) == (statement["mean"], statement["sd"], statement["n"])
            else:
                assert (f["unknown"], f["respondents"]) == (statement["unknown"], body["respondents"])
        elif point.kind in ("level_gap", "domain_gap"):
            groups = body["levels" if point.kind == "level_gap" else "domains"]
            assert f["high_mean"] == groups[f["high"]]["scores"][point.dimension]["mean"]
            assert f["low_mean"] == groups[f["low"]]["scores"][point.dimension]["mean"]
        else:  # a change since the previous round shown
            previous = next(r for r in results if r.round.title == f["previous"])
            assert f["after"] == total["mean"]
            assert f["before"] == api(client, slug, previous.round.id)["total"][point.dimension]["mean"]
    for line in log:  # a dimension the API does not show has no score in the log either
        assert line.baseline == api(client, slug, line.agreed.id)["total"].get(line.dimension, {}).get("mean")
        for step in line.steps:
            seen = api(client, slug, step.round.id)
            assert seen["shown"] and step.mean == seen["total"].get(line.dimension, {}).get("mean")


@pytest.fixture
def scene(app, client, session, make_round, make_user):
    round_ = make_round("T1", opens_on=clock.today() - timedelta(days=3), closes_on=clock.today() + timedelta(days=10))
    make_user("leider@audit.example", round_.partnership)
    login(client, "leider@audit.example")
    return round_


def fresh_round(session, round_: Round) -> Round:
    """An empty round of the same partnership, for the next example."""
    new = Round(
        partnership_id=round_.partnership_id,
        title=f"T{secrets.token_hex(4)}",
        instrument_version=1,
        opens_on=clock.today() - timedelta(days=3),
        closes_on=clock.today() + timedelta(days=10),
    )
    session.add(new)
    session.commit()
    return new


def agree_on_an_action(client, round_: Round) -> None:
    """An action on every dimension agreed after a round with results, through the leader's
    form: the next examples' views check the experiment log that follows it."""
    slug = round_.partnership.slug
    if not api(client, slug, round_.id)["shown"]:
        return
    page = f"/dashboard/{slug}/afspraken/nieuw"
    data = {
        "title": f"Na {round_.title}",
        "dimensions": [d.key for d in INSTRUMENT.dimensions],
        "round_id": str(round_.id),
        "status": "bezig",
        "csrf_token": csrf_from(client.get(page).text),
    }
    assert client.post(page, data=data).status_code == 302
    tried["actions"] += 1


EXAMPLES = 40
tried = {"histories": 0, "largest": 0, "sets": 0, "checked": 0, "actions": 0, "points": 0, "log steps": 0}


@pytest.fixture(scope="module", autouse=True)
def report_what_was_tried():
    """With -s: the figures the README's security table quotes."""
    yield
    print(
        f"\naudit: {tried['histories']} histories, largest {tried['largest']} responses, "
        f"{tried['sets']} distinct released sets, {tried['checked']} small sets checked, "
        f"{tried['points']} guide points and {tried['log steps']} experiment-log steps matched to the API "
        f"({tried['actions']} actions)"
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories)
def test_no_small_group_is_a_combination_of_released_figures(history, app, client, session, scene):
    round_ = fresh_round(session, scene)
    audit = play(history, app, client, session, round_)
    assert violations(audit) == {}
    agree_on_an_action(client, round_)
    tried["histories"] += 1
    tried["checked"] += sum(
        sum(math.comb(len(set().union(*sets)), size) for size in range(1, MIN)) for sets in audit.sets.values()
    )
    tried["largest"] = max(tried["largest"], len(audit.responses))
    tried["sets"] += sum(len(s) for s in audit.sets.values())


# --- the audit finds the attacks when the fix is removed --------------------------------------

REOPEN_AND_COMPARE = [
    *[
        (
            "respond",
            {
                "level": "werkvloer",
                "domain": "onderwijs",
                "answers": {i.key: 4 for i in INSTRUMENT.items},
                "comment": None,
            },
        )
    ]
    * 6,
    ("close",),
    ("view",),
    ("reopen",),
    (
        "respond",
        {
            "level": "beleid",
            "domain": "gemeente",
            "answers": {i.key: 1 for i in INSTRUMENT.items},
            "comment": "Alleen ik",
        },
    ),
    ("close",),
    ("view",),
]


def test_reopen_and_compare_reveals_nobody(app, client, session, scene):
    """Attack 1 as a history: 6 responses, look, reopen, one more, look again."""
    audit = play(REOPEN_AND_COMPARE, app, client, session, scene)
    assert audit.views == 2 and violations(audit) == {}


def test_the_audit_finds_reopen_and_compare_without_releases(app, client, session, scene, monkeypatch):
    """Remove the fix (a release after every response, every figure always updated): the
    audit must then find the one person who answered after reopening."""
    monkeypatch.setattr(releases, "needed", lambda released, min_size: 1)
    monkeypatch.setattr(releases.Rule, "allows", lambda self, variable, cells, old, new: True)
    audit = play(REOPEN_AND_COMPARE, app, client, session, scene)
    found = violations(audit)
    assert (6,) in found["members"] and (6,) in found["urgency"] and (6,) in found["comments"]


def test_the_audit_finds_small_groups_by_subtraction_without_the_rule(app, client, session, scene, monkeypatch):
    """Remove the rule within one release: 5 werkvloer and 1 beleid respondent give a
    total of 6 beside a werkvloer group of 5, and total minus group is the one person."""
    monkeypatch.setattr(releases.Rule, "allows", lambda self, variable, cells, old, new: True)
    one = {"level": "beleid", "domain": "gemeente", "answers": {i.key: 2 for i in INSTRUMENT.items}, "comment": None}
    five = {
        "level": "werkvloer",
        "domain": "gemeente",
        "answers": {i.key: 4 for i in INSTRUMENT.items},
        "comment": None,
    }
    history = [
        ("respond", one),
        *[("respond", five)] * 4,
        ("view",),
        ("respond", five),
        ("respond", five),
        ("respond", five),
        ("respond", five),
        ("respond", five),
        ("close",),
        ("view",),
    ]
    found = violations(play(history, app, client, session, scene))
    assert found, "without the rule the audit must find a small group"


def test_the_rank_test_itself(app):
    """The reference check on a case worked by hand: {0..5} and {0..4} give {5}."""
    assert small_sets_in_span({frozenset(range(6)), frozenset(range(5))}, MIN) == [(5,)]
    assert small_sets_in_span({frozenset(range(10)), frozenset(range(5))}, MIN) == []
    # a 2 x 2 of levels and domains does not isolate anyone: W = {0..4}, O = {0..3, 9}
    assert small_sets_in_span({frozenset(range(10)), frozenset(range(5)), frozenset([0, 1, 2, 3, 9])}, MIN) == []
    # nested groups do: O = {0..4} inside W = {0..6} leaves {5, 6}
    assert (5, 6) in small_sets_in_span({frozenset(range(10)), frozenset(range(7)), frozenset(range(5))}, MIN)


def answered(level: str, domain: str, value: int, unknown: bool = False) -> tuple:
    """A response scoring `value` on every statement (the momentum ones "weet ik niet" when
    `unknown`), so guide points of every kind have figures to come from."""
    answers = {i.key: (None if unknown and i.dimension == "momentum" else value) for i in INSTRUMENT.items}
    return ("respond", {"level": level, "domain": domain, "answers": answers, "comment": None})


def test_the_guide_and_the_experiment_log_use_only_figures_the_api_shows(app, client, session, scene):
    """Two rounds: in T1 ten werkvloer/onderwijs score 2 and ten bestuur/gemeente 4 (a gap between
    levels and domains, momentum unknown to half); an action follows T1; in T2 everyone scores
    4, a rise larger than chance. check_loop_matches, run at every view, ties each figure of
    the guide and each step of the log to the API."""
    first = fresh_round(session, scene)
    pair = [answered("werkvloer", "onderwijs", 2, unknown=True), answered("bestuur", "gemeente", 4)]
    t1 = [*pair * 10, ("close",), ("view",)]  # arriving in turns: each group grows in every release
    before = dict(tried)
    play(t1, app, client, session, first)
    agree_on_an_action(client, first)
    second = fresh_round(session, scene)
    t2 = [
        *[answered("werkvloer", "onderwijs", 4)] * 3,
        *[answered("bestuur", "gemeente", 5)] * 3,
        ("close",),
        ("view",),
    ]
    play(t2, app, client, session, second)
    with app.test_request_context():
        partnership = db.session.get(Partnership, first.partnership_id)
        results = round_results(partnership.rounds)
        kinds = {p.kind for p in guide_points(results, next(r for r in results if r.round.id == first.id), INSTRUMENT)}
        later = {p.kind for p in guide_points(results, next(r for r in results if r.round.id == second.id), INSTRUMENT)}
    assert {"weakest", "level_gap", "domain_gap", "unknown"} <= kinds and "change" in later
    assert tried["log steps"] - before["log steps"] == len(INSTRUMENT.dimensions)  # one step (T2) per dimension

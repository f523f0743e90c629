"""The instrument's quality page over HTTP, on both databases: responses go in through the
submission code (add_responses) from a generated answer matrix, and every figure the page
shows equals a numpy/scipy reference computed from exactly the responses it may use: released,
of rounds that may be shown, and (for alpha) answering every statement of the dimension 1-5.

The responses it may not use are made to move every figure if they were counted: they answer
each dimension against itself (5, 1, 5, 1, 5) and say "weet ik niet" to every statement of
"Durven en doen"."""

import re
from datetime import timedelta

import numpy as np
import pytest
from scipy import stats as reference
from sqlalchemy import select

import clock
from dashboard.quality import version_quality
from dashboard.releases import release_if_due
from extensions import db
from manage.accounts import grant
from models import Coordinatorship, Partnership, Programme, Role, Round, User, find_user
from surveys.instrument import get_instrument
from surveys.reliability import minimum_complete
from surveys.scoring import flip

from .conftest import login

INSTRUMENT = get_instrument(1)
NOISE = "momentum_tailwind"  # measures nothing: the statement that lowers its dimension's alpha
SPARSE = "daring"  # "weet ik niet" often: too few complete responses for an alpha
MINIMUM = minimum_complete(5)


def generated(count: int, seed: int) -> list[dict]:
    """Answers as given (reverse statements mirrored) of people whose answers to a dimension
    share one latent factor, with 2% "weet ik niet" (20% in SPARSE)."""
    rng = np.random.default_rng(seed)
    people = []
    for _ in range(count):
        answers = {}
        for dimension in INSTRUMENT.dimensions:
            factor = rng.normal()
            for item in dimension.items:
                loading = 0.0 if item.key == NOISE else 1.0
                scored = int(np.clip(np.rint(3 + loading * factor + rng.normal(scale=0.8)), 1, 5))
                unknown = rng.random() < (0.2 if dimension.key == SPARSE else 0.02)
                answers[item.key] = None if unknown else (flip(scored) if item.reverse else scored)
        people.append(answers)
    return people


def contrary(count: int) -> list[dict]:
    """People who answer every dimension against itself, and "weet ik niet" to SPARSE."""
    people = []
    for n in range(count):
        answers = {}
        for dimension in INSTRUMENT.dimensions:
            for i, item in enumerate(dimension.items):
                scored = 5 if (i + n) % 2 else 1
                answers[item.key] = None if dimension.key == SPARSE else (flip(scored) if item.reverse else scored)
        people.append(answers)
    return people


def scored_matrix(people: list[dict], dimension) -> np.ndarray:
    """The complete cases of a dimension (rows) by its statements, reverse ones flipped back."""
    rows = [
        [flip(p[item.key]) if item.reverse else p[item.key] for item in dimension.items]
        for p in people
        if all(p[item.key] is not None for item in dimension.items)
    ]
    return np.array(rows, dtype=float).reshape(-1, len(dimension.items))


def numpy_alpha(matrix: np.ndarray) -> float:
    k = matrix.shape[1]
    return k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))


def expected(people: list[dict]) -> dict:
    """The reference of every figure, per dimension, from the raw answers."""
    figures = {}
    for dimension in INSTRUMENT.dimensions:
        matrix = scored_matrix(people, dimension)
        n, k = matrix.shape
        alpha = numpy_alpha(matrix)
        d1, d2 = n - 1, (n - 1) * (k - 1)
        rest = [matrix.sum(axis=1) - matrix[:, i] for i in range(k)]
        figures[dimension.key] = {
            "n": n,
            "alpha": alpha,
            "low": 1 - (1 - alpha) * reference.f.ppf(0.975, d1, d2),
            "high": 1 - (1 - alpha) * reference.f.ppf(0.025, d1, d2),
            "rest": [reference.pearsonr(matrix[:, i], rest[i]).statistic for i in range(k)],
            "without": [numpy_alpha(np.delete(matrix, i, axis=1)) for i in range(k)],
            "unknown": [sum(p[item.key] is None for p in people) for item in dimension.items],
            "answers": len(people),
        }
    return figures


def add(add_responses, round_, people: list[dict]) -> None:
    """Store the people through the submission code, without releasing them (yet)."""
    add_responses(round_, len(people), lambda n, item: people[n][item.key], release=False)


def release(app, round_) -> None:
    with app.app_context():
        assert release_if_due(round_.id, app.config["MIN_GROUP_SIZE"]) is not None


@pytest.fixture
def world(app, make_round, add_responses, make_user, session):
    """Two shown rounds of two partnerships (released: the pool), more responses in the first
    that wait for a release, and an open round that hides its results (released, not shown)."""
    today = clock.today()
    first = make_round("T1", opens_on=today - timedelta(days=20), closes_on=today + timedelta(days=10))
    second = make_round("T1 elders", opens_on=today - timedelta(days=40), closes_on=today - timedelta(days=5))
    hidden = make_round("T2 verborgen", hide_results_while_open=True)
    pooled = generated(110, seed=1) + generated(40, seed=2)
    add(add_responses, first, pooled[:110])
    release(app, first)
    add(add_responses, second, pooled[110:])
    release(app, second)
    add(add_responses, first, contrary(30))  # 30 wait: the release after 110 needs 11, but none is asked for
    add(add_responses, hidden, contrary(40))
    release(app, hidden)
    make_user("beheer@example.org", admin=True)
    make_user("leider@example.org", first.partnership, "leader")
    make_user("kijker@example.org", first.partnership, "viewer")
    make_user("coord@example.org")
    programme = Programme(slug="prog", name="Programma")
    session.add(programme)
    session.commit()
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "coord@example.org"))
        db.session.add(Coordinatorship(user_id=user_id, programme_id=programme.id))
        db.session.commit()
    return {"pooled": pooled, "hidden": hidden, "first": first}


def number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", "."))


def without_label(cell: str) -> str:
    """A cell's content without its column's name (shown on a phone, hidden from screen readers)."""
    return re.sub(r'<span class="cell-label" aria-hidden="true">[^<]*</span>', "", cell)


def decimal_in(cell: str) -> float | None:
    """The number a table cell starts with (two decimals), None for "–"."""
    found = re.match(r"[-−]?\d+,\d\d", without_label(cell))
    return number(found.group()) if found else None


def dimension_block(html: str, key: str) -> str:
    start = html.index(f'id="v1-{key}"')
    ends = [i for i in (html.find("<h3", start + 1), html.find("</section>", start)) if i != -1]
    return html[start : min(ends)]


def page_figures(html: str, key: str) -> dict:
    """What the page says of one dimension: alpha, its interval, n, and per statement
    (r, alpha without it, flagged, "weet ik niet" percent or None)."""
    block = dimension_block(html, key)
    rows = re.findall(
        r'<tr role="row"( class="lowers-alpha")?>\s*<th scope="row"[^>]*>.*?</th>\s*'
        r"<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>",
        block,
        re.S,
    )
    figures = {
        "rows": [
            {
                "flagged": bool(flag) and "verlaagt de alfa" in without,
                "rest": decimal_in(rest),
                "without": decimal_in(without),
                "unknown": int(re.match(r"(\d+)\s*%", without_label(unknown)).group(1)) if "%" in unknown else None,
            }
            for flag, rest, without, unknown in rows
        ],
        "too_few": "te weinig antwoorden om dit te berekenen (minstens" in block,
    }
    alpha = re.search(r"Alfa ([-−]?\d+,\d\d)</span>", block)
    if alpha:
        low, high = re.search(r"marge ([-−]?\d+,\d\d) tot ([-−]?\d+,\d\d)", block).groups()
        figures.update(
            alpha=number(alpha.group(1)),
            low=number(low),
            high=number(high),
            n=int(re.search(r"volledig ingevuld: (\d+)", block).group(1)),
        )
    return figures


SHOWN = 0.005 + 1e-9  # two decimals on the page


def test_the_page_shows_the_reference_of_exactly_the_released_complete_cases(app, client, world):
    pooled = world["pooled"]
    reference_figures = expected(pooled)
    assert (
        reference_figures[SPARSE]["n"]
        < MINIMUM
        <= min(reference_figures[d.key]["n"] for d in INSTRUMENT.dimensions if d.key != SPARSE)
    ), "the generated data no longer have the shape this test needs"
    login(client, "beheer@example.org")
    page = client.get("/dashboard/kwaliteit/")
    assert page.status_code == 200
    for dimension in INSTRUMENT.dimensions:
        want, shown = reference_figures[dimension.key], page_figures(page.text, dimension.key)
        shares = [unknown / want["answers"] * 100 for unknown in want["unknown"]]
        assert [row["unknown"] for row in shown["rows"]] == pytest.approx(shares, abs=0.5 + 1e-9), dimension.key
        if dimension.key == SPARSE:
            assert shown["too_few"] and "alpha" not in shown, dimension.key
            assert f"te weinig antwoorden om dit te berekenen (minstens {MINIMUM})" in page.text
            assert all(row["rest"] is None and row["without"] is None for row in shown["rows"])
            continue
        assert not shown["too_few"]
        assert shown["n"] == want["n"], dimension.key
        for name in ("alpha", "low", "high"):
            assert shown[name] == pytest.approx(want[name], abs=SHOWN), (dimension.key, name)
        assert [row["rest"] for row in shown["rows"]] == pytest.approx(want["rest"], abs=SHOWN), dimension.key
        assert [row["without"] for row in shown["rows"]] == pytest.approx(want["without"], abs=SHOWN), dimension.key
        assert [row["flagged"] for row in shown["rows"]] == [w > want["alpha"] for w in want["without"]]
    # The known structure is there: the noise statement, and only it, lowers its alpha.
    flagged = [
        item.key
        for dimension in INSTRUMENT.dimensions
        for item, row in zip(dimension.items, page_figures(page.text, dimension.key)["rows"])
        if row["flagged"]
    ]
    assert flagged == [NOISE]


def test_the_figures_equal_the_reference_unrounded(app, world):
    """The service behind the page, to the last digits (the page rounds to two)."""
    reference_figures = expected(world["pooled"])
    with app.app_context():
        found = version_quality(1)
    assert found.responses == len(world["pooled"])
    for quality in found.dimensions:
        want = reference_figures[quality.dimension.key]
        assert quality.complete == want["n"]
        assert [(s.answers, s.unknown) for s in quality.statements] == [(want["answers"], u) for u in want["unknown"]]
        if quality.dimension.key == SPARSE:
            assert quality.reliability is None
            continue
        result = quality.reliability
        assert (result.alpha, result.low, result.high) == pytest.approx((want["alpha"], want["low"], want["high"]))
        assert [i.rest_correlation for i in result.items] == pytest.approx(want["rest"], rel=1e-9)
        assert [i.alpha_if_deleted for i in result.items] == pytest.approx(want["without"], rel=1e-9)


def test_a_round_that_stops_hiding_its_results_joins_the_pool(app, client, world, session):
    """The hidden round is left out because it hides its results, not for anything else:
    once it shows them (closed), its 40 complete responses count."""
    login(client, "beheer@example.org")
    before = page_figures(client.get("/dashboard/kwaliteit/").text, "urgency")["n"]
    round_ = session.get(Round, world["hidden"].id)
    round_.closed_early = True
    session.commit()
    with_hidden = expected(world["pooled"] + contrary(40))
    after = page_figures(client.get("/dashboard/kwaliteit/").text, "urgency")
    assert (before, after["n"]) == (with_hidden["urgency"]["n"] - 40, with_hidden["urgency"]["n"])
    assert after["alpha"] == pytest.approx(with_hidden["urgency"]["alpha"], abs=SHOWN)


def test_waiting_responses_join_only_when_released(app, client, world):
    login(client, "beheer@example.org")
    release(app, world["first"])  # the 30 that waited
    with_released = expected(world["pooled"] + contrary(30))
    shown = page_figures(client.get("/dashboard/kwaliteit/").text, "investment")
    assert shown["n"] == with_released["investment"]["n"]
    assert shown["alpha"] == pytest.approx(with_released["investment"]["alpha"], abs=SHOWN)


def test_below_the_minimum_the_page_says_so(app, client, make_round, add_responses, make_user):
    round_ = make_round("T0")
    add(add_responses, round_, generated(MINIMUM - 1, seed=3))
    release(app, round_)
    make_user("beheer@example.org", admin=True)
    login(client, "beheer@example.org")
    page = client.get("/dashboard/kwaliteit/").text
    for dimension in INSTRUMENT.dimensions:
        shown = page_figures(page, dimension.key)
        assert shown["too_few"] and "alpha" not in shown, dimension.key
        # "Weet ik niet" shares need as many answers as an alpha needs complete responses: no
        # figure at all, so no table of dashes.
        assert shown["rows"] == [] and f'id="v1-{dimension.key}"' in page
    assert page.count(f"te weinig antwoorden om dit te berekenen (minstens {MINIMUM})") == len(INSTRUMENT.dimensions)


def test_without_released_responses_there_is_nothing(app, client, make_round, add_responses, make_user):
    round_ = make_round("T0")
    add(add_responses, round_, generated(MINIMUM + 20, seed=4))  # none released
    make_user("beheer@example.org", admin=True)
    login(client, "beheer@example.org")
    page = client.get("/dashboard/kwaliteit/").text
    assert "Nog geen vrijgegeven antwoorden met deze versie." in page
    assert 'id="v1-urgency"' not in page


@pytest.mark.parametrize(
    "email, status",
    [
        ("leider@example.org", 404),
        ("kijker@example.org", 404),
        ("coord@example.org", 200),
        ("beheer@example.org", 200),
    ],
)
def test_only_administrators_and_coordinators_see_it(app, world, email, status):
    client = app.test_client()
    login(client, email)
    assert client.get("/dashboard/kwaliteit/").status_code == status


def test_signed_out_it_asks_to_sign_in(client, world):
    response = client.get("/dashboard/kwaliteit/")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_the_index_links_it_for_those_who_may_see_it(app, world, make_round, make_user, session):
    link = 'href="/dashboard/kwaliteit/"'
    admin = app.test_client()
    login(admin, "beheer@example.org")
    assert link in admin.get("/dashboard/").text
    # A coordinator of two programmes and a leader of two partnerships get the index itself.
    session.add(Programme(slug="prog2", name="Programma 2"))
    session.commit()
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "coord@example.org"))
        programme_id = db.session.scalar(select(Programme.id).where(Programme.slug == "prog2"))
        db.session.add(Coordinatorship(user_id=user_id, programme_id=programme_id))
        db.session.commit()
    coordinator = app.test_client()
    login(coordinator, "coord@example.org")
    assert link in coordinator.get("/dashboard/").text
    other = make_round("T1 derde")
    make_user("twee@example.org", world["first"].partnership, "leader")
    with app.app_context():
        grant(find_user("twee@example.org"), db.session.get(Partnership, other.partnership_id), Role.LEADER)
        db.session.commit()
    leader = app.test_client()
    login(leader, "twee@example.org")
    index = leader.get("/dashboard/")
    assert index.status_code == 200 and link not in index.text


def test_an_anonymous_visitor_is_never_shown_the_instruments_quality():
    """The rule itself, not only @login_required in front of the page: a template that asks it
    for a visitor who is not signed in gets no."""
    from flask_login import AnonymousUserMixin

    from auth.access import sees_instrument_quality

    assert sees_instrument_quality(AnonymousUserMixin()) is False

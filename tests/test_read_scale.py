"""A leader's pages read stored numbers whatever the round's size: the same number of queries
for a round of 20 as of 200 responses (and a programme of 2 as of 6 partnerships), a bounded
number of comments per page, and the comments pages under exactly the dashboard's rule."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

import clock
from extensions import db
from models import Comment, Coordinatorship, Partnership, Programme, Response, User

from .conftest import login

CLOSED = {"opens_on": clock.today() - timedelta(days=30), "closes_on": clock.today() - timedelta(days=1)}


@contextmanager
def counted(app):
    """Counts the SQL statements run inside the block."""
    with app.app_context():
        engine = db.engine
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def comment_texts(n: int) -> list[str]:
    return [f"{'Opmerking' if i % 2 else 'opmerking'} {i:04d}" for i in range(n)]


def leader_pages(client, round_) -> dict[str, str]:
    slug = round_.partnership.slug
    return {
        "dashboard": f"/dashboard/{slug}/?round={round_.id}",
        "report": f"/dashboard/{slug}/rounds/{round_.id}/report",
        "api": f"/api/partnerships/{slug}/rounds/{round_.id}",
        "comments": f"/dashboard/{slug}/rounds/{round_.id}/toelichtingen/youth?pagina=1",
        "round page": f"/beheer/{slug}/metingen/{round_.id}/",
    }


def test_queries_and_comments_per_page_do_not_grow_with_the_round(app, make_round, add_responses, make_user):
    sizes = {}
    for size in (60, 200):
        client = app.test_client()
        round_ = make_round(f"R{size}", **CLOSED)
        texts = comment_texts(size)
        for text in texts:
            add_responses(round_, 1, comments={"youth": text, "urgency": text[::-1]})
        make_user(f"leider{size}@schaal.example", round_.partnership)
        login(client, f"leider{size}@schaal.example")
        counts = {}
        for page, url in leader_pages(client, round_).items():
            client.get(url)  # warm: the first request of a session may do more
            with counted(app) as statements:
                response = client.get(url)
            assert response.status_code == 200, (page, response.status_code)
            counts[page] = len(statements)
            if page in ("dashboard", "report"):
                youth = response.text.split('id="comments"')[1].split("</section>")[0]
                assert youth.count("<li>") == 2 * 25  # two dimensions commented on, 25 of each
            if page == "dashboard":
                assert re.search(r"Alle \d+ toelichtingen bij", response.text)
            if page == "comments":
                assert response.text.count("<li>") == 50
        sizes[size] = counts
    assert sizes[60] == sizes[200]


def test_the_programme_view_runs_as_many_queries_for_6_partnerships_as_for_2(
    app, session, make_round, add_responses, make_user
):
    counts = []
    for number, partnerships in enumerate((2, 6)):
        client = app.test_client()
        programme = Programme(slug=f"prog{number}", name=f"Programma {number}")
        session.add(programme)
        session.commit()
        for p in range(partnerships):
            partnership = Partnership(slug=f"p{number}-{p}", name=f"Regio {p}", programme_id=programme.id)
            for r in range(2):
                opens = clock.today() - timedelta(days=90 - 40 * r)
                round_ = make_round(
                    f"T{r}", partnership=partnership, opens_on=opens, closes_on=opens + timedelta(days=9)
                )
                add_responses(round_, 5)
        email = f"coord{number}@prog.example"
        make_user(email)
        user = session.query(User).filter_by(email=email).one()
        session.add(Coordinatorship(user_id=user.id, programme_id=programme.id))
        session.commit()
        login(client, email)
        url = f"/dashboard/programma/prog{number}/"
        client.get(url)
        with counted(app) as statements:
            page = client.get(url)
        assert page.status_code == 200
        assert page.text.count('<th scope="row">Regio') == partnerships
        counts.append(len(statements))
    assert counts[0] == counts[1]


# Mixed case, accents and punctuation: the order is by text with A-Z folded to a-z, then by
# code point, so "Eend" and "eend" sit together, capitals do not all come first, and both
# databases agree (written out by hand, not computed by the code under test).
MIXED = ["Zon", "eend", "Eend", "appel", "Álvaro", "Banaan", "_streep", "10 jaar", "ééntje", "Één", "banaan"]
MIXED_SORTED = ["10 jaar", "_streep", "appel", "Banaan", "banaan", "Eend", "eend", "Zon", "Álvaro", "Één", "ééntje"]


@pytest.fixture
def commented(client, make_round, add_responses, make_user):
    round_ = make_round("T1", **CLOSED)
    for text in MIXED:
        add_responses(round_, 1, comments={"youth": text})
    add_responses(round_, 4)  # 15 in all: released at 5, 10 and 15, so every comment is shown
    make_user("leider@toelichting.example", round_.partnership)
    login(client, "leider@toelichting.example")
    return round_


def listed(html: str) -> list[str]:
    import html as markup

    return [markup.unescape(text) for text in re.findall(r"<li>([^<]*)</li>", html.split("<main")[1])]


def test_comment_order_is_the_same_on_both_databases(client, commented):
    url = f"/dashboard/{commented.partnership.slug}/rounds/{commented.id}/toelichtingen/youth"
    assert listed(client.get(url).text) == MIXED_SORTED
    dashboard = client.get(f"/dashboard/{commented.partnership.slug}/?round={commented.id}").text
    section = dashboard.split('id="comments"')[1].split("</section>")[0]
    assert listed("<main" + section) == MIXED_SORTED


def test_comments_pages_show_every_released_comment_once_and_nothing_else(
    client, session, make_round, add_responses, make_user
):
    round_ = make_round("T1", **CLOSED)
    for text in comment_texts(123):
        add_responses(round_, 1, comments={"youth": text})
    stored = session.execute(
        select(Comment.text, Response.release_number).join(Response).where(Response.round_id == round_.id)
    ).all()
    texts = [text for text, number in stored if number is not None]
    waiting = [text for text, number in stored if number is None]
    assert 100 < len(texts) <= 150 and waiting  # three pages, and some still wait for a release
    make_user("leider@paginas.example", round_.partnership)
    login(client, "leider@paginas.example")
    base = f"/dashboard/{round_.partnership.slug}/rounds/{round_.id}/toelichtingen/youth"
    seen = []
    for page in (1, 2, 3):
        response = client.get(f"{base}?pagina={page}")
        assert response.status_code == 200
        assert f"Pagina {page} van 3" in response.text
        seen += listed(response.text)
    assert sorted(seen) == sorted(texts) and len(seen) == len(set(seen)) == len(texts)
    assert seen == sorted(texts, key=lambda t: (t.lower(), t))  # ASCII only: lower() folds A-Z alone
    assert not set(waiting) & set(seen)
    for bad in ("4", "0", "-1", "abc", "1.5", "9" * 7, "²"):
        assert client.get(f"{base}?pagina={bad}").status_code == 404, bad
    assert client.get(base.replace("/youth", "/onbekend")).status_code == 404
    empty = client.get(base.replace("/youth", "/urgency"))  # no comments: one empty page
    assert empty.status_code == 200 and "0 toelichtingen, op alfabetische volgorde" in empty.text
    assert "Geen toelichtingen." in empty.text and "Pagina " not in empty.text and listed(empty.text) == []
    assert client.get(base.replace("/youth", "/urgency") + "?pagina=2").status_code == 404


def test_comments_pages_follow_the_dashboards_rule(app, client, make_round, add_responses, make_user):
    hidden = make_round("Open", hide_results_while_open=True)  # open, results hidden until it closes
    add_responses(hidden, 6, comments={"youth": "verborgen tekst"})
    too_few = make_round("Klein", partnership=hidden.partnership, **CLOSED)
    add_responses(too_few, 3, comments={"youth": "klein-opmerking"})
    make_user("leider@regel.example", hidden.partnership)
    login(client, "leider@regel.example")
    slug = hidden.partnership.slug
    for round_, text in ((hidden, "verborgen tekst"), (too_few, "klein-opmerking")):
        assert client.get(f"/dashboard/{slug}/rounds/{round_.id}/toelichtingen/youth").status_code == 404
        assert text not in client.get(f"/dashboard/{slug}/?round={round_.id}").text

    shown = make_round("Dicht", **CLOSED)
    add_responses(shown, 5, comments={"youth": "van een ander"})
    url = f"/dashboard/{shown.partnership.slug}/rounds/{shown.id}/toelichtingen/youth"
    response = client.get(url)  # a leader of another partnership
    assert response.status_code in (403, 404) and "van een ander" not in response.text
    # Another partnership's round under this partnership's address: 404 too.
    assert client.get(f"/dashboard/{slug}/rounds/{shown.id}/toelichtingen/youth").status_code == 404
    assert app.test_client().get(url).status_code in (302, 401)  # signed out: to the sign-in page


def comments_section(page: str) -> str:
    return page.split('id="comments"')[1].split("</section>")[0]


def test_the_dashboard_reads_the_comments_its_release_fixed(app, client, session, make_round, add_responses, make_user):
    """A release fixes its comments like its figures: the first per dimension in comment order
    and the counts, so no page sorts a big round's comments at every view. A release made
    before comments were stored (NULL) shows the same, read from the comments."""
    from dashboard import queries
    from models import Release

    round_ = make_round("T1", **CLOSED)
    texts = comment_texts(12)
    for text in texts:
        add_responses(round_, 1, comments={"youth": text})  # releases at 5 and 10; 2 wait
    release = session.scalars(select(Release).where(Release.round_id == round_.id).order_by(Release.number)).all()[-1]
    # By hand: "opmerking 0000", "Opmerking 0001", ... fold to the same words, so by number.
    assert (release.number, release.n) == (2, 10)
    assert release.comments == {"first": {"youth": texts[:10]}, "counts": {"youth": 10}}

    make_user("leider@vast.example", round_.partnership)
    login(client, "leider@vast.example")
    url = f"/dashboard/{round_.partnership.slug}/?round={round_.id}"
    stored = comments_section(client.get(url).text)
    assert listed(f"<main>{stored}") == texts[:10]

    def refuse(*args):
        raise AssertionError("the comments were read again")

    original = queries.first_comments, queries.comment_counts
    queries.first_comments = queries.comment_counts = refuse
    try:
        assert comments_section(client.get(url).text) == stored
        assert client.get(f"/dashboard/{round_.partnership.slug}/rounds/{round_.id}/report").status_code == 200
    finally:
        queries.first_comments, queries.comment_counts = original

    release.comments = None  # as a release made before this column
    session.commit()
    assert comments_section(client.get(url).text) == stored

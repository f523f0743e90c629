"""The respondent's path over HTTP, on SQLite and PostgreSQL."""

import html
import re
import threading
from datetime import date, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import event, func, inspect, select

import clock
from extensions import db
from models import Answer, Comment, Draft, Response, ResponseScore, Round
from surveys.instrument import get_instrument

from .by_hand import REVERSE_WORDED_V1
from .conftest import Respondent, csrf_from, uniform_answers

INSTRUMENT = get_instrument(1)
FIRST, SECOND = INSTRUMENT.dimensions[0], INSTRUMENT.dimensions[1]
# The questionnaire's pages, by hand: 1 = urgency + investment, 2 = momentum + youth,
# 3 = levels + daring, 4 = the profile.
PAGE_ONE = FIRST.items + SECOND.items
PROFILE_STEP = 4


def count(session, *models) -> int:
    """Rows in all the given tables together."""
    return sum(session.scalar(select(func.count()).select_from(model)) for model in models)


def varied_answers() -> dict:
    """A realistic mix of values, reverse items and "weet ik niet"."""
    values = ["5", "4", "dk", "2", "3", "1", "4"]
    return {item.key: values[n % len(values)] for n, item in enumerate(INSTRUMENT.items)}


# varied_answers() scored by hand, statement by statement in the order of v1.toml (the
# reverse-worded one, marked ↺, counts as 6 - x; "weet ik niet" does not count):
#   urgency     5, 4, dk↺, 2, 3      -> 14/4 = 3.5
#   investment  1, 4, 5↺=1, 4, dk    -> 10/4 = 2.5   (unflipped it would be 3.5)
#   momentum    2, 3↺=3, 1, 4, 5     -> 15/5 = 3.0
#   youth       4↺=2, dk, 2, 3, 1    -> 8/4  = 2.0   (unflipped 2.5)
#   levels      4, 5, 4, dk, 2↺=4    -> 17/4 = 4.25  (unflipped 3.75)
#   daring      3, 1, 4, 5, 4↺=2     -> 15/5 = 3.0   (unflipped 3.4)
VARIED_SCORES = {"urgency": 3.5, "investment": 2.5, "momentum": 3.0, "youth": 2.0, "levels": 4.25, "daring": 3.0}
VARIED_REVERSE = [
    "urgency_differences_stall",
    "investment_meetings",
    "momentum_national_agreements",
    "youth_own_rules",
    "levels_side_by_side",
    "daring_wait_for_plans",
]


def test_the_worked_example_uses_the_instruments_reverse_items():
    """The example above assumes these positions of the reverse-worded statements."""
    assert [item.key for item in INSTRUMENT.items if item.reverse] == VARIED_REVERSE
    assert set(VARIED_REVERSE) == REVERSE_WORDED_V1
    assert [n for n, item in enumerate(INSTRUMENT.items) if item.reverse] == [2, 7, 11, 15, 24, 29]


def test_complete_questionnaire_stores_one_whole_response_with_correct_scores(respondent, session):
    answers = varied_answers()
    final = respondent.complete(
        answers, comments={"youth": "Meer praten mét jongeren."}, profile={"level": "bestuur", "domain": "onderwijs"}
    )
    assert final.headers["Location"].endswith(f"/s/{respondent.code}/bedankt")

    response = session.scalars(select(Response)).one()
    assert (response.level, response.domain, response.language) == ("bestuur", "onderwijs", "nl")
    assert response.submitted_on == clock.today()
    stored = {answer.item_key: answer.value for answer in response.answers}
    expected = {key: None if raw == "dk" else int(raw) for key, raw in answers.items()}
    assert stored == expected
    assert [(c.dimension, c.text) for c in response.comments] == [("youth", "Meer praten mét jongeren.")]
    scores = {score.dimension: score.score for score in response.scores}
    assert scores == pytest.approx(VARIED_SCORES)
    assert count(session, Draft) == 0

    thanks = respondent.client.get(final.headers["Location"])
    assert thanks.status_code == 200
    assert "Bedankt voor het invullen" in thanks.text
    shown = re.findall(r'<td class="num">([^<]*)</td>', thanks.text.split('class="scores"')[1].split("</table>")[0])
    assert shown == ["3,5", "2,5", "3,0", "2,0", "4,2", "3,0"]  # the respondent's own scores, one decimal (4.25 -> 4,2)
    radar = thanks.text.split('<svg id="own-scores"')[1].split("</svg>")[0]
    assert len(re.findall(r'<circle class="radar-point"', radar)) == 6 and 'class="radar-shape"' in radar
    labels = radar.split('class="radar-axis"')[1:]
    axes = [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", label)) for label in labels]
    assert axes == [dimension.title.nl for dimension in INSTRUMENT.dimensions]


def test_missing_answer_is_marked_and_nothing_filled_in_is_lost(respondent, session):
    answers = {item.key: "4" for item in PAGE_ONE[1:]}
    response = respondent.post(1, {**answers, "comment-urgency": "Goed begin."}, follow=True)
    assert response.status_code == 422
    html = response.text
    assert response.history[0].status_code == 302  # post/redirect/get: no resubmission warning
    assert 'class="error-summary"' in html
    assert f'href="#{FIRST.items[0].key}-0"' in html  # the summary links to the field
    assert "Kies een antwoord bij deze stelling." in html
    assert f'id="{FIRST.items[0].key}-error"' in html
    assert html.count("Kies een antwoord bij deze stelling.") == 2  # one missing: in the summary and at it
    for item in PAGE_ONE[1:]:
        assert (
            f'id="{item.key}-3" name="{item.key}" required type="radio" value="4" checked'
            in html.replace("checked ", "")
            or f'checked id="{item.key}-3"' in html
        )
    assert "Goed begin." in html

    # A reload shows the same answers (kept in the draft), and no response exists yet.
    reloaded = respondent.client.get(respondent.url(1))
    assert reloaded.text.count("checked") == len(PAGE_ONE) - 1 == 9
    assert count(session, Response) == 0

    corrected = respondent.post(1, {**answers, FIRST.items[0].key: "dk", "comment-urgency": "Goed begin."})
    assert corrected.status_code == 302


def test_answers_survive_page_changes_and_reloads(respondent):
    respondent.post(1, {item.key: "2" for item in PAGE_ONE})
    third = INSTRUMENT.dimensions[2]  # the first dimension of page 2
    back = respondent.post(2, {third.items[0].key: "5"}, action="back")  # incomplete, going back is fine
    assert back.status_code == 302 and back.headers["Location"].endswith("/1")
    page_one = respondent.client.get(respondent.url(1)).text
    assert page_one.count("checked") == len(PAGE_ONE) == 10
    page_two = respondent.client.get(respondent.url(2)).text
    assert f'checked id="{third.items[0].key}-4"' in page_two


def test_over_long_comment_is_explained_and_kept(respondent):
    limit = INSTRUMENT.comment_max_length
    long_text = "x" * (limit + 5)
    response = respondent.post(1, {**{i.key: "3" for i in PAGE_ONE}, "comment-investment": long_text}, follow=True)
    assert response.status_code == 422
    assert f"Je toelichting is {limit + 5} tekens lang; er passen er {limit}." in response.text
    assert long_text in response.text  # not silently cut
    # The error is at the second dimension's comment, and the summary names that dimension.
    assert 'id="comment-investment-error"' in response.text and 'id="comment-urgency-error"' not in response.text
    assert 'href="#comment-investment"' in response.text
    assert "(Toelichting bij Investeren in de samenwerking (niet verplicht))" in response.text
    fine = respondent.post(1, {**{i.key: "3" for i in PAGE_ONE}, "comment-investment": "x" * limit})
    assert fine.status_code == 302


def test_a_page_holds_two_dimensions_each_with_heading_description_and_its_own_comment(respondent, session):
    page = respondent.client.get(respondent.url(1)).text
    assert "Stap 1 van 4" in page
    title = re.search(r"<title>([^<]*)</title>", page).group(1)
    assert html.unescape(title).startswith(
        "Gedeelde urgentie en ambitie · Investeren in de samenwerking · Stap 1 van 4"
    )
    for dimension in (FIRST, SECOND):
        assert f'<h2 id="dimension-{dimension.key}">{dimension.title.nl}</h2>' in page
        assert html.escape(dimension.description.nl, quote=False) in page
        assert (
            f'<label for="comment-{dimension.key}">Toelichting bij {dimension.title.nl} (niet verplicht)</label>'
            in page
        )
        assert f'name="comment-{dimension.key}"' in page
    assert INSTRUMENT.dimensions[2].title.nl not in page
    assert page.count('type="radio"') == 10 * 6  # 5 + 5 statements, five answers and "weet ik niet"
    assert [int(n) for n in re.findall(r'<span class="number">(\d+)\.</span>', page)] == list(range(1, 11))

    # Both comments go to the draft by their dimension's key: the draft's format of one page a dimension.
    answers = {item.key: "4" for item in PAGE_ONE}
    respondent.post(1, {**answers, "comment-urgency": "Eerste.", "comment-investment": "Tweede."})
    data = session.scalars(select(Draft.data)).one()
    assert data == {"answers": answers, "comments": {"urgency": "Eerste.", "investment": "Tweede."}, "profile": {}}
    again = respondent.client.get(respondent.url(1)).text
    assert re.search(r"name=\"comment-urgency\"[^>]*>\s*Eerste.</textarea>", again)
    assert re.search(r"name=\"comment-investment\"[^>]*>\s*Tweede.</textarea>", again)

    second_page = respondent.client.get(respondent.url(2)).text
    assert "Stap 2 van 4" in second_page and INSTRUMENT.dimensions[2].title.nl in second_page
    assert INSTRUMENT.dimensions[3].title.nl in second_page
    assert "Stap 4 van 4" in respondent.client.get(respondent.url(PROFILE_STEP)).text
    assert respondent.client.get(respondent.url(5)).status_code == 404


def test_submit_with_an_incomplete_earlier_page_sends_the_respondent_back_to_it(respondent, session):
    answers = uniform_answers("3")
    for step in (1, 3):  # page 2 skipped (pages can be reached by URL)
        respondent.post(step, respondent.page_data(step, answers))
    final = respondent.post(4, {"level": "beleid", "domain": "gemeente"})
    assert final.status_code == 302 and "/2?check=1" in final.headers["Location"]
    page = respondent.client.get(final.headers["Location"])
    assert page.status_code == 422
    # momentum and youth: 5 + 5 statements, each marked beside it and in the summary
    assert page.text.count("Kies een antwoord bij deze stelling.") == 2 * 10
    assert count(session, Response) == 0


def test_the_same_submission_posted_twice_stores_one_response(respondent, session):
    answers = uniform_answers("4")
    token = respondent.answer_statements(answers)
    data = {"level": "werkvloer", "domain": "jongere", "csrf_token": token, "action": "next"}
    first = respondent.client.post(respondent.url(PROFILE_STEP), data=data)
    again = respondent.client.post(respondent.url(PROFILE_STEP), data=data)  # double click / resend
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"].endswith("/bedankt")
    assert count(session, Response) == 1
    assert count(session, Answer) == len(INSTRUMENT.items)
    # The back button to a questionnaire page leads to the thank-you page, not a new response.
    assert respondent.client.get(respondent.url(3)).headers["Location"].endswith("/bedankt")


def test_a_copied_session_cookie_posting_after_submission_stores_nothing(app, respondent, session):
    """Two tabs (or a request that raced the first): the second finds its draft gone."""
    answers = uniform_answers("5")
    token = respondent.answer_statements(answers)
    other_tab = app.test_client()
    other_tab.set_cookie("session", respondent.client.get_cookie("session").value)
    data = {"level": "beleid", "domain": "anders", "csrf_token": token, "action": "next"}
    assert respondent.client.post(respondent.url(PROFILE_STEP), data=data).status_code == 302
    late = other_tab.post(respondent.url(PROFILE_STEP), data=data)
    assert late.status_code == 302 and late.headers["Location"].endswith("/bedankt")
    assert "al ontvangen" in other_tab.get(late.headers["Location"]).text
    assert count(session, Response) == 1


def test_submitting_two_hours_after_opening_the_page_loses_nothing(respondent, session):
    answers = uniform_answers("2")
    token = respondent.answer_statements(answers)
    with freeze_time(datetime.now() + timedelta(hours=2, minutes=5)):
        final = respondent.client.post(
            respondent.url(PROFILE_STEP),
            data={"level": "beleid", "domain": "zorg_jeugdhulp", "csrf_token": token, "action": "next"},
        )
    assert final.status_code == 302 and final.headers["Location"].endswith("/bedankt")
    assert count(session, Response) == 1


def test_post_without_csrf_token_is_refused_and_stores_nothing(respondent, session):
    response = respondent.client.post(respondent.url(1), data={i.key: "3" for i in FIRST.items})
    assert response.status_code == 400
    assert "konden we niet verwerken" in response.text
    assert count(session, Draft) == 0


@pytest.mark.parametrize("value", ["6", "0", "-1", "abc", "3.5", "", "1e3", "<script>"])
def test_out_of_range_values_get_a_clear_message(respondent, value):
    data = {i.key: "3" for i in FIRST.items}
    data[FIRST.items[2].key] = value
    response = respondent.post(1, data, follow=True)
    assert response.status_code == 422
    assert "Kies een antwoord bij deze stelling." in response.text
    assert "<script>" not in response.text.split("</header>")[1].split("<footer")[0].replace("</script>", "")


def test_unknown_profile_option_is_refused(respondent):
    response = respondent.post(PROFILE_STEP, {"level": "directeur", "domain": "gemeente"}, follow=True)
    assert response.status_code == 422
    assert "Kies een antwoord bij deze vraag." in response.text


def test_unknown_code_gets_a_clear_404(client):
    response = client.get("/s/doesnotexist")
    assert response.status_code == 404
    assert "Deze link kennen we niet" in response.text
    assert client.get("/s/doesnotexist/1").status_code == 404
    english = client.get("/s/doesnotexist?lang=en")
    assert english.status_code == 404 and "We don't recognise this link" in english.text


def test_round_not_yet_open_gets_403_with_the_opening_day(client, make_round, session):
    round_ = make_round(opens_on=clock.today() + timedelta(days=3), closes_on=clock.today() + timedelta(days=20))
    response = client.get(f"/s/{round_.public_code}")
    assert response.status_code == 403
    assert "nog niet geopend" in response.text
    assert str((clock.today() + timedelta(days=3)).day) in response.text
    # A post with a valid CSRF token (one per session: taken from the sign-in page) reaches
    # the view, which refuses it the same way and saves nothing.
    token = csrf_from(client.get("/inloggen").text)
    data = {**{i.key: "3" for i in FIRST.items}, "csrf_token": token, "action": "next"}
    posted = client.post(f"/s/{round_.public_code}/1", data=data)
    assert posted.status_code == 403 and "nog niet geopend" in posted.text
    assert count(session, Draft) == 0


def test_closed_round_gets_410_in_both_languages(client, make_round):
    round_ = make_round(opens_on=clock.today() - timedelta(days=30), closes_on=clock.today() - timedelta(days=1))
    response = client.get(f"/s/{round_.public_code}")
    assert response.status_code == 410 and "Deze vragenlijst is gesloten" in response.text
    english = client.get(f"/s/{round_.public_code}/2?lang=en")
    assert english.status_code == 410 and "This questionnaire is closed" in english.text


def test_round_closing_while_filling_in_stores_nothing(respondent, session):
    answers = uniform_answers("3")
    token = respondent.answer_statements(answers)
    round_ = session.scalars(select(Round)).one()
    round_.closed_early = True
    session.commit()
    late = respondent.client.post(
        respondent.url(PROFILE_STEP),
        data={"level": "beleid", "domain": "gemeente", "csrf_token": token, "action": "next"},
    )
    assert late.status_code == 410
    assert "Deze vragenlijst is gesloten" in late.text
    assert count(session, Response, Answer, ResponseScore) == 0


def test_a_failing_submission_is_rolled_back_whole(app, respondent, session):
    answers = uniform_answers("4")
    token = respondent.answer_statements(answers)

    def fail(conn, cursor, statement, *args):  # the database refuses the scores half-way through
        if statement.startswith("INSERT INTO response_score"):
            raise RuntimeError("disk full")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        failed = respondent.client.post(
            respondent.url(PROFILE_STEP),
            data={"level": "beleid", "domain": "gemeente", "csrf_token": token, "action": "next"},
        )
    finally:
        event.remove(engine, "before_cursor_execute", fail)
    assert failed.status_code == 500
    assert "niets half opgeslagen" in failed.text
    assert count(session, Response, Answer, Comment) == 0
    assert count(session, Draft) == 1  # the answers are still there to try again
    retry = respondent.post(PROFILE_STEP, {"level": "beleid", "domain": "gemeente"})
    assert (
        retry.status_code == 302 and count(session, Response) == 1 and count(session, Answer) == len(INSTRUMENT.items)
    )


def test_nothing_on_a_response_identifies_the_respondent(app, respondent, session):
    respondent.complete(uniform_answers("4"))
    columns = {column["name"] for column in inspect(session.bind).get_columns("response")}
    # release_number: the release it first counts in, a batch of at least MIN_GROUP_SIZE.
    assert columns == {"id", "round_id", "submitted_on", "level", "domain", "language", "release_number"}
    stored = session.scalars(select(Response)).one()
    assert type(stored.submitted_on) is date  # the day, never a time
    for table in ("answer", "comment", "response_score"):
        names = {column["name"] for column in inspect(session.bind).get_columns(table)}
        assert not names & {"ip", "ip_address", "user_agent", "email", "user_id", "created_at"}


def test_questionnaire_in_english(respondent, session):
    intro = respondent.client.get(f"/s/{respondent.code}?lang=en")
    assert intro.status_code == 200
    assert 'lang="en"' in intro.text
    assert "How you stay anonymous" in intro.text
    page = respondent.client.get(respondent.url(1))
    assert FIRST.items[0].text.en in page.text and FIRST.title.en in page.text
    assert "Strongly agree" in page.text and "Don't know / not applicable" in html.unescape(page.text)
    respondent.complete(uniform_answers("5"))
    assert session.scalars(select(Response)).one().language == "en"
    thanks = respondent.client.get(f"/s/{respondent.code}/bedankt")
    assert "Thanks for filling this in!" in thanks.text


def test_intro_tells_time_needed_and_how_anonymity_is_protected(respondent):
    intro = respondent.client.get(f"/s/{respondent.code}")
    assert intro.status_code == 200
    assert f"ongeveer {INSTRUMENT.minutes} minuten" in intro.text
    assert "30 stellingen in 4 korte stappen" in intro.text  # three pages of two dimensions, and the profile
    assert "IP-adres" in intro.text
    assert "minstens 5 mensen" in intro.text


def test_every_page_sends_security_headers_and_no_inline_script(respondent):
    for url in (f"/s/{respondent.code}", respondent.url(1), respondent.url(PROFILE_STEP)):
        response = respondent.client.get(url)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "<script>" not in response.text


def test_restart_lets_someone_else_fill_in_on_the_same_device(respondent, session):
    respondent.complete(uniform_answers("4"))
    thanks = respondent.client.get(f"/s/{respondent.code}/bedankt")
    restarted = respondent.client.post(f"/s/{respondent.code}/opnieuw", data={"csrf_token": csrf_from(thanks.text)})
    assert restarted.status_code == 302
    assert respondent.client.get(respondent.url(1)).status_code == 200
    Respondent(respondent.client, respondent.code).complete(uniform_answers("2"))
    assert count(session, Response) == 2


def test_control_characters_in_a_comment_are_dropped_not_a_500(respondent, session):
    answers = uniform_answers("3")
    respondent.complete(answers, comments={"urgency": "Goed\x01 bezig\x07\nnieuwe regel\u2028en nog een"})
    assert session.scalars(select(Comment.text)).one() == "Goed bezig\nnieuwe regel\nen nog een"


def test_a_nul_in_a_comment_is_refused_with_a_page_that_says_so(respondent, session):
    page = respondent.post(1, respondent.page_data(1, uniform_answers("3"), {"urgency": "Goed\x00 bezig"}))
    assert page.status_code == 400 and "onzichtbaar stuurteken" in page.text
    assert count(session, Draft) == 0  # refused before anything was saved


def test_intro_offers_to_continue_where_the_respondent_left_off(respondent):
    assert "Begin met de vragenlijst" in respondent.client.get(f"/s/{respondent.code}").text
    answers = uniform_answers("3")
    respondent.post(1, respondent.page_data(1, answers))
    respondent.post(2, respondent.page_data(2, answers))
    intro = respondent.client.get(f"/s/{respondent.code}").text
    assert "Ga verder waar je was" in intro and f'href="/s/{respondent.code}/3"' in intro


def test_simultaneous_posts_of_the_same_submission_store_one_response_and_no_error(app, respondent, session):
    """A double click lands as several requests at once, all with the same cookie."""
    answers = uniform_answers("4")
    token = respondent.answer_statements(answers)
    data = {"level": "beleid", "domain": "gemeente", "csrf_token": token, "action": "next"}
    cookie = respondent.client.get_cookie("session").value
    clients = [app.test_client() for _ in range(4)]
    for other in clients:
        other.set_cookie("session", cookie)
    barrier = threading.Barrier(len(clients))
    statuses = []

    def post(other):
        barrier.wait()
        statuses.append(other.post(respondent.url(PROFILE_STEP), data=data).status_code)

    threads = [threading.Thread(target=post, args=(other,)) for other in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(clients)
    assert count(session, Response) == 1
    assert count(session, Answer) == len(INSTRUMENT.items)


def test_comment_field_has_no_maxlength_that_would_cut_silently(respondent):
    page = respondent.client.get(respondent.url(1)).text
    assert 'id="comment-urgency"' in page and 'id="comment-investment"' in page and "maxlength" not in page


def test_a_cleaned_up_draft_starts_afresh_instead_of_claiming_it_was_sent(respondent, session):
    respondent.post(1, respondent.page_data(1, uniform_answers("3")))
    session.execute(Draft.__table__.delete())
    session.commit()
    page = respondent.client.get(respondent.url(1))
    assert page.status_code == 200 and "checked" not in page.text
    respondent.complete(uniform_answers("3"))
    assert count(session, Response) == 1


def test_thank_you_page_is_only_for_who_submitted(respondent):
    first_visit = respondent.client.get(f"/s/{respondent.code}/bedankt")
    assert first_visit.status_code == 302 and first_visit.headers["Location"].endswith(f"/s/{respondent.code}")


def test_own_scores_are_shown_once_so_the_next_person_on_the_device_does_not_see_them(respondent):
    respondent.complete(uniform_answers("4"))
    first = respondent.client.get(f"/s/{respondent.code}/bedankt").text
    assert "Jouw scores" in first
    again = respondent.client.get(f"/s/{respondent.code}/bedankt").text
    assert "Jouw scores" not in again and "al ontvangen" in again
    intro = respondent.client.get(f"/s/{respondent.code}").text
    assert "al ingevuld en verstuurd" in intro and "Start een nieuwe vragenlijst" in intro


def test_language_switch_on_a_questionnaire_page_saves_what_was_filled_in(respondent):
    chosen = {FIRST.items[0].key: "5", FIRST.items[1].key: "dk"}
    switched = respondent.post(1, chosen, action="lang:en")
    assert switched.status_code == 302 and switched.headers["Location"].endswith(respondent.url(1))
    page = respondent.client.get(respondent.url(1)).text
    assert FIRST.title.en in page
    assert f'checked id="{FIRST.items[0].key}-4"' in page and f'checked id="{FIRST.items[1].key}-5"' in page


@pytest.mark.parametrize("query", ["_method=POST", "_external=1", "_anchor=x", "lang=xx", "check=1&check=2"])
def test_odd_query_arguments_never_cause_an_error(respondent, query):
    for path in ("/", f"/s/{respondent.code}", respondent.url(2), f"/s/{respondent.code}/bedankt", "/s/unknown"):
        assert respondent.client.get(f"{path}?{query}").status_code < 500


def test_the_thank_you_page_explains_that_reverse_worded_statements_are_turned_round(respondent):
    """The respondent who agreed with "Onze overleggen kosten veel tijd, maar leveren weinig
    op" and sees a low score learns why, with a reverse-worded statement of their own round."""
    finished = respondent.complete(uniform_answers("5"))
    page = respondent.client.get(finished.headers["Location"]).text
    explained = re.search(r'id="reverse-explained">(.*?)</p>', page, re.S).group(1)
    first_reverse = next(item for item in INSTRUMENT.items if item.reverse)
    assert html.unescape(explained).startswith(
        f"Sommige stellingen zijn omgekeerd geformuleerd, zoals ‘{first_reverse.text.nl.rstrip('.')}’."
    )
    assert "een 5 telt als 1, een 4 als 2" in explained


def test_an_instrument_with_an_odd_number_of_dimensions_ends_on_a_page_of_one(respondent, session, monkeypatch):
    """Five dimensions: pages 1+2, 3+4, 5 alone, then the profile (the rule of surveys/pages.py
    through the views: the forms, the draft, the resume link and the submission)."""
    import dataclasses

    import surveys.views

    five = dataclasses.replace(INSTRUMENT, dimensions=INSTRUMENT.dimensions[:5])
    monkeypatch.setattr(surveys.views, "get_instrument", lambda version=None: five)
    answers = uniform_answers("4")
    respondent.post(1, respondent.page_data(1, answers))
    respondent.post(2, respondent.page_data(2, answers))
    assert f'href="/s/{respondent.code}/3"' in respondent.client.get(f"/s/{respondent.code}").text
    page = respondent.client.get(respondent.url(3)).text
    assert "Stap 3 van 4" in page and INSTRUMENT.dimensions[4].title.nl in page
    assert INSTRUMENT.dimensions[5].title.nl not in page and page.count('type="radio"') == 5 * 6
    levels = {item.key: "2" for item in INSTRUMENT.dimensions[4].items}
    assert respondent.post(3, {**levels, "comment-levels": "Alleen deze."}).status_code == 302
    final = respondent.post(4, {"level": "beleid", "domain": "gemeente"})
    assert final.status_code == 302 and final.headers["Location"].endswith("/bedankt")
    response = session.scalars(select(Response)).one()
    assert len(response.answers) == 25 and [(c.dimension, c.text) for c in response.comments] == [
        ("levels", "Alleen deze.")
    ]
    assert respondent.client.get(respondent.url(5)).status_code == 404  # four pages, no fifth

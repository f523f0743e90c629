"""From results to agreements (issue 10): the discussion guide chosen from released figures,
notes per point, agreed actions with their experiment log and exports, and timeline notes.
Data through the real submission code (add_responses); pages over HTTP as a leader, a viewer,
a coordinator and a stranger."""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

import clock
from models import Action, AuditEvent, Coordinatorship, GuideNote, Partnership, Programme, TimelineNote, User

from .conftest import csrf_from, login

DAY = timedelta(days=1)


def scores(per_dimension: dict, default: int = 4, unknown: dict | None = None):
    """Answers that give each respondent exactly the dimension score asked (reverse-worded
    statements answered mirrored); `per_dimension` values may be functions of n. `unknown`:
    {statement key: how many of the first respondents answer "weet ik niet"}."""

    def value(n, item):
        if unknown and n < unknown.get(item.key, 0):
            return None
        target = per_dimension.get(item.dimension, default)
        target = target(n) if callable(target) else target
        return 6 - target if item.reverse else target

    return value


def closed(days_ago: int) -> dict:
    opens = clock.today() - timedelta(days=days_ago)
    return {"opens_on": opens, "closes_on": opens + timedelta(days=10)}


def signed_in(client, email):
    assert login(client, email).status_code == 302
    return client


def post_form(client, page: str, data: dict, action: str | None = None):
    html = client.get(page)
    assert html.status_code == 200, (page, html.status_code)
    return client.post(action or page, data={**data, "csrf_token": csrf_from(html.text)})


def guide_keys(html: str) -> list[str]:
    return re.findall(r'<li class="guide-point" id="([^"]+)"', html)


def audit(session, partnership_id) -> list[tuple[str, str]]:
    session.expire_all()
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.detail)
        .where(AuditEvent.partnership_id == partnership_id)
        .order_by(AuditEvent.id)
    )
    return [tuple(row) for row in rows]


# --- the guide's points, from hand-chosen answers -------------------------------------------------


@pytest.fixture
def two_rounds(make_round, add_responses, make_user):
    """T1: investment clearly weakest (2), urgency next (3), the rest 4; one statement split 1/5;
    4 of 10 don't know about governance. T2: investment 4 (a real rise), urgency noisy and flat."""
    t1 = make_round("T1", **closed(80))
    t2 = make_round("T2", partnership=t1.partnership, **closed(40))
    split = {"daring": 4}
    t1_answers = scores({"investment": 2, "urgency": 3, **split}, unknown={"levels_governance": 4})

    def with_split(n, item):  # daring_try_out: half "helemaal oneens", half "helemaal eens"
        return (1 if n % 2 else 5) if item.key == "daring_try_out" else t1_answers(n, item)

    add_responses(t1, 10, with_split)
    add_responses(t2, 10, scores({"investment": 4, "urgency": lambda n: 4 if n < 6 else 2}))
    make_user("leider@p.example", t1.partnership)
    make_user("kijker@p.example", t1.partnership, "viewer")
    return t1, t2


def test_the_guide_names_the_weakest_the_split_statement_and_the_unknown_share(client, two_rounds):
    t1, _ = two_rounds
    signed_in(client, "kijker@p.example")
    page = client.get(f"/dashboard/{t1.partnership.slug}/rounds/{t1.id}/gespreksleidraad")
    assert page.status_code == 200
    # Investment 2.0 and urgency 3.0 are the two lowest (by hand); daring_try_out (sd 2.1) the
    # only spread of 1 or more; 4 of 10 = 40% "weet ik niet" on the governance statement.
    assert guide_keys(page.text) == [
        "weakest-investment",
        "weakest-urgency",
        "disagreement-daring_try_out",
        "unknown-levels_governance",
    ]
    assert "Wie moet er nog aan tafel komen?" in page.text  # a question of weakest:investment
    assert "Gemiddeld 2,0 op 5 (n=10)" in page.text
    assert "40%" in page.text and "(4 van 10)" in page.text
    assert "rode draad 2, Investeren in de samenwerking" in page.text


def test_the_next_round_shows_the_real_change_and_not_the_flat_one(client, two_rounds):
    t1, t2 = two_rounds
    signed_in(client, "leider@p.example")
    page = client.get(f"/dashboard/{t1.partnership.slug}/rounds/{t2.id}/gespreksleidraad").text
    keys = guide_keys(page)
    assert "change-investment" in keys  # 2.0 -> 4.0, nobody differing: larger than chance
    assert "change-urgency" not in keys  # 3.0 -> 3.2 with a spread of 1: within chance
    assert "Van 2,0 in T1 naar 4,0" in page


def test_the_english_guide_has_the_english_questions(client, two_rounds):
    t1, _ = two_rounds
    signed_in(client, "leider@p.example")
    page = client.get(f"/dashboard/{t1.partnership.slug}/rounds/{t1.id}/gespreksleidraad?lang=en").text
    assert "Who still has to come to the table?" in page
    assert "Wie moet er nog aan tafel komen?" not in page
    assert "Make this an agreed action" in page


@pytest.fixture
def levels_round(make_round, add_responses, make_user):
    round_ = make_round("T1", **closed(30))
    add_responses(round_, 5, scores({"levels": 2}), level="werkvloer")
    add_responses(round_, 5, scores({"levels": 4}), level="bestuur")
    make_user("leider@l.example", round_.partnership)
    return round_


def test_levels_that_differ_by_two_points_are_a_point_of_the_guide(client, levels_round):
    signed_in(client, "leider@l.example")
    page = client.get(f"/dashboard/{levels_round.partnership.slug}/rounds/{levels_round.id}/gespreksleidraad").text
    assert "level-gap-levels" not in page  # the anchor is kind-key with ":" -> "-"
    assert "level_gap-levels" in guide_keys(page)
    assert "Bestuur 4,0, Uitvoerend / werkvloer 2,0: 2,0 punt verschil" in page
    assert "Is er een wethouder die ons vaste aanspreekpunt is?" in page


def test_a_group_below_the_threshold_never_drives_a_point(client, make_round, add_responses, make_user):
    round_ = make_round("T1", **closed(30))
    # Four board members far apart from six on the work floor: four is below the threshold of 5.
    add_responses(round_, 4, scores({"levels": 1, "youth": 1}), level="bestuur", domain="onderwijs")
    add_responses(round_, 6, scores({"levels": 4, "youth": 4}), level="werkvloer", domain="gemeente")
    make_user("leider@k.example", round_.partnership)
    signed_in(client, "leider@k.example")
    page = client.get(f"/dashboard/{round_.partnership.slug}/rounds/{round_.id}/gespreksleidraad").text
    keys = guide_keys(page)
    assert keys, "the round itself is shown"
    assert not [key for key in keys if key.startswith(("level_gap", "domain_gap"))]
    assert "Bestuur" not in page and "Onderwijs" not in page


def test_a_round_hidden_until_it_closes_shows_a_notice_and_no_points(client, make_round, add_responses, make_user):
    round_ = make_round("T1", hide_results_while_open=True)
    add_responses(round_, 10, scores({"investment": 1}))
    make_user("leider@h.example", round_.partnership)
    signed_in(client, "leider@h.example")
    page = client.get(f"/dashboard/{round_.partnership.slug}/rounds/{round_.id}/gespreksleidraad")
    assert page.status_code == 200
    assert guide_keys(page.text) == []
    assert "verborgen tot de meting sluit" in page.text
    # Nor can a note be posted to a point it would have.
    token = csrf_from(page.text)
    url = f"/dashboard/{round_.partnership.slug}/rounds/{round_.id}/gespreksleidraad/weakest:investment"
    assert client.post(url, data={"csrf_token": token, "weakest:investment-text": "x"}).status_code == 404


# --- notes per point -----------------------------------------------------------------------------


def test_a_leader_saves_a_note_per_point_and_a_viewer_reads_it(app, client, session, two_rounds):
    t1, _ = two_rounds
    slug = t1.partnership.slug
    guide = f"/dashboard/{slug}/rounds/{t1.id}/gespreksleidraad"
    signed_in(client, "leider@p.example")
    response = post_form(
        client,
        guide,
        {"weakest:investment-text": "Het UWV uitnodigen voor de stuurgroep."},
        guide + "/weakest:investment",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#weakest-investment")
    notes = session.scalars(select(GuideNote)).all()
    assert [(n.round_id, n.point_key, n.text) for n in notes] == [
        (t1.id, "weakest:investment", "Het UWV uitnodigen voor de stuurgroep.")
    ]
    assert audit(session, t1.partnership_id) == [("guide.note", "T1: weakest:investment")]
    # Too long: a Dutch message, the text kept, nothing stored.
    long = "x" * 2001
    response = post_form(client, guide, {"weakest:investment-text": long}, guide + "/weakest:investment")
    assert response.status_code == 422
    assert "Dit is te lang: hier passen hoogstens 2000 tekens." in response.text and long in response.text
    # The button to an action carries the note as its title.
    page = client.get(guide).text
    assert "title=Het+UWV+uitnodigen+voor+de+stuurgroep." in page.replace("%20", "+")
    viewer = app.test_client()
    signed_in(viewer, "kijker@p.example")
    page = viewer.get(guide).text
    assert "Het UWV uitnodigen voor de stuurgroep." in page
    assert "Maak hier een afspraak van" not in page and "<textarea" not in page
    data = {"weakest:investment-text": "van een kijker", "csrf_token": csrf_from(page)}
    assert viewer.post(guide + "/weakest:investment", data=data).status_code == 404
    session.expire_all()
    assert session.scalar(select(GuideNote.text)) == "Het UWV uitnodigen voor de stuurgroep."


# --- agreed actions ----------------------------------------------------------------------------------


def action_data(**fields) -> dict:
    data = {"title": "UWV aan tafel", "dimensions": ["investment"], "owner": "projectleider", "status": "gepland"}
    return {**data, **fields}


def test_an_actions_lifecycle_by_a_leader_every_change_in_the_audit_log(client, session, two_rounds):
    t1, _ = two_rounds
    slug = t1.partnership.slug
    signed_in(client, "leider@p.example")
    new = f"/dashboard/{slug}/afspraken/nieuw?round={t1.id}&point=weakest:investment&dimension=investment"
    form = client.get(new).text
    assert (
        'value="investment" checked' in form
        or 'checked value="investment"' in form
        or re.search(r'<input[^>]*checked[^>]*value="investment"|<input[^>]*value="investment"[^>]*checked', form)
    )
    assert re.search(rf'<option selected value="{t1.id}">|<option value="{t1.id}" selected>', form)
    response = client.post(
        new, data={**action_data(round_id=str(t1.id), due_on="2027-03-15"), "csrf_token": csrf_from(form)}
    )
    assert response.status_code == 302
    (action,) = session.scalars(select(Action)).all()
    assert (action.title, action.dimensions, action.round_id, action.point_key, action.status.value) == (
        "UWV aan tafel",
        ["investment"],
        t1.id,
        "weakest:investment",
        "gepland",
    )
    edit = f"/dashboard/{slug}/afspraken/{action.id}/"
    response = post_form(
        client,
        edit,
        action_data(
            status="bezig", dimensions=["levels", "investment"], round_id=str(t1.id), note="Eerste gesprek gehad"
        ),
    )
    assert response.status_code == 302
    session.expire_all()
    action = session.get(Action, action.id)
    assert action.status.value == "bezig" and action.dimensions == ["investment", "levels"]  # instrument order
    page = client.get(f"/dashboard/{slug}/afspraken/").text
    assert "UWV aan tafel" in page and "bezig" in page and "Eerste gesprek gehad" in page
    delete = post_form(client, edit, {}, f"/dashboard/{slug}/afspraken/{action.id}/verwijderen")
    assert delete.status_code == 302
    assert session.scalars(select(Action)).all() == []
    log = audit(session, t1.partnership_id)
    assert [what for what, _detail in log] == ["action.create", "action.update", "action.delete"]
    assert "status: gepland → bezig" in log[1][1] and "dimensions:" in log[1][1]
    labels = client.get(f"/beheer/{slug}/logboek").text
    assert "afspraak gemaakt" in labels and "afspraak gewijzigd" in labels and "afspraak verwijderd" in labels


def test_a_viewer_reads_actions_but_cannot_post_or_see_edit_buttons(app, client, session, two_rounds):
    t1, _ = two_rounds
    slug = t1.partnership.slug
    signed_in(client, "leider@p.example")
    post_form(client, f"/dashboard/{slug}/afspraken/nieuw", action_data())
    action = session.scalar(select(Action))
    viewer = app.test_client()
    signed_in(viewer, "kijker@p.example")
    page = viewer.get(f"/dashboard/{slug}/afspraken/")
    assert page.status_code == 200 and "UWV aan tafel" in page.text
    assert "Nieuwe afspraak" not in page.text and "Wijzigen" not in page.text
    token = csrf_from(page.text)  # a real token (of the sign-out form): the refusal is the role's
    for url in (f"/dashboard/{slug}/afspraken/nieuw", f"/dashboard/{slug}/afspraken/{action.id}/"):
        assert viewer.get(url).status_code == 404
        assert viewer.post(url, data={**action_data(title="kaping"), "csrf_token": token}).status_code == 404
    assert (
        viewer.post(f"/dashboard/{slug}/afspraken/{action.id}/verwijderen", data={"csrf_token": token}).status_code
        == 404
    )
    session.expire_all()
    assert session.scalar(select(Action.title)) == "UWV aan tafel"


def test_a_coordinator_and_another_partnerships_leader_get_404(app, client, session, two_rounds, make_round, make_user):
    t1, _ = two_rounds
    programme = Programme(slug="prog", name="Programma")
    session.add(programme)
    session.commit()
    partnership = session.get(Partnership, t1.partnership_id)
    partnership.programme_id = programme.id
    session.commit()
    make_user("coord@p.example")
    session.add(
        Coordinatorship(
            user_id=session.scalar(select(User.id).where(User.email == "coord@p.example")), programme_id=programme.id
        )
    )
    session.commit()
    other = make_round("Elders")
    make_user("leider@elders.example", other.partnership)
    slug = t1.partnership.slug
    urls = [
        f"/dashboard/{slug}/afspraken/",
        f"/dashboard/{slug}/afspraken/nieuw",
        f"/dashboard/{slug}/afspraken/export.csv",
        f"/dashboard/{slug}/rounds/{t1.id}/gespreksleidraad",
        f"/dashboard/{slug}/tijdlijn/",
    ]
    for email in ("coord@p.example", "leider@elders.example"):
        visitor = app.test_client()
        signed_in(visitor, email)
        assert [visitor.get(url).status_code for url in urls] == [404] * len(urls), email
    # Another partnership's round in our URL: 404 too.
    leader = signed_in(app.test_client(), "leider@p.example")
    assert leader.get(f"/dashboard/{slug}/rounds/{other.id}/gespreksleidraad").status_code == 404


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "x" * 201}, "Dit is te lang: hier passen hoogstens 200 tekens."),
        ({"title": ""}, "Vul in wat jullie gaan doen."),
        ({"dimensions": ["vriendschap"]}, "Kies alleen dimensies uit de lijst."),
        ({"dimensions": []}, "Kies minstens één dimensie."),
        ({"due_on": "2027-02-31"}, "Dit is geen geldige datum."),
        ({"status": "vergeten"}, "Not a valid choice|Geen geldige keuze|Ongeldige keuze"),
        ({"note": "x" * 2001}, "Dit is te lang: hier passen hoogstens 2000 tekens."),
        ({"owner": "a\x07b"}, "onzichtbare stuurtekens"),
    ],
)
def test_bad_action_input_is_refused_in_dutch_and_the_form_reshown(client, session, two_rounds, fields, message):
    t1, _ = two_rounds
    signed_in(client, "leider@p.example")
    response = post_form(client, f"/dashboard/{t1.partnership.slug}/afspraken/nieuw", action_data(**fields))
    assert response.status_code == 422
    assert re.search(message, response.text), response.text[:3000]
    assert session.scalars(select(Action)).all() == []


def test_a_round_of_another_partnership_is_refused(client, session, two_rounds, make_round):
    t1, _ = two_rounds
    foreign = make_round("Elders")
    signed_in(client, "leider@p.example")
    response = post_form(
        client, f"/dashboard/{t1.partnership.slug}/afspraken/nieuw", action_data(round_id=str(foreign.id))
    )
    assert response.status_code == 422 and "Kies een meting van dit samenwerkingsverband." in response.text
    assert session.scalars(select(Action)).all() == []


def test_overdue_open_actions_are_marked_and_closed_ones_not(client, session, two_rounds):
    t1, _ = two_rounds
    today = clock.today()
    for title, due, status in [
        ("Te laat gepland", today - DAY, "gepland"),
        ("Te laat bezig", today - 10 * DAY, "bezig"),
        ("Vandaag", today, "gepland"),
        ("Te laat maar klaar", today - DAY, "klaar"),
        ("Te laat maar gestopt", today - DAY, "gestopt"),
        ("Geen datum", None, "bezig"),
    ]:
        session.add(
            Action(
                partnership_id=t1.partnership_id,
                title=title,
                dimensions=["youth"],
                due_on=due,
                status=next(s for s in Action.status.type.enum_class if s.value == status),
            )
        )
    session.commit()
    signed_in(client, "leider@p.example")
    page = client.get(f"/dashboard/{t1.partnership.slug}/afspraken/").text
    overdue_rows = re.findall(r'<tr id="action-\d+" class="overdue">\s*<td><strong>([^<]+)</strong>', page)
    assert sorted(overdue_rows) == ["Te laat bezig", "Te laat gepland"]
    # Open ones first, by due date (none last), then the closed ones.
    order = re.findall(r'<tr id="action-\d+"[^>]*>\s*<td><strong>([^<]+)</strong>', page)
    assert order[:4] == ["Te laat bezig", "Te laat gepland", "Vandaag", "Geen datum"]


# --- exports -----------------------------------------------------------------------------------------


def test_actions_export_as_csv_and_xlsx_with_labels_in_the_interface_language(client, session, two_rounds):
    t1, _ = two_rounds
    slug = t1.partnership.slug
    signed_in(client, "leider@p.example")
    post_form(
        client,
        f"/dashboard/{slug}/afspraken/nieuw",
        action_data(dimensions=["investment", "daring"], round_id=str(t1.id), due_on="2000-01-03", title="=SOM(A1)"),
    )
    rows = list(csv.reader(io.StringIO(client.get(f"/dashboard/{slug}/afspraken/export.csv").data.decode("utf-8-sig"))))
    assert rows[0][:7] == [
        "Afspraak",
        "Wat moet het verbeteren",
        "Wie trekt het",
        "Klaar op",
        "Stand van zaken",
        "Over tijd",
        "Afgesproken na meting",
    ]
    assert rows[1][:7] == [
        "'=SOM(A1)",  # a formula neutralised
        "Investeren in de samenwerking; Durven en doen",
        "projectleider",
        "2000-01-03",
        "gepland",
        "ja",
        "T1",
    ]
    workbook = load_workbook(io.BytesIO(client.get(f"/dashboard/{slug}/afspraken/export.xlsx?lang=en").data))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:6] == ["Agreed action", "What it should improve", "Who leads it", "Done by", "Status", "Overdue"]
    assert values[1][1:6] == [
        "Investing in the collaboration; Daring and doing",
        "projectleider",
        datetime(2000, 1, 3),  # a date, read back as openpyxl reads every date
        "planned",
        "yes",
    ]
    assert [what for what, _ in audit(session, t1.partnership_id)][-2:] == ["export.actions", "export.actions"]
    assert [detail for _, detail in audit(session, t1.partnership_id)][-2:] == ["csv", "xlsx"]
    assert client.get(f"/dashboard/{slug}/afspraken/export.pdf").status_code == 404


# --- the experiment log ------------------------------------------------------------------------------


def test_the_experiment_log_says_which_change_is_larger_than_chance(app, client, session, two_rounds):
    t1, t2 = two_rounds
    slug = t1.partnership.slug
    signed_in(client, "leider@p.example")
    for title, dimension in (("UWV aan tafel", "investment"), ("Samen een ambitie schrijven", "urgency")):
        post_form(
            client,
            f"/dashboard/{slug}/afspraken/nieuw",
            action_data(title=title, dimensions=[dimension], round_id=str(t1.id)),
        )
    page = client.get(f"/dashboard/{slug}/afspraken/").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    # By hand: investment 2.0 -> 4.0 with nobody differing; urgency 3.0 -> (6*4 + 4*2)/10 = 3.2,
    # spreads about 1.05 and 0.0: Welch's margin is far above 0.2.
    assert (
        "We probeerden ‘UWV aan tafel’ tussen T1 en T2. "
        "Investeren in de samenwerking ging van 2,0 naar 4,0: +2,0 groter dan toeval (+2,0 tot +2,0)" in text
    )
    assert (
        "We probeerden ‘Samen een ambitie schrijven’ tussen T1 en T2. "
        "Gedeelde urgentie en ambitie ging van 3,0 naar 3,2: +0,2 binnen toeval (" in text
    )

    from dashboard.actions import experiment_log
    from dashboard.results import round_results
    from extensions import db

    with app.test_request_context():
        partnership = db.session.get(Partnership, t1.partnership_id)
        lines = experiment_log(partnership, round_results(partnership.rounds))
        summary = {
            line.dimension: (line.baseline, [(s.round.title, round(s.mean, 2), s.real) for s in line.steps])
            for line in lines
        }
    assert summary == {"investment": (2.0, [("T2", 4.0, True)]), "urgency": (3.0, [("T2", 3.2, False)])}


def test_an_action_after_the_last_round_waits_for_the_next(client, session, two_rounds):
    _, t2 = two_rounds
    signed_in(client, "leider@p.example")
    post_form(
        client,
        f"/dashboard/{t2.partnership.slug}/afspraken/nieuw",
        action_data(round_id=str(t2.id), dimensions=["youth"]),
    )
    page = client.get(f"/dashboard/{t2.partnership.slug}/afspraken/").text
    assert "Een volgende meting laat zien wat het opleverde." in page


# --- timeline notes ---------------------------------------------------------------------------------


def test_timeline_notes_of_a_partnership_and_its_programme_in_date_order(app, client, session, two_rounds, make_user):
    t1, _ = two_rounds
    slug = t1.partnership.slug
    programme = Programme(slug="prog", name="Programma")
    session.add(programme)
    session.commit()
    session.get(Partnership, t1.partnership_id).programme_id = programme.id
    session.commit()
    make_user("coord@p.example")
    session.add(
        Coordinatorship(
            user_id=session.scalar(select(User.id).where(User.email == "coord@p.example")), programme_id=programme.id
        )
    )
    session.commit()

    signed_in(client, "leider@p.example")
    page = f"/dashboard/{slug}/tijdlijn/"
    assert post_form(client, page, {"happened_on": "2026-05-01", "text": "Nieuwe wethouder"}).status_code == 302
    assert post_form(client, page, {"happened_on": "2026-01-10", "text": "Convenant getekend"}).status_code == 302
    coordinator = signed_in(app.test_client(), "coord@p.example")
    programme_page = "/dashboard/programma/prog/tijdlijn/"
    assert (
        post_form(coordinator, programme_page, {"happened_on": "2026-03-01", "text": "Thuiszitterspact"}).status_code
        == 302
    )
    # The leader of a partnership may not write the programme's notes.
    assert client.get(programme_page).status_code == 404

    from dashboard.actions import timeline_notes
    from extensions import db

    with app.test_request_context():
        entries = timeline_notes(db.session.get(Partnership, t1.partnership_id))
    assert [(e.on.isoformat(), e.text, e.source) for e in entries] == [
        ("2026-01-10", "Convenant getekend", "partnership"),
        ("2026-03-01", "Thuiszitterspact", "programme"),
        ("2026-05-01", "Nieuwe wethouder", "partnership"),
    ]
    # Edit and delete, both in the audit log.
    note = session.scalar(select(TimelineNote).where(TimelineNote.text == "Nieuwe wethouder"))
    edit = f"/dashboard/{slug}/tijdlijn/{note.id}/"
    assert post_form(client, edit, {"happened_on": "2026-05-02", "text": "Nieuwe wethouder jeugd"}).status_code == 302
    assert post_form(client, page, {}, f"/dashboard/{slug}/tijdlijn/{note.id}/verwijderen").status_code == 302
    assert [what for what, _ in audit(session, t1.partnership_id)] == [
        "timeline.create",
        "timeline.create",
        "timeline.update",
        "timeline.delete",
    ]
    session.expire_all()
    assert sorted(session.scalars(select(TimelineNote.text))) == ["Convenant getekend", "Thuiszitterspact"]
    # The programme's note cannot be reached through the partnership's URLs.
    programme_note = session.scalar(select(TimelineNote.id).where(TimelineNote.programme_id == programme.id))
    assert client.get(f"/dashboard/{slug}/tijdlijn/{programme_note}/").status_code == 404
    # A viewer reads, cannot write.
    viewer = signed_in(app.test_client(), "kijker@p.example")
    listing = viewer.get(page)
    assert listing.status_code == 200 and "Convenant getekend" in listing.text and "Toevoegen" not in listing.text
    data = {"happened_on": "2026-06-01", "text": "x", "csrf_token": csrf_from(listing.text)}
    assert viewer.post(page, data=data).status_code == 404


@pytest.mark.parametrize(
    "data, message",
    [
        ({"happened_on": "2026-13-01", "text": "Iets"}, "Dit is geen geldige datum."),
        ({"happened_on": "", "text": "Iets"}, "Vul een datum in."),
        ({"happened_on": "2026-01-01", "text": "x" * 301}, "Dit is te lang: hier passen hoogstens 300 tekens."),
        ({"happened_on": "2026-01-01", "text": ""}, "Vul in wat er gebeurde."),
        ({"happened_on": "1850-01-01", "text": "Iets"}, "Kies een datum tussen 2000 en 2100."),
    ],
)
def test_bad_timeline_input_is_refused_in_dutch(client, session, two_rounds, data, message):
    t1, _ = two_rounds
    signed_in(client, "leider@p.example")
    response = post_form(client, f"/dashboard/{t1.partnership.slug}/tijdlijn/", data)
    assert response.status_code == 422 and message in response.text
    assert session.scalars(select(TimelineNote)).all() == []


def test_a_timeline_note_has_exactly_one_owner(session, two_rounds):
    from sqlalchemy.exc import IntegrityError

    t1, _ = two_rounds
    programme = Programme(slug="prog2", name="P")
    session.add(programme)
    session.commit()
    for owners in ({}, {"partnership_id": t1.partnership_id, "programme_id": programme.id}):
        session.add(TimelineNote(happened_on=clock.today(), text="x", **owners))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()


def test_deleting_a_partnership_takes_its_actions_notes_and_timeline_with_it(client, session, two_rounds):
    t1, _ = two_rounds
    slug, name = t1.partnership.slug, t1.partnership.name
    signed_in(client, "leider@p.example")
    guide = f"/dashboard/{slug}/rounds/{t1.id}/gespreksleidraad"
    post_form(client, guide, {"weakest:investment-text": "notitie"}, guide + "/weakest:investment")
    post_form(client, f"/dashboard/{slug}/afspraken/nieuw", action_data(round_id=str(t1.id)))
    post_form(client, f"/dashboard/{slug}/tijdlijn/", {"happened_on": "2026-01-01", "text": "Convenant"})
    assert post_form(client, f"/beheer/{slug}/verwijderen", {"confirm": name}).status_code == 302
    session.expire_all()
    assert [session.scalars(select(model)).all() for model in (Action, GuideNote, TimelineNote)] == [[], [], []]


def test_a_partnership_backup_carries_its_actions_notes_and_timeline(
    app, client, runner, session, two_rounds, tmp_path
):
    import json

    t1, _ = two_rounds
    slug = t1.partnership.slug
    signed_in(client, "leider@p.example")
    guide = f"/dashboard/{slug}/rounds/{t1.id}/gespreksleidraad"
    post_form(client, guide, {"weakest:investment-text": "notitie"}, guide + "/weakest:investment")
    post_form(client, f"/dashboard/{slug}/afspraken/nieuw", action_data(round_id=str(t1.id)))
    post_form(client, f"/dashboard/{slug}/tijdlijn/", {"happened_on": "2026-01-01", "text": "Convenant"})
    file = tmp_path / "one.json"
    assert runner.invoke(args=["backup", "export", str(file), "--partnership", slug]).exit_code == 0
    tables = json.loads(file.read_text())["content"]["tables"]
    assert [row["title"] for row in tables["action"]] == ["UWV aan tafel"]
    assert [row["text"] for row in tables["guide_note"]] == ["notitie"]
    assert [row["text"] for row in tables["timeline_note"]] == ["Convenant"]


def test_a_gap_under_half_a_point_is_no_point_even_when_it_is_beyond_chance(
    client, make_round, add_responses, make_user
):
    round_ = make_round("T1", **closed(30))
    add_responses(round_, 5, scores({}), level="werkvloer")  # levels 4.0

    def slightly_lower(n, item):  # one levels statement a step lower: (4 * 4 + 3) / 5 = 3.8
        return 3 if item.key == "levels_casework" else scores({})(n, item)

    add_responses(round_, 5, slightly_lower, level="bestuur")
    make_user("leider@g.example", round_.partnership)
    signed_in(client, "leider@g.example")
    page = client.get(f"/dashboard/{round_.partnership.slug}/rounds/{round_.id}/gespreksleidraad").text
    assert not [key for key in guide_keys(page) if key.startswith("level_gap")]  # 0.2, nobody differing

"""Response tracking on a round's management page, over HTTP: the counts are those of the
latest release (so in steps), a group is named with its count only where the released
results show it (the anonymity rule, not a count of everyone), and nothing per group while
the results are hidden until the round closes."""

import re
from datetime import timedelta

import pytest
from babel.dates import format_date

import clock
from extensions import db
from models import Round
from surveys.invitations import invite

from .conftest import login


def counts(page: str, heading: str) -> list[str]:
    """The "name: n" entries listed under a heading of the response section."""
    section = page.split('id="tracking-title"')[1].split("</section>")[0]
    block = section.split(f"<h3>{heading}</h3>")[1].split("<h3>")[0]
    return re.findall(r"<li>([^<]*)</li>", block)


def responses_count(page: str) -> str:
    return re.search(r'id="responses-count">([^<]*)<', page).group(1)


@pytest.fixture
def tracked(make_round, add_responses, make_user, runner):
    """An open round, results shown while open. Thirteen responses stored and released at
    once (`flask release`): werkvloer/onderwijs 6, bestuur/gemeente 5, beleid/gemeente 2. By
    the rule: levels werkvloer (6) only: bestuur (5) is large enough, but the total minus
    werkvloer and bestuur would give away beleid's 2. Domains onderwijs 6 and gemeente 7
    (bestuur and beleid together). Then four more bestuur/gemeente arrive: fewer than 5, so
    they wait for the next release and are counted nowhere (live it would be 17, bestuur 9,
    gemeente 11)."""
    round_ = make_round(
        "T1",
        opens_on=clock.today() - timedelta(days=3),
        closes_on=clock.today() + timedelta(days=10),
        hide_results_while_open=False,
    )
    add_responses(round_, 6, level="werkvloer", domain="onderwijs", release=False)
    add_responses(round_, 5, level="bestuur", domain="gemeente", release=False)
    add_responses(round_, 2, level="beleid", domain="gemeente", release=False)
    assert runner.invoke(args=["release"]).output.strip() == "1 release(s) made."
    add_responses(round_, 4, level="bestuur", domain="gemeente")  # through the release check: 4 wait
    make_user("leider@volg.example", round_.partnership)
    return round_


def test_tracking_lists_only_the_released_groups_the_rule_shows(client, tracked):
    login(client, "leider@volg.example")
    page = client.get(f"/beheer/{tracked.partnership.slug}/metingen/{tracked.id}/")
    assert page.status_code == 200
    assert responses_count(page.text) == "13"  # the release, not the 17 stored
    # Not bestuur (5, but it gives away beleid), not beleid (2).
    assert counts(page.text, "Per niveau") == ["Uitvoerend / werkvloer: 6"]
    assert counts(page.text, "Per domein") == ["Onderwijs: 6", "Gemeente: 7"]
    assert "Beleid:" not in page.text and "Bestuur:" not in page.text


def test_tracking_shows_no_group_while_results_are_hidden(client, tracked, session):
    round_ = session.get(Round, tracked.id)
    round_.hide_results_while_open = True
    session.commit()
    login(client, "leider@volg.example")
    page = client.get(f"/beheer/{tracked.partnership.slug}/metingen/{tracked.id}/").text
    assert "verborgen tot ze gesloten is" in page
    assert counts(page, "Per niveau") == [] and counts(page, "Per domein") == []
    assert 'class="counts"' not in page
    assert responses_count(page) == "13"  # the count still moves only in releases
    # Once closed, the release shows again: the same groups as before.
    round_.closed_early = True
    session.commit()
    closed = client.get(f"/beheer/{tracked.partnership.slug}/metingen/{tracked.id}/").text
    assert counts(closed, "Per niveau") == ["Uitvoerend / werkvloer: 6"]
    assert counts(closed, "Per domein") == ["Onderwijs: 6", "Gemeente: 7"]


def test_the_round_page_shows_the_invitations_the_days_left_and_the_day_of_the_count(app, client, tracked):
    with app.app_context():
        invite(db.session.get(Round, tracked.id), ["een@volg.example", "twee@volg.example", "drie@volg.example"])
        db.session.commit()
    login(client, "leider@volg.example")
    page = client.get(f"/beheer/{tracked.partnership.slug}/metingen/{tracked.id}/").text
    invited = page.split(">Uitgenodigd<")[1]
    assert re.search(r'class="card-value">([^<]*)<', invited).group(1) == "3"
    # The outbox: two columns (so the mail's state fits a phone), the day under each address.
    outbox = page.split('id="outbox"')[1].split("</table>")[0]
    assert re.findall(r'<th scope="col">([^<]*)</th>', outbox) == ["E-mailadres", "E-mail"]
    day = format_date(clock.today(), "medium", locale="nl")
    assert outbox.count(f'<small class="muted">uitgenodigd op {day}</small>') == 3
    # Closes in 10 days: today and those 10 are left (the closing day counts).
    assert "nog 11 dagen" in page
    # The count is that of the release made today by `flask release`.
    assert f"stand van {format_date(clock.today(), 'medium', locale='nl')}" in page

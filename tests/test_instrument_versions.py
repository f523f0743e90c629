"""Each round scores and charts with its own instrument version, also once a newer one exists.

A second version is written to a temporary instrument folder (the loader reads the folder
named by surveys.instrument.INSTRUMENT_DIR): version 1 as shipped, and a version 2 that
renames the work-floor level option and retitles the first dimension, so a page or export
that took the latest version for a version-1 round would show it."""

import csv
import io
import re

import pytest
from sqlalchemy import select

import clock
import manage.forms
import surveys.instrument as instrument_module
from models import Partnership, Programme, Round
from surveys.instrument import INSTRUMENT_DIR, available_versions, get_instrument

from .conftest import csrf_from, login
from .test_dashboard import figure, scored

V1_TITLE, V2_TITLE = "Gedeelde urgentie en ambitie", "Urgentie, nieuw geformuleerd"


@pytest.fixture
def second_version(tmp_path, monkeypatch):
    shipped = (INSTRUMENT_DIR / "v1.toml").read_text(encoding="utf-8")
    (tmp_path / "v1.toml").write_text(shipped, encoding="utf-8")
    newer = shipped.replace("version = 1\n", "version = 2\n", 1).replace(f'nl = "{V1_TITLE}"', f'nl = "{V2_TITLE}"', 1)
    newer = newer.replace(
        '{ key = "werkvloer", nl = "Uitvoerend / werkvloer"', '{ key = "uitvoering", nl = "Uitvoering"', 1
    )
    assert newer.count("version = 2") == 1 and V2_TITLE in newer and '"uitvoering"' in newer
    (tmp_path / "v2.toml").write_text(newer, encoding="utf-8")
    versions = lambda directory=tmp_path: available_versions(directory)  # noqa: E731
    monkeypatch.setattr(instrument_module, "INSTRUMENT_DIR", tmp_path)
    monkeypatch.setattr(instrument_module, "available_versions", versions)
    monkeypatch.setattr(manage.forms, "available_versions", versions)  # the round form's choices
    instrument_module._load_version.cache_clear()
    assert get_instrument().version == 2 and "werkvloer" not in {
        o.key for o in get_instrument().profile_question("level").options
    }
    yield
    instrument_module._load_version.cache_clear()


@pytest.fixture
def answered(make_round, add_responses, make_user, second_version):
    """A version-1 round of a programme's partnership: 5 werkvloer/gemeente responses scoring 4
    (one release of 5, MIN_GROUP_SIZE = 5), its leader and an administrator."""
    round_ = make_round(
        partnership=Partnership(
            slug="twee-versies", name="Regio Twee", programme=Programme(slug="prog", name="Programma")
        )
    )
    add_responses(round_, 5, scored(4))
    make_user("leider@twee.example", round_.partnership)
    make_user("beheer@twee.example", admin=True)
    return round_


def test_the_scores_export_counts_a_round_with_its_own_version(client, answered):
    login(client, "leider@twee.example")
    rows = list(csv.DictReader(io.StringIO(client.get("/dashboard/twee-versies/export/scores.csv").text)))
    level_groups = {(row["Groep"], row["Respondenten"]) for row in rows if row["Soort groep"] == "Per niveau"}
    # The option of version 1 (by its label), which version 2 no longer has; version 1's dimension titles.
    assert level_groups == {("Uitvoerend / werkvloer", "5")}
    assert V1_TITLE in {row["Dimensie"] for row in rows} and V2_TITLE not in {row["Dimensie"] for row in rows}


def test_the_programme_view_labels_a_round_with_its_own_version(client, answered):
    login(client, "beheer@twee.example")
    page = client.get("/dashboard/programma/prog/").text
    labels = " ".join(figure(page, "programme-radar")["data"][0]["theta"]).replace("<br>", " ")
    assert V1_TITLE in labels and V2_TITLE not in labels


def round_form(client, round_: Round, version: int):
    url = f"/beheer/{round_.partnership.slug}/metingen/{round_.id}/"
    page = client.get(url)
    return client.post(
        url,
        data={
            "csrf_token": csrf_from(page.text),
            "title": round_.title,
            "instrument_version": str(version),
            "opens_on": round_.opens_on.isoformat(),
            "closes_on": round_.closes_on.isoformat(),
        },
    )


def test_a_round_with_answers_keeps_its_version(client, session, answered):
    login(client, "leider@twee.example")
    refused = round_form(client, answered, 2)
    assert refused.status_code == 422
    assert "de versie van de vragenlijst blijft 1" in re.sub(r"\s+", " ", refused.text)
    session.expire_all()
    assert session.get(Round, answered.id).instrument_version == 1


def test_a_round_without_answers_may_change_its_version(client, session, make_round, make_user, second_version):
    round_ = make_round(opens_on=clock.today(), partnership=Partnership(slug="nog-leeg", name="Regio Leeg"))
    make_user("leider@leeg.example", round_.partnership)
    login(client, "leider@leeg.example")
    assert round_form(client, round_, 2).status_code == 302
    assert session.scalar(select(Round.instrument_version).where(Round.id == round_.id)) == 2


def test_the_round_page_counts_groups_with_the_rounds_own_version(client, answered):
    login(client, "leider@twee.example")
    page = client.get(f"/beheer/twee-versies/metingen/{answered.id}/").text
    section = page.split('id="tracking-title"')[1].split("</section>")[0]
    assert "Uitvoerend / werkvloer: 5" in section  # version 1's option; version 2 calls it "Uitvoering"

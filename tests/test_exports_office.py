"""Exports a Dutch office opens (issue 12): the files read back with the csv module and
openpyxl. A CSV for a Dutch Excel (semicolon, decimal comma, BOM, CRLF) beside the RFC 4180
one (comma, decimal point, no BOM); workbooks with dates as dates and numbers as numbers,
each with a number format, column widths, a bold frozen header and a sheet "Toelichting"
that explains every column; headers and values as labels in the interface language, Dutch
by default and English when chosen. Every expected figure comes from the answers made here."""

import csv
import io
import statistics
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

import clock
from models import AuditEvent
from surveys.instrument import get_instrument

from .conftest import csrf_from, login

INSTRUMENT = get_instrument(1)
BOM = "\ufeff".encode()
#: What every respondent n of `scored` answers: 4 for the first two, 3 for the other three,
#: on every statement (a reverse-worded one answered 6 - score, so it counts the same).
SCORES = [4, 4, 3, 3, 3]
MEAN, SD = statistics.mean(SCORES), statistics.stdev(SCORES)  # 3.4 and 0.548 (sample sd)
#: The groups of `scored` (add_responses' werkvloer/gemeente), by their labels: the same five in each.
LEVEL = INSTRUMENT.profile_question("level").option("werkvloer").label
DOMAIN = INSTRUMENT.profile_question("domain").option("gemeente").label
ROWS = 3 * len(INSTRUMENT.dimensions)  # the whole round, its level and its domain, per dimension

DUTCH_SCORE_HEADER = [
    "Meting",
    "Open vanaf",
    "Soort groep",
    "Groep",
    "Respondenten",
    "Dimensie",
    "Gemiddelde",
    "Spreiding",
    "Aantal met een score",
    "Instrumentversie",
]
ENGLISH_SCORE_HEADER = [
    "Round",
    "Open from",
    "Group type",
    "Group",
    "Respondents",
    "Dimension",
    "Mean",
    "Spread",
    "Number with a score",
    "Instrument version",
]


@pytest.fixture
def scored(make_round, add_responses, make_user):
    """A closed round of five (one release): every dimension scores 3.4 on average."""
    opens = clock.today() - timedelta(days=20)
    round_ = make_round("T1 najaar", opens_on=opens, closes_on=opens + timedelta(days=10))
    add_responses(round_, 5, lambda n, item: 6 - SCORES[n] if item.reverse else SCORES[n])
    make_user("leider@kantoor.example", round_.partnership)
    return round_


def get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def workbook(client, url: str):
    return load_workbook(io.BytesIO(get(client, url).data))


# --- two CSV flavours ---------------------------------------------------------------------------


def test_the_csv_for_a_dutch_excel_has_semicolons_decimal_commas_a_bom_and_crlf(client, scored, session):
    login(client, "leider@kantoor.example")
    url = f"/dashboard/{scored.partnership.slug}/export/scores.csv"
    excel = get(client, url + "?dialect=excel-nl")
    rfc = get(client, url)
    assert excel.headers["Content-Disposition"] == f'attachment; filename="{scored.partnership.slug}-scores-excel.csv"'

    assert excel.data.startswith(BOM) and not rfc.data.startswith(BOM)
    for data in (excel.data, rfc.data):  # CRLF after every line, and no bare LF
        assert data.endswith(b"\r\n") and data.count(b"\n") == data.count(b"\r\n")
    excel_rows = list(csv.reader(io.StringIO(excel.data.decode("utf-8-sig"), newline=""), delimiter=";"))
    rfc_rows = list(csv.reader(io.StringIO(rfc.data.decode("utf-8"), newline=""), delimiter=","))
    assert excel_rows[0] == rfc_rows[0] == DUTCH_SCORE_HEADER
    assert len(excel_rows) == len(rfc_rows) == 1 + ROWS and b";" not in rfc.data

    mean, sd = DUTCH_SCORE_HEADER.index("Gemiddelde"), DUTCH_SCORE_HEADER.index("Spreiding")
    for excel_row, rfc_row in zip(excel_rows[1:], rfc_rows[1:], strict=True):
        assert "," in excel_row[mean] and "." not in excel_row[mean]  # 3,4: a decimal comma
        assert float(excel_row[mean].replace(",", ".")) == float(rfc_row[mean]) == pytest.approx(MEAN)
        assert float(excel_row[sd].replace(",", ".")) == float(rfc_row[sd]) == pytest.approx(SD, abs=5e-4)
        others = [i for i in range(len(rfc_row)) if i not in (mean, sd)]
        assert [excel_row[i] for i in others] == [rfc_row[i] for i in others]
        assert rfc_row[1] == scored.opens_on.isoformat()

    details = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "export.scores")).all()
    assert details == ["csv, excel-nl", "csv"]


def test_the_excel_csv_keeps_formula_looking_titles_neutralised(client, scored, session):
    scored = session.merge(scored)
    scored.title = "=SOM(A1:A9);-1"
    session.commit()
    login(client, "leider@kantoor.example")
    for dialect in ("excel-nl", "rfc4180"):
        data = get(client, f"/dashboard/{scored.partnership.slug}/export/scores.csv?dialect={dialect}").data
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";" if dialect == "excel-nl" else ","))
        assert {row[0] for row in rows[1:]} == {"'=SOM(A1:A9);-1"}, dialect


def test_the_pages_link_both_csv_flavours_and_every_link_works(client, scored, session):
    login(client, "leider@kantoor.example")
    slug = scored.partnership.slug
    page = get(client, f"/dashboard/{slug}/").text
    for url in (
        f"/dashboard/{slug}/export/scores.csv?dialect=excel-nl",
        f"/dashboard/{slug}/rounds/{scored.id}/export/statements.csv?dialect=excel-nl",
    ):
        assert f'href="{url}"' in page and "CSV voor Excel (NL)" in page
        data = get(client, url).data
        assert data.startswith(BOM) and b";" in data.split(b"\r\n")[0]


def test_an_unknown_dialect_or_format_is_a_404_in_dutch_and_not_logged(client, scored, session):
    login(client, "leider@kantoor.example")
    slug = scored.partnership.slug
    for url in (
        f"/dashboard/{slug}/export/scores.csv?dialect=excel-fr",
        f"/dashboard/{slug}/export/scores.xlsx?dialect=onzin",
        f"/dashboard/{slug}/export/scores.ods",
        f"/dashboard/{slug}/rounds/{scored.id}/export/statements.csv?dialect=",
        f"/dashboard/{slug}/afspraken/export.csv?dialect=tab",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Deze download bestaat niet in die vorm" in response.text, url
    assert session.scalars(select(AuditEvent)).all() == []


# --- workbooks ----------------------------------------------------------------------------------


def test_the_score_workbook_holds_dates_and_numbers_with_formats_widths_and_a_bold_frozen_header(client, scored):
    login(client, "leider@kantoor.example")
    book = workbook(client, f"/dashboard/{scored.partnership.slug}/export/scores.xlsx")
    assert book.sheetnames == ["Scores", "Toelichting"]
    sheet = book["Scores"]
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == DUTCH_SCORE_HEADER and all(cell.font.b for cell in sheet[1])
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == ROWS
    for row in rows:
        opens, respondents, mean, sd, scored_n = row[1], row[4], row[6], row[7], row[8]
        assert isinstance(opens.value, (date, datetime)) and opens.is_date
        assert opens.value.date() == scored.opens_on and "yy" in opens.number_format
        assert isinstance(respondents.value, int) and respondents.value == len(SCORES)
        assert isinstance(scored_n.value, int) and scored_n.value == len(SCORES)
        assert respondents.number_format == scored_n.number_format == "0"
        assert isinstance(mean.value, float) and mean.value == pytest.approx(MEAN)
        assert isinstance(sd.value, float) and sd.value == pytest.approx(SD, abs=5e-4)
        assert mean.number_format == sd.number_format == "0.0"  # one decimal
    widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
    assert all(width and width >= len(title) for width, title in zip(widths, DUTCH_SCORE_HEADER, strict=True))


def test_the_action_workbook_holds_its_dates_as_dates(client, scored, session):
    login(client, "leider@kantoor.example")
    slug = scored.partnership.slug
    form = client.get(f"/dashboard/{slug}/afspraken/nieuw").text
    created = client.post(
        f"/dashboard/{slug}/afspraken/nieuw",
        data={
            "csrf_token": csrf_from(form),
            "title": "Samen een casus oppakken",
            "dimensions": ["urgency"],
            "owner": "projectleider",
            "due_on": "2030-06-15",
            "status": "gepland",
            "round_id": str(scored.id),
            "note": "",
        },
    )
    assert created.status_code == 302, created.text
    sheet = workbook(client, f"/dashboard/{slug}/afspraken/export.xlsx").active
    header = [cell.value for cell in sheet[1]]
    row = {title: cell for title, cell in zip(header, sheet[2], strict=True)}
    assert row["Klaar op"].value == datetime(2030, 6, 15) and row["Klaar op"].is_date
    assert row["Aangemaakt (UTC)"].is_date and row["Aangemaakt (UTC)"].value.date() == datetime.utcnow().date()
    assert sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1])
    actions = get(client, f"/dashboard/{slug}/afspraken/").text
    assert f'href="/dashboard/{slug}/afspraken/export.csv?dialect=excel-nl"' in actions
    excel = get(client, f"/dashboard/{slug}/afspraken/export.csv?dialect=excel-nl").data
    rows = list(csv.reader(io.StringIO(excel.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:4] == [
        "Samen een casus oppakken",
        INSTRUMENT.dimension("urgency").title.nl,
        "projectleider",
        "2030-06-15",
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_explanation_sheet_explains_every_column_of_every_sheet(client, scored, language):
    login(client, "leider@kantoor.example")
    slug = scored.partnership.slug
    explanation = {"nl": "Toelichting", "en": "Explanation"}[language]
    for url in (
        f"/dashboard/{slug}/export/scores.xlsx",
        f"/dashboard/{slug}/rounds/{scored.id}/export/statements.xlsx",
        f"/dashboard/{slug}/afspraken/export.xlsx",
    ):
        book = workbook(client, f"{url}?lang={language}")
        assert book.sheetnames[-1] == explanation, url
        explained = {(row[0], row[1]): row[2] for row in book[explanation].iter_rows(min_row=2, values_only=True)}
        for sheet in book.worksheets[:-1]:
            headers = [cell.value for cell in sheet[1]]
            assert headers, url
            for header in headers:
                assert explained.get((sheet.title, header)), (url, sheet.title, header)
        assert book[explanation].freeze_panes == "A2"


# --- the interface language ---------------------------------------------------------------------


def test_headers_and_values_are_labels_in_dutch_by_default_and_in_english_when_chosen(client, scored):
    login(client, "leider@kantoor.example")
    slug = scored.partnership.slug
    for language, header, kinds in (
        ("nl", DUTCH_SCORE_HEADER, ("Hele meting", "Per niveau", "Per domein")),
        ("en", ENGLISH_SCORE_HEADER, ("Whole round", "By level", "By domain")),
    ):
        data = get(client, f"/dashboard/{slug}/export/scores.csv?lang={language}").data
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        assert rows[0] == header, language
        titles = [d.title.get(language) for d in INSTRUMENT.dimensions]
        assert [row[5] for row in rows[1:]] == titles * 3  # per group, each dimension by its title
        groups = [(kinds[0], kinds[0]), (kinds[1], LEVEL.get(language)), (kinds[2], DOMAIN.get(language))]
        assert [(row[2], row[3]) for row in rows[1 :: len(titles)]] == groups
        book = workbook(client, f"/dashboard/{slug}/rounds/{scored.id}/export/statements.xlsx?lang={language}")
        sheet = book.worksheets[0]
        header_row = [cell.value for cell in sheet[1]]
        scale = [f"{o.value} {o.label.get(language)}" for o in INSTRUMENT.scale.options]
        assert header_row[6:12] == [*scale, INSTRUMENT.scale.unknown.get(language)], language
        first = [cell.value for cell in sheet[2]]
        item = INSTRUMENT.items[0]
        assert first[:3] == [
            item.text.get(language),
            INSTRUMENT.dimension(item.dimension).title.get(language),
            {"nl": "nee", "en": "no"}[language] if not item.reverse else {"nl": "ja", "en": "yes"}[language],
        ]
        # No internal key anywhere: not in a header, not as a value.
        keys = {"group_type", "n_scored", "total", "level", "domain", "urgency", "reverse_worded", "unknown"}
        cells = {str(cell) for row in rows for cell in row} | {
            str(c) for r in sheet.iter_rows(values_only=True) for c in r
        }
        assert not cells & keys, language
    english = [cell.value for cell in book.worksheets[0][1]]
    assert english[:6] == ["Statement", "Dimension", "Reverse-worded", "Number of answers", "Mean", "Spread"]
    assert english[12] == "Release"

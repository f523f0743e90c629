"""Exports as files a spreadsheet opens: hostile round titles stay text in every cell (a
formula-looking value neutralised with a quote, never a formula), and every download is in
the partnership's audit log with who downloaded what."""

import csv
import html
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

import clock

from .conftest import login

# Titles a leader can type; each would run as a formula in a spreadsheet (or inject markup).
HOSTILE_TITLES = [
    '=HYPERLINK("http://evil.example","klik")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "<script>alert(1)</script>",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(make_round, add_responses, make_user):
    """Five closed rounds with hostile titles, five responses each (one release each)."""
    first = None
    for days, title in enumerate(HOSTILE_TITLES):
        opens = clock.today() - timedelta(days=100 - 10 * days)
        round_ = make_round(
            title, opens_on=opens, closes_on=opens + timedelta(days=5), partnership=first.partnership if first else None
        )
        add_responses(round_, 5)
        first = first or round_
    make_user("leider@export.example", first.partnership)
    return first


def workbook_cells(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


def test_hostile_titles_are_text_in_every_cell_of_the_exports(client, hostile):
    login(client, "leider@export.example")
    slug = hostile.partnership.slug
    cells = workbook_cells(client.get(f"/dashboard/{slug}/export/scores.xlsx").data)
    cells += workbook_cells(client.get(f"/dashboard/{slug}/rounds/{hostile.id}/export/statements.xlsx").data)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]  # no formula anywhere
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if text.startswith(FORMULA_START)]
    # Each title as text: a quote before the formula-looking ones, markup as it was typed.
    titles = {cell.value for cell in cells if cell.column == 1 and cell.row > 1 and cell.parent.title == "Scores"}
    assert titles == {"'" + t if t.startswith(FORMULA_START) else t for t in HOSTILE_TITLES}

    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/dashboard/{slug}/export/scores.csv").data.decode("utf-8-sig")))
    )
    assert {row["Meting"] for row in rows} == titles
    assert not [
        value
        for row in rows
        for value in row.values()
        if value.startswith(FORMULA_START) and not re.fullmatch(r"-?[\d.]+", value)
    ]


def log_rows(page: str) -> list[tuple[str, ...]]:
    """(when, who, what, details) of every line of the audit log page."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [
        tuple(html.unescape(cell) for cell in re.findall(r"<td>([^<]*)</td>", row))
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_every_export_download_is_in_the_audit_log_with_who_and_what(client, hostile, make_user):
    make_user("kijker@export.example", hostile.partnership, "viewer")
    slug = hostile.partnership.slug
    viewer = client.application.test_client()
    login(viewer, "kijker@export.example")
    assert viewer.get(f"/dashboard/{slug}/export/scores.xlsx").status_code == 200
    login(client, "leider@export.example")
    assert client.get(f"/dashboard/{slug}/export/scores.csv").status_code == 200
    assert client.get(f"/dashboard/{slug}/rounds/{hostile.id}/export/statements.xlsx").status_code == 200
    rows = log_rows(client.get(f"/beheer/{slug}/logboek").text)
    # Newest first; the time in UTC to the minute.
    assert [(who, detail) for _when, who, _what, detail in rows] == [
        ("leider@export.example", f"{HOSTILE_TITLES[0]} (xlsx)"),
        ("leider@export.example", "csv"),
        ("kijker@export.example", "xlsx"),
    ]
    assert [what for _when, _who, what, _detail in rows][1:] == ["scores gedownload"] * 2
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", when) for when, *_rest in rows)


def test_the_audit_log_names_a_statements_download_in_words(client, hostile):
    login(client, "leider@export.example")
    slug = hostile.partnership.slug
    client.get(f"/dashboard/{slug}/rounds/{hostile.id}/export/statements.csv")
    (row,) = log_rows(client.get(f"/beheer/{slug}/logboek").text)
    assert row[2] == "uitkomsten per stelling gedownload"

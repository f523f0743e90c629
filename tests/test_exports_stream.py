"""Downloads are made with memory that does not grow with the table: a CSV is a generator
of chunks written while it is sent, a workbook is written row by row (openpyxl's write-only
mode) to a temporary file that is sent and removed. The files read back (csv module,
openpyxl) to the tables they were made from; the headers, the audit-log entry and the 404
for an unknown format stay."""

import csv
import io
import os
import tempfile
import tracemalloc
from datetime import datetime, timedelta

import pytest
from flask import request_finished
from openpyxl import load_workbook
from sqlalchemy import func, select

import clock
from dashboard import exports
from extensions import db
from models import AuditEvent, Response
from surveys.instrument import get_instrument

from .conftest import login
from .test_exports_office import DUTCH_SCORE_HEADER

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A small table with everything a cell can hold, and what a spreadsheet must show for it,
# written out by hand: formula-looking text gets a quote, None an empty cell.
HEADER = ["round", "n", "mean", "note"]
ROWS = [
    ["T1 voorjaar", 12, 3.25, "gewoon"],
    ["=SUM(A1:A9)", 5, None, 'komma, "aanhalingstekens" en\neen regel'],
    ["@tekst", 0, 4.0, "-2+3"],
    ["Zoë en Anaïs", 7, 1.5, "+31 6"],
]
CSV_SHOWN = [
    ["round", "n", "mean", "note"],
    ["T1 voorjaar", "12", "3.25", "gewoon"],
    ["'=SUM(A1:A9)", "5", "", 'komma, "aanhalingstekens" en\neen regel'],
    ["'@tekst", "0", "4.0", "'-2+3"],
    ["Zoë en Anaïs", "7", "1.5", "'+31 6"],
]
XLSX_SHOWN = [
    ("round", "n", "mean", "note"),
    ("T1 voorjaar", 12, 3.25, "gewoon"),
    ("'=SUM(A1:A9)", 5, None, 'komma, "aanhalingstekens" en\neen regel'),
    ("'@tekst", 0, 4, "'-2+3"),
    ("Zoë en Anaïs", 7, 1.5, "'+31 6"),
]


def read_csv(data: bytes) -> list[list[str]]:
    """An RFC 4180 file: UTF-8 without a BOM (the Excel flavour has one: tests/test_exports_office.py)."""
    assert not data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def read_xlsx(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def body(response) -> bytes:
    """What a server sends: the response iterated, then closed."""
    try:
        return b"".join(response.response)
    finally:
        response.close()


def generated_rows(count: int):
    """A large table, generated row by row (never a list in memory)."""
    for n in range(count):
        yield [f"Ronde {n % 7}", "2026-03-01", "level", "werkvloer", n, "urgency", 3.456, 0.812, n % 50]


LARGE_HEADER = ["round", "opens_on", "group_type", "group", "respondents", "dimension", "mean", "sd", "n_scored"]


def csv_size(count: int) -> int:
    """The table's size as CSV text, counted without the code under test."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(LARGE_HEADER)
    writer.writerows(generated_rows(count))
    return len(buffer.getvalue().encode("utf-8"))


# --- the files ------------------------------------------------------------------------------


def test_a_csv_download_is_a_generator_of_the_table(app):
    with app.test_request_context():
        response = exports.download(HEADER, iter(ROWS), "csv", "tabel", "tabel")
        assert response.is_streamed
        assert not isinstance(response.response, (list, tuple, bytes))  # produced while sent
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == 'attachment; filename="tabel.csv"'
        assert response.headers["Cache-Control"] == "no-store"
        assert read_csv(body(response)) == CSV_SHOWN


def test_rows_made_while_the_csv_is_sent_can_read_the_database(app, scored):
    """A generator of rows is read after the view has returned, as a server sends the
    file: it still has the request's database session (stream_with_context)."""

    def rows():
        for n in range(3):
            yield [n, db.session.scalar(select(func.count()).select_from(Response))]

    with app.test_request_context():
        response = exports.download(["n", "responses"], rows(), "csv", "t", "t")
    assert read_csv(body(response)) == [["n", "responses"], ["0", "5"], ["1", "5"], ["2", "5"]]


def test_a_csv_of_many_rows_comes_in_many_chunks_that_join_to_the_whole(app):
    rows = [[f"rij {n}", n] for n in range(2 * exports.CHUNK_ROWS + 3)]
    with app.test_request_context():
        chunks = list(exports.download(["tekst", "getal"], iter(rows), "csv", "t", "t").response)
    assert len(chunks) == 3
    assert read_csv(b"".join(chunks)) == [["tekst", "getal"]] + [[f"rij {n}", str(n)] for n in range(len(rows))]


def test_an_xlsx_download_reads_back_to_the_table_with_its_further_sheets(app, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # every temporary file lands here
    key = ("sleutel", ["code", "betekenis"], iter([["dk", "weet ik niet"], ["=1", "formule"]]))
    with app.test_request_context():
        response = exports.download(HEADER, iter(ROWS), "xlsx", "tabel", "scores", more=(key,))
        assert response.mimetype == XLSX
        assert response.headers["Content-Disposition"] == 'attachment; filename="tabel.xlsx"'
        assert response.headers["Cache-Control"] == "no-store"
        data = body(response)
    assert int(response.headers["Content-Length"]) == len(data)
    assert read_xlsx(data) == {
        "scores": XLSX_SHOWN,
        "sleutel": [("code", "betekenis"), ("dk", "weet ik niet"), ("'=1", "formule")],
    }
    assert load_workbook(io.BytesIO(data))["scores"].freeze_panes == "A2"  # the header stays in view
    assert os.listdir(tmp_path) == []  # the file that was sent is gone, and so are openpyxl's own


def test_an_unknown_format_is_a_404(app):
    from werkzeug.exceptions import NotFound

    with app.test_request_context(), pytest.raises(NotFound):
        exports.download(HEADER, iter(ROWS), "pdf", "tabel", "tabel")


# --- memory -----------------------------------------------------------------------------------


def peak_while(produce) -> tuple[int, int]:
    """(bytes produced, peak of traced memory while producing them); the output is counted
    and dropped, as a server sends it."""
    tracemalloc.start()
    try:
        size = produce()
        return size, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_csv_of_100k_rows_is_sent_in_constant_memory(app):
    count = 100_000
    expected_size = csv_size(count)

    def send() -> int:
        with app.test_request_context():
            response = exports.download(LARGE_HEADER, generated_rows(count), "csv", "groot", "groot")
            size = sum(len(chunk) for chunk in response.response)
            response.close()
            return size

    size, peak = peak_while(send)
    assert size == expected_size  # all of it (the same bytes as the csv module writes)
    # Made at once, the file would be in memory at least once (6 MB): a chunk is 35 kB.
    assert peak < size / 8, (peak, size)


def test_an_xlsx_of_25k_rows_is_written_in_constant_memory(app, tmp_path, monkeypatch):
    """25k rows, not 100k: openpyxl's write-only mode writes some 3,000 rows a second under
    tracemalloc. A workbook in memory would hold 225,000 cell objects (over 40 MB)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    count = 25_000

    def send() -> int:
        with app.test_request_context():
            response = exports.download(LARGE_HEADER, generated_rows(count), "xlsx", "groot", "groot")
            size = sum(len(block) for block in response.response)
            response.close()
            return size

    size, peak = peak_while(send)
    assert peak < csv_size(count), (peak, csv_size(count))  # less than the table as plain text
    assert os.listdir(tmp_path) == []


# --- through the app: the audit log, the headers, the formats ----------------------------------

INSTRUMENT = get_instrument(1)


@pytest.fixture
def scored(make_round, add_responses, make_user):
    """A closed round of five people who each score 4.0 on every dimension (4 on every
    statement, 2 on the reverse-worded ones, which count as 6 - 2)."""
    opens = clock.today() - timedelta(days=20)
    round_ = make_round("T1 najaar", opens_on=opens, closes_on=opens + timedelta(days=10))
    add_responses(round_, 5, lambda n, item: 2 if item.reverse else 4)
    make_user("leider@stroom.example", round_.partnership)
    return round_


def comparable(cell) -> object:
    """A cell of either file as a value: numbers as floats (a workbook holds 4.0 as 4), a
    date as ISO text (a workbook holds a datetime), an empty cell as ""."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    try:
        return float(cell)
    except ValueError:
        return cell


def audit_actions(session, partnership_id: int) -> list[tuple[str, str]]:
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.partnership_id == partnership_id).order_by(AuditEvent.id)
    )
    return [(event.action, event.detail) for event in events]


def test_the_score_export_streams_the_same_table_as_csv_and_xlsx_and_is_logged(app, client, scored, session):
    login(client, "leider@stroom.example")
    slug = scored.partnership.slug
    streamed = []

    def sent(sender, response, **extra):
        streamed.append(response.is_streamed)

    with request_finished.connected_to(sent, app):
        as_csv = client.get(f"/dashboard/{slug}/export/scores.csv")
        csv_data = as_csv.data
        as_xlsx = client.get(f"/dashboard/{slug}/export/scores.xlsx")
    assert (as_csv.status_code, as_xlsx.status_code) == (200, 200)
    assert streamed == [True, True]
    assert as_csv.headers["Content-Disposition"] == f'attachment; filename="{slug}-scores.csv"'
    assert as_xlsx.headers["Content-Disposition"] == f'attachment; filename="{slug}-scores.xlsx"'
    assert as_csv.headers["Cache-Control"] == as_xlsx.headers["Cache-Control"] == "no-store"

    rows = read_csv(csv_data)
    header = DUTCH_SCORE_HEADER
    assert rows[0] == header
    total = [row for row in rows[1:] if row[2] == "Hele meting"]
    opens = scored.opens_on.isoformat()
    assert [[r[0], r[1], r[3], r[4], r[5], r[6], r[7], r[8]] for r in total] == [
        ["T1 najaar", opens, "Hele meting", "5", dimension.title.nl, "4.0", "0.0", "5"]
        for dimension in INSTRUMENT.dimensions
    ]
    sheet = read_xlsx(as_xlsx.data)["Scores"]
    assert [[comparable(cell) for cell in row] for row in sheet] == [[comparable(cell) for cell in row] for row in rows]

    assert audit_actions(session, scored.partnership_id) == [("export.scores", "csv"), ("export.scores", "xlsx")]


def test_an_unknown_export_format_is_a_404_and_not_logged(client, scored, session):
    login(client, "leider@stroom.example")
    slug = scored.partnership.slug
    assert client.get(f"/dashboard/{slug}/export/scores.pdf").status_code == 404
    assert client.get(f"/dashboard/{slug}/rounds/{scored.id}/export/statements.json").status_code == 404
    assert audit_actions(session, scored.partnership_id) == []


def test_the_statement_export_streams_one_row_per_statement(client, scored, session):
    login(client, "leider@stroom.example")
    response = client.get(f"/dashboard/{scored.partnership.slug}/rounds/{scored.id}/export/statements.csv")
    assert response.status_code == 200
    rows = read_csv(response.data)
    assert [row[1] for row in rows[1:]] == [INSTRUMENT.dimension(item.dimension).title.nl for item in INSTRUMENT.items]
    # n, the mean (of the answers as given: 2 on a reverse-worded statement) and the counts per answer.
    for row, item in zip(rows[1:], INSTRUMENT.items, strict=True):
        given = 2 if item.reverse else 4
        counts = ["5" if value == given else "0" for value in range(1, 6)]
        assert (row[3], row[6:11], row[11]) == ("5", counts, "0"), item.key
    assert audit_actions(session, scored.partnership_id) == [("export.statements", f"{scored.title} (csv)")]

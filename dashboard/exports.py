"""CSV and XLSX files from rows of plain values, and the response that downloads them. Text
that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return)
is neutralised with a quote.

Every file is made with memory that does not grow with the number of rows: a CSV is written
while it is sent (a generator of chunks), a workbook by openpyxl's write-only mode (each row
goes to a temporary file as it is appended) into an unnamed temporary file, which is sent
from disk and disappears when the response closes it. The rows may be any iterable, a
generator included, and are read once (a generator's rows while the CSV is sent, within the
request's context).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from flask import Response, abort, request, stream_with_context
from openpyxl import Workbook
from werkzeug.wsgi import wrap_file

from auth.audit import record
from extensions import db

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows per CSV chunk: a chunk of the largest tables is some tens of kilobytes.
CHUNK_ROWS = 500

Row = Sequence[object]


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(header: Row, rows: Iterable[Row]) -> Iterator[bytes]:
    """The CSV file in chunks of CHUNK_ROWS rows, UTF-8 with a BOM (so Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([neutralise(cell) for cell in header])
    for number, row in enumerate(rows, start=1):
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def to_csv(header: Row, rows: Iterable[Row]) -> bytes:
    """The whole CSV file at once (for small tables and tests)."""
    return b"".join(csv_chunks(header, rows))


Sheet = tuple[str, Row, Iterable[Row]]  # (title, header, rows)


def write_xlsx(file, header: Row, rows: Iterable[Row], title: str, more: Iterable[Sheet] = ()) -> None:
    """A workbook with the data on its first sheet, and any further sheets (a key, say),
    written to an open binary file."""
    workbook = Workbook(write_only=True)
    for sheet_title, sheet_header, sheet_rows in [(title, header, rows), *more]:
        sheet = workbook.create_sheet(sheet_title[:31])
        sheet.freeze_panes = "A2"
        sheet.append([neutralise(cell) for cell in sheet_header])
        for row in sheet_rows:
            sheet.append([neutralise(cell) for cell in row])
    workbook.save(file)


def to_xlsx(header: Row, rows: Iterable[Row], title: str, more: Iterable[Sheet] = ()) -> bytes:
    """The whole workbook at once (for small tables and tests)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, header, rows, title, more)
    return buffer.getvalue()


def logged_download(partnership, what: str, detail: str, table, fmt: str, filename: str, sheet: str) -> Response:
    """A download a leader asked for: a 404 for a format there is none of, else the rows of
    `table()` as a file, recorded in the partnership's audit log first."""
    if fmt not in FORMATS:
        abort(404)
    header, rows = table()
    record(partnership, what, detail)
    db.session.commit()
    return download(header, rows, fmt, filename, sheet)


def download(header, rows, fmt: str, filename: str, sheet: str, more: tuple = ()) -> Response:
    """The rows as a file to download (a 404 for a format there is none of). Results stay
    out of every cache, whatever the app's other headers say."""
    if fmt == "csv":
        chunks = csv_chunks(header, rows)
        if not isinstance(rows, Sequence):
            # Rows made while the file is sent (from a query, say) need the request's
            # context, database session included, until the last one; such a response
            # must be read to the end (Flask's test client would hand this context on to
            # the next request).
            chunks = stream_with_context(chunks)
        response = Response(
            chunks,
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    if fmt == "xlsx":
        file = tempfile.TemporaryFile()  # no name on disk; gone once closed
        try:
            write_xlsx(file, header, rows, sheet, more)
            size = file.tell()
            file.seek(0)
        except BaseException:
            file.close()
            raise
        response = Response(
            wrap_file(request.environ, file),  # read in blocks; the server closes it after sending
            mimetype=XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"', "Content-Length": str(size)},
            direct_passthrough=True,
        )
        response.call_on_close(file.close)  # also when the client goes away half-way
        response.headers["Cache-Control"] = "no-store"
        return response
    abort(404)

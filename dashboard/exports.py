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
from dataclasses import dataclass
from datetime import date, datetime

from flask import Response, abort, request, stream_with_context
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from werkzeug.wsgi import wrap_file

from auth.audit import record
from extensions import db
from i18n import current_language

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows per CSV chunk: a chunk of the largest tables is some tens of kilobytes.
CHUNK_ROWS = 500


@dataclass(frozen=True)
class Dialect:
    """A CSV flavour: RFC 4180 (comma, decimal point, no BOM) or the one a Dutch Excel opens
    with a double click (semicolon, decimal comma, a BOM so it reads UTF-8). Both end lines
    with CRLF."""

    delimiter: str
    decimal: str
    bom: bool
    suffix: str  # added to the file name


DIALECTS = {
    "rfc4180": Dialect(",", ".", bom=False, suffix=""),
    "excel-nl": Dialect(";", ",", bom=True, suffix="-excel"),
}
DEFAULT_DIALECT = "rfc4180"


@dataclass(frozen=True)
class Column:
    """A column of an export: its header, what it means (for the explanation sheet of a
    workbook) and what its cells hold (text, date, datetime, count or decimal), which sets
    the number format and width of the column in a workbook."""

    title: str
    explanation: str = ""
    kind: str = "text"
    width: float | None = None


#: (number format, width) of a workbook column per kind; a date in the interface language's order.
KIND_FORMATS = {
    "text": (None, 16),
    "date": ({"nl": "dd-mm-yyyy", "en": "yyyy-mm-dd"}, 12),
    "datetime": ({"nl": "dd-mm-yyyy hh:mm", "en": "yyyy-mm-dd hh:mm"}, 17),
    "count": ("0", 10),
    "decimal": ("0.0", 10),
    "percent": ("0%", 10),
}

Row = Sequence[object]
Header = Sequence["str | Column"]


def column(cell: str | Column) -> Column:
    return cell if isinstance(cell, Column) else Column(cell)


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_value(value: object, dialect: Dialect) -> object:
    """A cell as CSV text: dates as ISO 8601 (to the minute for a time), decimals with the
    dialect's decimal sign, nothing for None, formula-looking text neutralised."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value).replace(".", dialect.decimal)
    return neutralise(value)


def csv_chunks(header: Header, rows: Iterable[Row], dialect: Dialect = DIALECTS[DEFAULT_DIALECT]) -> Iterator[bytes]:
    """The CSV file in chunks of CHUNK_ROWS rows, UTF-8 (with a BOM if the dialect wants one,
    so Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    if dialect.bom:
        buffer.write("\ufeff")
    writer.writerow([neutralise(column(cell).title) for cell in header])
    for number, row in enumerate(rows, start=1):
        writer.writerow([csv_value(cell, dialect) for cell in row])
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def to_csv(header: Header, rows: Iterable[Row], dialect: str = DEFAULT_DIALECT) -> bytes:
    """The whole CSV file at once (for small tables and tests)."""
    return b"".join(csv_chunks(header, rows, DIALECTS[dialect]))


Sheet = tuple[str, Header, Iterable[Row]]  # (title, header, rows)


def number_format(kind: str) -> str | None:
    fmt = KIND_FORMATS[kind][0]
    return fmt.get(current_language(), fmt["nl"]) if isinstance(fmt, dict) else fmt


def write_sheet(workbook: Workbook, title: str, header: Header, rows: Iterable[Row]) -> None:
    """One sheet, row by row: the header bold and frozen, each column its width, each cell
    of a date, datetime, count or decimal column with its number format."""
    sheet = workbook.create_sheet(title[:31])
    columns = [column(cell) for cell in header]
    formats = [number_format(c.kind) for c in columns]
    for index, c in enumerate(columns, start=1):  # before the first row: write-only mode writes them first
        sheet.column_dimensions[get_column_letter(index)].width = c.width or max(
            KIND_FORMATS[c.kind][1], len(c.title) + 2
        )
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for c in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(c.title))
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([cell_of(sheet, value, formats[i] if i < len(formats) else None) for i, value in enumerate(row)])


def cell_of(sheet, value: object, fmt: str | None) -> object:
    """A value as a workbook cell: with the column's number format if it is a number or a date."""
    value = neutralise(value)
    if fmt is None or value is None or isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = fmt
    return cell


def explanation_rows(sheets: Sequence[tuple[str, Header]]) -> list[list[str]]:
    """(sheet, column, meaning) of every column of every sheet."""
    return [[title, column(cell).title, column(cell).explanation] for title, header in sheets for cell in header]


def write_xlsx(file, header: Header, rows: Iterable[Row], title: str, more: Iterable[Sheet] = ()) -> None:
    """A workbook with the data on its first sheet, and any further sheets (a key, say),
    written to an open binary file. When the columns say what they mean, a last sheet
    ("Toelichting") explains every column of every sheet."""
    workbook = Workbook(write_only=True)
    written = []
    for sheet_title, sheet_header, sheet_rows in [(title, header, rows), *more]:
        write_sheet(workbook, sheet_title, sheet_header, sheet_rows)
        written.append((sheet_title[:31], sheet_header))
    if any(column(cell).explanation for _title, sheet_header in written for cell in sheet_header):
        explanation_header = [
            Column(_("Blad"), width=14),
            Column(_("Kolom"), width=28),
            Column(_("Uitleg"), width=100),
        ]
        write_sheet(workbook, _("Toelichting"), explanation_header, explanation_rows(written))
    workbook.save(file)


def to_xlsx(header: Header, rows: Iterable[Row], title: str, more: Iterable[Sheet] = ()) -> bytes:
    """The whole workbook at once (for small tables and tests)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, header, rows, title, more)
    return buffer.getvalue()


def not_found() -> None:
    abort(404, description=_("Deze download bestaat niet in die vorm. Kies CSV, CSV voor Excel (NL) of Excel."))


def chosen_dialect() -> str:
    """The CSV flavour asked for with ?dialect= (RFC 4180 unless asked otherwise); a 404
    with a message for one there is none of."""
    dialect = request.args.get("dialect", DEFAULT_DIALECT)
    if dialect not in DIALECTS:
        not_found()
    return dialect


def logged_download(
    partnerships, what: str, detail: str | None, table, fmt: str, filename: str, sheet: str
) -> Response:
    """A download a leader asked for: a 404 for a format or CSV dialect there is none of,
    else the rows of `table()` as a file, recorded in the partnership's audit log first: the
    format (with the dialect when it is not the default), after `detail` if there is one.
    `partnerships`: the partnership whose figures these are, or a list of them (a programme's),
    each of which logs the download."""
    if fmt not in FORMATS:
        not_found()
    dialect = chosen_dialect()
    header, rows = table()
    shape = f"{fmt}, {dialect}" if fmt == "csv" and dialect != DEFAULT_DIALECT else fmt
    for partnership in partnerships if isinstance(partnerships, list) else [partnerships]:
        record(partnership, what, f"{detail} ({shape})" if detail else shape)
    db.session.commit()
    return download(header, rows, fmt, filename, sheet, dialect=dialect)


def download(
    header, rows, fmt: str, filename: str, sheet: str, more: tuple = (), dialect: str = DEFAULT_DIALECT
) -> Response:
    """The rows as a file to download (a 404 for a format or dialect there is none of).
    Results stay out of every cache, whatever the app's other headers say."""
    if dialect not in DIALECTS:
        not_found()
    if fmt == "csv":
        chunks = csv_chunks(header, rows, DIALECTS[dialect])
        if not isinstance(rows, Sequence):
            # Rows made while the file is sent (from a query, say) need the request's
            # context, database session included, until the last one; such a response
            # must be read to the end (Flask's test client would hand this context on to
            # the next request).
            chunks = stream_with_context(chunks)
        name = f"{filename}{DIALECTS[dialect].suffix}.csv"
        response = Response(
            chunks,
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
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
    not_found()

"""CSV and XLSX files from rows of plain values, and the response that downloads them. Text
that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return)
is neutralised with a quote."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response, abort
from openpyxl import Workbook

from auth.audit import record
from extensions import db

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")

Row = Sequence[object]


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(header: Row, rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


Sheet = tuple[str, Row, Iterable[Row]]  # (title, header, rows)


def to_xlsx(header: Row, rows: Iterable[Row], title: str, more: Iterable[Sheet] = ()) -> bytes:
    """A workbook with the data on its first sheet, and any further sheets (a key, say)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet_title, sheet_header, sheet_rows in [(title, header, rows), *more]:
        sheet = workbook.create_sheet(sheet_title[:31])
        sheet.append([neutralise(cell) for cell in sheet_header])
        for row in sheet_rows:
            sheet.append([neutralise(cell) for cell in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
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
    """The rows as a file to download (a 404 for a format there is none of)."""
    if fmt == "csv":
        return Response(
            to_csv(header, rows),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    if fmt == "xlsx":
        return Response(
            to_xlsx(header, rows, sheet, more),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
        )
    abort(404)

"""CSV and Excel downloads of tabular data."""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value) -> str:
    """Text for a spreadsheet cell that a spreadsheet program will not run as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """A CSV download (UTF-8 with a byte-order mark so that Excel reads accents)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe_text(v) for v in row])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


def _cell(value):
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return value
    return _safe_text(value)


def workbook_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """An Excel workbook with one sheet: a bold header row, then the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headers]
    for row in rows:
        values = [_cell(v) for v in row]
        sheet.append(values)
        for i, value in enumerate(values):
            widths[i] = max(widths[i], min(len(str(value or "")), 60))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """An Excel download of one sheet."""
    return Response(
        workbook_bytes(filename, headers, rows),
        mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
    )


def attachment_headers(filename: str) -> dict[str, str]:
    """The Content-Disposition of a download, with a UTF-8 form when the name is not ASCII."""
    plain = "".join(c for c in filename if c.isascii() and c.isprintable() and c not in '"\\')
    value = f'attachment; filename="{plain or "download"}"'
    if plain != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return {"Content-Disposition": value}


_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _write_sheet(sheet, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    """A bold, frozen header row, then the rows, columns as wide as their text (up to 60)."""
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = [_cell(v) for v in row]
        sheet.append(values)
        widths += [0] * (len(values) - len(widths))
        for i, value in enumerate(values):
            widths[i] = max(widths[i], min(len(str("" if value is None else value)), 60))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"


def workbook_from_sheets(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]
                         ) -> bytes:
    """An Excel workbook with one sheet for each (title, headers, rows), in order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        # Excel refuses these characters and titles over 31 characters.
        name = _SHEET_TITLE_FORBIDDEN.sub("-", title)[:31] or "Sheet"
        _write_sheet(workbook.create_sheet(name), headers, rows)
    if not workbook.worksheets:
        raise ValueError("a workbook needs at least one sheet")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_download(filename: str, data: bytes) -> Response:
    """A download of an Excel workbook already built (see `workbook_from_sheets`)."""
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    return Response(data, mimetype=XLSX_MIMETYPE, headers=attachment_headers(filename))

"""Export files for staff: CSV that Excel opens as UTF-8, and XLSX; neither ever holds a formula.

A text whose first character, after leading whitespace (which spreadsheet programs skip) and in its
NFKC form (full-width ＝ ＋ － and the small ﹦ are read as = + -), is = + - or @ would be run as a formula
when the file is opened (CSV injection). In a CSV it gets a leading apostrophe, so it shows as typed.
In an XLSX every cell is typed as text, and such a cell carries the quotePrefix style: Excel shows it
as typed, without an apostrophe, and does not make a formula of it even when the cell is edited.
"""

import csv
import io
import re
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")  # some programs skip them before reading a formula
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an XLSX file cannot hold


def as_text(value):
    return "" if value is None else str(value)


def could_be_formula(text):
    """Whether a spreadsheet program could read the text as a formula."""
    first = unicodedata.normalize("NFKC", text.lstrip()[:1])
    return text.startswith(CONTROL_STARTS) or first.startswith(FORMULA_STARTS)


def neutralise(value):
    """A CSV cell's text, with a leading apostrophe when it could be read as a formula."""
    text = as_text(value)
    return f"'{text}" if could_be_formula(text) else text


def csv_bytes(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header, rows, title):
    """One sheet, every cell a string typed as a string (openpyxl would take a text beginning with = for a
    formula), those that could be read as one marked quotePrefix: shown as typed, never run."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])

    def cells(values):
        for value in values:
            text = XLSX_ILLEGAL.sub("", as_text(value))
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            cell.quotePrefix = could_be_formula(text)
            yield cell

    sheet.append(list(cells(header)))
    for row in rows:
        sheet.append(list(cells(row)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

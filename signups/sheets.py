"""Export files for staff: CSV that Excel opens as UTF-8, and XLSX; neither ever holds a formula.

A cell beginning with = + - @ (or a tab or carriage return, which some spreadsheet programs skip
before reading one) would be run as a formula when the file is opened: such a text gets a leading
apostrophe, so it shows as typed (CSV injection).
"""

import csv
import io
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an XLSX file cannot hold


def neutralise(value):
    """A cell's text, defused when it could be read as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header, rows, title):
    """One sheet, every cell a string typed as a string: openpyxl takes a text beginning with = for a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])

    def cells(values):
        for value in values:
            cell = WriteOnlyCell(sheet, value=XLSX_ILLEGAL.sub("", neutralise(value)))
            cell.data_type = "s"
            yield cell

    sheet.append(list(cells(header)))
    for row in rows:
        sheet.append(list(cells(row)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

import csv
import io

import pytest
from openpyxl import load_workbook

from core.spreadsheets import csv_bytes, neutralise, xlsx_bytes

pytestmark = pytest.mark.once  # plain functions: no database

HEADER = ["姓名", "手机号", "留言"]
HOSTILE = ['=HYPERLINK("http://x.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]
DISGUISED = [" =1+1", "\n=1+1", "\u3000=1+1", "＝1+1", "＋1+1", "－2+3", "﹦1+1", "＠SUM(A1)"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_could_be_read_as_a_formula_gets_a_leading_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", DISGUISED)
def test_a_formula_behind_whitespace_or_in_full_width_or_small_form_is_neutralised(text):
    """Spreadsheet programs skip leading whitespace and read ＝ or ﹦ as =."""
    assert neutralise(text) == "'" + text


def test_ordinary_text_and_numbers_are_left_as_they_are():
    assert [neutralise(value) for value in ("王小明", "13812345678", "有C1驾照", None)] == [
        "王小明",
        "13812345678",
        "有C1驾照",
        "",
    ]


def test_the_csv_starts_with_a_bom_so_excel_reads_it_as_utf8():
    content = csv_bytes(HEADER, [["王小明", "13812345678", ""]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines()[1] == "王小明,13812345678,"


def test_no_csv_cell_starts_with_a_formula_character():
    rows = list(csv.reader(io.StringIO(csv_bytes(HEADER, [HOSTILE[:3], HOSTILE[3:]]).decode("utf-8-sig"))))
    assert rows[1:] == [["'" + text for text in HOSTILE[:3]], ["'" + text for text in HOSTILE[3:]]]


def read_back(rows):
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADER, rows, "求职报名"))).active
    return [cell for row in sheet.iter_rows(min_row=2) for cell in row]


def test_the_xlsx_holds_every_cell_as_text_and_no_formula():
    cells = read_back([HOSTILE[:3], DISGUISED[:3], ["王小明", "13812345678", "=1+1"]])
    assert {cell.data_type for cell in cells} <= {"s", "inlineStr"}  # text, never "f"


def test_an_xlsx_cell_that_could_be_a_formula_shows_as_typed_without_an_apostrophe():
    """quotePrefix: Excel shows the text as typed and keeps it text even when the cell is edited."""
    cells = read_back([HOSTILE[:3], DISGUISED[3:6]])
    assert [cell.value for cell in cells] == HOSTILE[:3] + DISGUISED[3:6]
    assert all(cell.quotePrefix for cell in cells)


def test_ordinary_xlsx_cells_carry_no_quote_prefix():
    cells = read_back([["王小明", "13812345678", "有C1驾照"]])
    assert [cell.value for cell in cells] == ["王小明", "13812345678", "有C1驾照"]
    assert not any(cell.quotePrefix for cell in cells)

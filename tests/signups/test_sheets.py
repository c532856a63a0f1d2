import csv
import io

import pytest
from openpyxl import load_workbook

from signups.sheets import csv_bytes, neutralise, xlsx_bytes

pytestmark = pytest.mark.once  # plain functions: no database

HEADER = ["姓名", "手机号", "留言"]
HOSTILE = ['=HYPERLINK("http://x.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_could_be_read_as_a_formula_gets_a_leading_apostrophe(text):
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


def test_the_xlsx_holds_every_cell_as_text_and_no_formula():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADER, [HOSTILE[:3], ["王小明", "13812345678", "=1+1"]], "求职报名"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert {cell.data_type for cell in cells} <= {"s", "inlineStr"}  # text, never "f"
    assert [cell.value for cell in cells[3:]] == ["'" + text for text in HOSTILE[:3]] + ["王小明", "13812345678", "'=1+1"]

import pytest

from signups.codes import ALPHABET, grouped, new_code, normalise_code
from signups.phones import is_mobile, mask_phone, mask_phones_in, normalise_phone

pytestmark = pytest.mark.once  # plain functions: no database


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "１３８１２３４５６７８",
        "+86 138 1234 5678",
        "008613812345678",
        "8613812345678",
    ],
)
def test_a_mobile_number_is_normalised_however_it_is_typed(typed):
    assert normalise_phone(typed) == "13812345678"


@pytest.mark.parametrize("typed", ["12812345678", "1381234567", "138123456789", "0517-83600000", "1381234567a", ""])
def test_what_is_not_a_mainland_mobile_number_is_refused(typed):
    assert not is_mobile(normalise_phone(typed))


@pytest.mark.parametrize("typed", ["13٨12345678", "1381234567۸", "13८12345678", "138১2345678"])
def test_digits_of_other_scripts_do_not_make_a_mobile_number(typed):
    """Python's \\d matches every script's digits; a stored number must be one a phone can dial."""
    assert not is_mobile(normalise_phone(typed))


@pytest.mark.parametrize("typed", ["１３８１２３４５６７８", "13８1234567８"])
def test_full_width_digits_make_a_mobile_number(typed):
    assert is_mobile(normalise_phone(typed))


def test_a_phone_number_is_masked_but_for_its_first_three_and_last_four_digits():
    assert mask_phone("13812341234") == "138****1234"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("打这个 13999998888", "打这个 139****8888"),
        ("139 9999 8888 或 138-0000-1111", "139****8888 或 138****1111"),
        ("１３９９９９９８８８８", "139****8888"),
        ("１３９－９９９９－８８８８下午打", "139****8888下午打"),
        ("+86 139 9999 8888", "139****8888"),
    ],
)
def test_a_mobile_number_typed_into_a_text_is_masked(typed, shown):
    assert mask_phones_in(typed) == shown


@pytest.mark.parametrize("typed", ["座机 0517-83600000", "身份证 320802199001011234", "工号 1399999888", "有C1驾照"])
def test_other_numbers_in_a_text_are_left_as_they_are(typed):
    assert mask_phones_in(typed) == typed


def test_a_withdrawal_code_is_shown_in_two_groups_of_unambiguous_characters():
    code = new_code()
    assert len(code) == 8 and set(code) <= set(ALPHABET)
    assert not set("01OIL") & set(ALPHABET)
    assert grouped("K7P39QXM") == "K7P3-9QXM"


@pytest.mark.parametrize("typed", ["K7P3-9QXM", "k7p39qxm", " k7p3 9qxm ", "Ｋ７Ｐ３－９ＱＸＭ"])
def test_a_withdrawal_code_is_accepted_in_any_case_with_or_without_its_dash(typed):
    assert normalise_code(typed) == "K7P39QXM"


@pytest.mark.parametrize("typed", ["K7P3-9QX", "K7P3-9QXM1", "K0P3-9QXM", ""])
def test_what_cannot_be_a_withdrawal_code_is_not_one(typed):
    assert normalise_code(typed) == ""

import pytest
from django.core.exceptions import ValidationError

from jobfairs.credit_code import check_character, validate_credit_code
from tests.jobfairs.factories import credit_code

pytestmark = pytest.mark.once


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # published on a business licence
        "91110000600037341L",
        "91440300708461136T",
        "91350100m000100y43",  # typed in lower case: read as capitals
        " 91350100M000100Y43 ",
    ],
)
def test_real_codes_pass(code):
    validate_credit_code(code)


def test_codes_computed_for_the_test_employers_pass():
    for number in range(1, 50):
        validate_credit_code(credit_code(number))


def test_the_check_character_follows_gb_32100():
    assert check_character("91350100M000100Y4") == "3"
    assert check_character("91110000600037341") == "L"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "应为18位，现在是17位"),
        ("91350100M000100Y433", "应为18位，现在是19位"),
        ("91350100M000100Y44", "校验位不对"),
        ("91350100M000010Y43", "校验位不对"),  # two characters swapped
        ("91350100M0001O0Y43", "不能有：O"),
        ("91350100S000100I43", "不能有：I、S"),
        ("", "现在是0位"),
    ],
)
def test_wrong_codes_are_refused_with_the_reason(code, message):
    with pytest.raises(ValidationError) as refused:
        validate_credit_code(code)
    assert message in refused.value.messages[0]

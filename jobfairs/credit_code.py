"""The unified social credit code (统一社会信用代码) of an employer, checked as GB 32100-2015 defines it.

Eighteen characters from 0-9 and the capitals without I, O, Z, S and V; the last is a check
character computed from the other seventeen (weights 3^i mod 31). A typed-in code with one wrong
or two swapped characters fails the check, which is the point: positions name their employer.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: value for value, char in enumerate(CHARSET)}
WEIGHTS = [pow(3, index, 31) for index in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
LENGTH = 18


def check_character(first_seventeen):
    """The 18th character for the first seventeen."""
    total = sum(VALUES[char] * weight for char, weight in zip(first_seventeen, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalise_credit_code(value):
    return (value or "").strip().upper()


def validate_credit_code(value):
    """Raise ValidationError with the reason a person can act on, or return None for a valid code."""
    code = normalise_credit_code(value)
    if len(code) != LENGTH:
        raise ValidationError(
            _("统一社会信用代码应为18位，现在是%(length)d位。") % {"length": len(code)}, code="credit_code_length"
        )
    wrong = sorted({char for char in code if char not in VALUES})
    if wrong:
        raise ValidationError(
            _("统一社会信用代码只含数字和大写字母（不含I、O、Z、S、V），不能有：%(chars)s。") % {"chars": "、".join(wrong)},
            code="credit_code_charset",
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码的校验位不对，请核对是否有输错或颠倒的字符。"), code="credit_code_check")

"""Chinese mainland mobile numbers: as people type them, as they are stored, and as staff see them."""

import re
import unicodedata

MOBILE = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits only: \d would take any script's digits (٨, ८)
SEPARATORS = re.compile(r"[\s\-()]")  # after NFKC: full-width brackets and dashes are these too
COUNTRY_PREFIXES = ("+86", "0086", "86")


def wide(ascii_characters):
    """The full-width forms of ASCII characters (U+FF01 to U+FF5E: ASCII plus 0xFEE0)."""
    return "".join(chr(ord(character) + 0xFEE0) for character in ascii_characters)


# A mobile number inside free text (a name, a note): ASCII or full-width digits, a space or a dash (of any
# width) allowed between any two, perhaps after +86, and no digit right before or after (part of a longer
# number, an ID).
_DIGIT = f"[0-9{wide('0')}-{wide('9')}]"
_GAP = f"[\\s\\-\u2010-\u2015\u2212{wide('-')}]{{0,3}}"
_COUNTRY = f"(?:(?:[+{wide('+')}]|00|{wide('00')})?[8{wide('8')}][6{wide('6')}]{_GAP})?"
MOBILE_IN_TEXT = re.compile(
    f"(?<!{_DIGIT}){_COUNTRY}[1{wide('1')}]{_GAP}[3-9{wide('3')}-{wide('9')}]" + f"(?:{_GAP}{_DIGIT})" * 9 + f"(?!{_DIGIT})"
)


def normalise_phone(text):
    """138 1234 5678, １３８-1234-5678 or +86 13812345678 as 13812345678: full-width digits made
    half-width (NFKC), spaces, dashes and brackets dropped, the country code taken off."""
    phone = SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))
    for prefix in COUNTRY_PREFIXES:
        if phone.startswith(prefix) and len(phone) == len(prefix) + 11:
            return phone[len(prefix) :]
    return phone


def is_mobile(phone):
    """Whether a normalised number is a mainland mobile number: 11 ASCII digits, 13x to 19x. NFKC makes
    full-width digits ASCII, but leaves Arabic-Indic, Devanagari and other scripts' digits as they are."""
    return MOBILE.fullmatch(phone) is not None


def mask_phone(phone):
    """138****1234: what staff without the export permission, and any page, are shown."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def mask_phones_in(text):
    """Every mobile number typed into a text (打这个 139 9999-8888) masked as 139****8888: names and notes
    are shown to staff and on the withdrawal pages, where no full number belongs."""

    def masked(match):
        digits = "".join(character for character in unicodedata.normalize("NFKC", match.group()) if character.isdigit())
        return mask_phone(digits[-11:])  # without the country code

    return MOBILE_IN_TEXT.sub(masked, text or "")

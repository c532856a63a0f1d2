"""Chinese mainland mobile numbers: as people type them, as they are stored, and as staff see them."""

import re
import unicodedata

MOBILE = re.compile(r"1[3-9][0-9]{9}")  # ASCII digits only: \d would take any script's digits (٨, ८)
SEPARATORS = re.compile(r"[\s\-()]")  # after NFKC: full-width brackets and dashes are these too
COUNTRY_PREFIXES = ("+86", "0086", "86")


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

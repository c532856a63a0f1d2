"""Withdrawal codes: random, short, easy to read out and type, shown grouped as K7P3-9QXM."""

import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: nothing to confuse when read off a screen
LENGTH = 8
GROUP = 4


def new_code():
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code):
    """K7P39QXM as K7P3-9QXM."""
    return "-".join(code[start : start + GROUP] for start in range(0, len(code), GROUP))


def normalise_code(text):
    """What the person typed (k7p3 9qxm, K7P3-9QXM, full-width) as the bare code, or "" when it cannot be one."""
    code = "".join(unicodedata.normalize("NFKC", text or "").upper().replace("-", "").split())
    return code if len(code) == LENGTH and all(character in ALPHABET for character in code) else ""

"""Storing a sign-up with its consent, and withdrawing it by its code."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.ratelimit import hashed

from .codes import new_code, normalise_code
from .models import Signup, SignupPosition

NOTICE_VERSION = "2026-11-v1"  # templates/signups/notices/<version>.html: a new wording is a new file and version
CODE_SALT = "signup-withdrawal"
ATTEMPTS = 5  # a new code on the rare collision of two hashes


def code_hash(code):
    return hashed(code, salt=CODE_SALT)


def sign_up(fair, name, phone, note, positions):
    """Store the entry for `positions` (each agreed for its employer): (entry, withdrawal code).

    Called only once every chosen position's employer was consented to (forms.InterestForm). The entry
    and its positions are stored together or not at all: an entry without its positions would hold a
    person's data agreed for nobody.
    """
    now = timezone.now()
    with transaction.atomic():
        signup, code = new_entry(fair=fair, name=name, phone=phone, note=note, now=now)
        SignupPosition.objects.bulk_create(
            SignupPosition(
                signup=signup,
                position=position,
                employer=position.employer,
                job_title=position.job_title,
                employer_name=position.employer.name,
                consented_at=now,
            )
            for position in positions
        )
    return signup, code


def new_entry(fair, name, phone, note, now):
    """The entry under a new withdrawal code: (entry, code). A code whose hash is taken is drawn again."""
    days = settings.SIGNUP_RETENTION_DAYS
    for _attempt in range(ATTEMPTS):
        code = new_code()
        try:
            with transaction.atomic():  # a savepoint: a collision leaves the outer transaction usable
                signup = Signup.objects.create(
                    fair=fair,
                    name=name,
                    phone=phone,
                    note=note,
                    created_at=now,
                    consented_at=now,
                    notice_version=NOTICE_VERSION,
                    retention_days=days,
                    delete_after=now + timedelta(days=days),
                    withdrawal_hash=code_hash(code),
                )
        except IntegrityError:
            continue
        return signup, code
    raise RuntimeError("no unique withdrawal code after several attempts")


def find_by_code(text):
    """The entry a typed or linked code belongs to, or None."""
    code = normalise_code(text)
    return Signup.objects.select_related("fair").filter(withdrawal_hash=code_hash(code)).first() if code else None


def withdraw(signup):
    """Delete the entry and its positions for good: it is no longer shown or exported."""
    signup.delete()

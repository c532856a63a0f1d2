"""Storing an entry: all of it or nothing."""

import pytest
from django.db import DatabaseError

from signups.entries import sign_up
from signups.models import Signup, SignupPosition
from tests.signups.conftest import PHONE


def test_an_entry_is_not_kept_when_its_positions_cannot_be_stored(fair, positions, monkeypatch):
    """An entry without its positions would hold a person's data agreed for no employer."""

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(SignupPosition.objects, "bulk_create", fail)
    with pytest.raises(DatabaseError):
        sign_up(fair, "王小明", PHONE, "", positions[:1])
    assert not Signup.objects.exists()

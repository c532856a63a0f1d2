from datetime import timedelta

import factory

from signups.entries import sign_up
from signups.models import Signup


class SignupFactory(factory.Factory):
    """An entry as the form stores it (consent per employer of each position): `fair` and `positions` are required."""

    class Meta:
        model = Signup

    name = factory.Sequence(lambda n: f"求职者{n}")
    phone = factory.Sequence(lambda n: f"1390000{n % 10000:04d}")
    note = ""

    @classmethod
    def _create(cls, model_class, fair, positions, created_at=None, **kwargs):
        signup, code = sign_up(fair, kwargs["name"], kwargs["phone"], kwargs["note"], positions)
        if created_at is not None:
            delete_after = created_at + timedelta(days=signup.retention_days)
            Signup.objects.filter(pk=signup.pk).update(created_at=created_at, delete_after=delete_after)
            signup.refresh_from_db()
        signup.code = code
        return signup

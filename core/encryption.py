"""Secrets kept in the database (channel app secrets, access and refresh tokens), encrypted with Fernet.

The keys come from FIELD_ENCRYPTION_KEYS, newest first: MultiFernet encrypts with the first and
decrypts with any of them. A key is rotated by putting a new one first, running
`manage.py rotate_encrypted_fields`, then dropping the old one. `make run` makes one in var/, as it
makes the secret key; production must give its own. A database copied without its key holds nothing
usable.
"""

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class UnreadableSecret(ValueError):
    """Stored with a key that is no longer among FIELD_ENCRYPTION_KEYS."""


@functools.cache
def _fernet(keys):
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as error:  # the message names no key
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key") from error


def fernet():
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: secrets cannot be stored")
    return _fernet(keys)


def encrypt(text):
    return fernet().encrypt(text.encode()).decode()


def decrypt(token):
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret("a stored secret was encrypted with a key no longer configured") from None


class EncryptedTextField(models.TextField):
    """Text stored encrypted; read back as plain text. Empty stays empty, so "not set" is visible without
    decrypting. Migrations see a plain TextField: the column is text either way, and no module of the
    project is named in them."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs

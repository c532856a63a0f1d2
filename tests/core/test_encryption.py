"""Secrets in the database are Fernet tokens under FIELD_ENCRYPTION_KEYS; keys rotate newest first."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from core.encryption import UnreadableSecret, decrypt, encrypt, rotate

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_secret_reads_back_and_is_not_kept_as_written(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    token = encrypt("douyin-app-secret-抖音")
    assert "douyin-app-secret" not in token and decrypt(token) == "douyin-app-secret-抖音"
    assert encrypt("same") != encrypt("same")  # nothing to compare stored secrets by


def test_a_new_key_first_still_reads_the_old_ones_and_rotation_moves_them(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    token = encrypt("refresh-token")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    rotated = rotate(token)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert decrypt(rotated) == "refresh-token"
    with pytest.raises(UnreadableSecret):
        decrypt(token)


def test_without_keys_nothing_can_be_stored(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        encrypt("secret")


def test_a_key_that_is_no_fernet_key_is_named_as_the_problem_without_its_value(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key-but-a-password"]
    with pytest.raises(ImproperlyConfigured) as refused:
        encrypt("secret")
    assert "not-a-key-but-a-password" not in str(refused.value)

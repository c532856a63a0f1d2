"""Secrets in the database are Fernet tokens under FIELD_ENCRYPTION_KEYS; keys rotate newest first."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from core.encryption import UnreadableSecret, decrypt, encrypt
from distribution.models import ChannelAccount

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_secret_reads_back_and_is_not_kept_as_written(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    token = encrypt("douyin-app-secret-抖音")
    assert "douyin-app-secret" not in token and decrypt(token) == "douyin-app-secret-抖音"
    assert encrypt("same") != encrypt("same")  # nothing to compare stored secrets by


def test_a_new_key_first_still_reads_what_the_old_one_wrote(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    token = encrypt("refresh-token")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert decrypt(token) == "refresh-token"
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(UnreadableSecret):
        decrypt(token)


@pytest.mark.django_db
def test_rotating_moves_every_stored_secret_to_the_newest_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    account = ChannelAccount.objects.create(name="抖音号", client_key="key", client_secret="app-secret", refresh_token="rft.1")
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    output = StringIO()
    call_command("rotate_encrypted_fields", stdout=output, stderr=StringIO())
    assert "重新加密 1 行" in output.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    account.refresh_from_db()
    assert (account.client_secret, account.refresh_token, account.access_token) == ("app-secret", "rft.1", "")


def test_without_keys_nothing_can_be_stored(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        encrypt("secret")


def test_a_key_that_is_no_fernet_key_is_named_as_the_problem_without_its_value(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key-but-a-password"]
    with pytest.raises(ImproperlyConfigured) as refused:
        encrypt("secret")
    assert "not-a-key-but-a-password" not in str(refused.value)

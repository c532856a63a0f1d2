"""Entries are deleted after SIGNUP_RETENTION_DAYS, by the scheduler and by `purge_signups`."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from core import scheduler
from signups.models import Signup, SignupPosition
from signups.retention import purge_expired
from tests.signups.factories import SignupFactory


@pytest.fixture
def now():
    return timezone.now()


def entry_aged(fair, positions, age, now):
    return SignupFactory(fair=fair, positions=positions[:1], created_at=now - age)


def test_an_entry_is_kept_to_the_end_of_the_retention_period_and_deleted_after(fair, positions, now, settings):
    settings.SIGNUP_RETENTION_DAYS = 90
    at_the_limit = entry_aged(fair, positions, timedelta(days=90), now)
    past_it = entry_aged(fair, positions, timedelta(days=90, seconds=1), now)
    assert purge_expired(now) == 1
    assert list(Signup.objects.all()) == [at_the_limit]
    assert not SignupPosition.objects.filter(signup_id=past_it.pk).exists()


def test_the_retention_period_is_a_setting(fair, positions, now, settings):
    settings.SIGNUP_RETENTION_DAYS = 7
    entry_aged(fair, positions, timedelta(days=8), now)
    entry_aged(fair, positions, timedelta(days=6), now)
    assert purge_expired(now) == 1 and Signup.objects.count() == 1


def test_an_entry_is_not_kept_longer_than_its_notice_said_when_the_setting_grows(fair, positions, now, settings):
    settings.SIGNUP_RETENTION_DAYS = 30
    told_30_days = entry_aged(fair, positions, timedelta(days=31), now)
    settings.SIGNUP_RETENTION_DAYS = 90
    kept = entry_aged(fair, positions, timedelta(days=31), now)
    assert (told_30_days.retention_days, kept.retention_days) == (30, 90)
    assert purge_expired(now) == 1 and list(Signup.objects.all()) == [kept]


def test_a_sign_up_stores_when_its_notice_said_it_would_be_deleted(fair, positions, settings):
    settings.SIGNUP_RETENTION_DAYS = 45
    signup = SignupFactory(fair=fair, positions=positions[:1])
    assert signup.delete_after == signup.created_at + timedelta(days=45)


def test_an_entry_goes_when_the_setting_shrinks_below_what_its_notice_said(fair, positions, now, settings):
    settings.SIGNUP_RETENTION_DAYS = 90
    entry_aged(fair, positions, timedelta(days=31), now)
    settings.SIGNUP_RETENTION_DAYS = 30
    assert purge_expired(now) == 1 and not Signup.objects.exists()


def test_thousands_of_entries_under_a_shorter_notice_are_all_deleted(fair, now, settings):
    """The purge once built one OR clause per entry: SQLite gave up at about 1,500 entries."""
    settings.SIGNUP_RETENTION_DAYS = 90
    created_at = now - timedelta(days=31)
    Signup.objects.bulk_create(
        Signup(
            fair=fair,
            name=f"求职者{n}",
            phone=f"1390000{n:04d}",
            created_at=created_at,
            consented_at=created_at,
            notice_version="2026-11-v1",
            retention_days=30,
            delete_after=created_at + timedelta(days=30),
            withdrawal_hash=f"{n:032x}",
        )
        for n in range(2000)
    )
    assert purge_expired(now) == 2000 and not Signup.objects.exists()


def test_the_migration_fills_in_when_existing_entries_are_to_be_deleted(fair, positions, now):
    signup = entry_aged(fair, positions, timedelta(days=10), now)
    Signup.objects.filter(pk=signup.pk).update(delete_after=now)  # any value: the migration fills every row
    importlib.import_module("signups.migrations.0002_signup_delete_after").fill_delete_after(apps, None)
    signup.refresh_from_db()
    assert signup.delete_after == now - timedelta(days=10) + timedelta(days=signup.retention_days)


def test_the_scheduler_deletes_expired_entries(fair, positions):
    entry_aged(fair, positions, timedelta(days=91), timezone.now())
    reports = scheduler.run_jobs()
    assert not Signup.objects.exists()
    assert "已删除 1 条超过保存期限的求职报名。" in reports


def test_the_command_deletes_expired_entries_after_a_restore(fair, positions, capsys):
    for _ in range(3):
        entry_aged(fair, positions, timedelta(days=100), timezone.now())
    entry_aged(fair, positions, timedelta(days=1), timezone.now())
    call_command("purge_signups")
    assert "已删除 3 条" in capsys.readouterr().out
    assert Signup.objects.count() == 1

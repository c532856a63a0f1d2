"""Entries are deleted after SIGNUP_RETENTION_DAYS, by the scheduler and by `purge_signups`."""

from datetime import timedelta

import pytest
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

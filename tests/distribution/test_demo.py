"""The demo shows the channels at work: an account waiting for its secret and consent, a rule, and the
approved demo clip sent, stopped where an administrator must act."""

import pytest

from distribution.demo import demo_account_name, load_channels
from distribution.models import ChannelAccount, Distribution, DistributionRule
from distribution.runner import run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_held")]


def quiet(*args, **kwargs):
    pass


def test_the_demo_sends_the_approved_clip_to_an_account_an_administrator_must_finish(approved_clip):
    load_channels(quiet, quiet)
    load_channels(quiet, quiet)
    account = ChannelAccount.objects.get(name=demo_account_name())
    (row,) = Distribution.objects.all()
    assert row.video == approved_clip and row.account == account and account.auth_state() == "未授权"
    assert DistributionRule.objects.get().section.slug == "zhibo-jiangang"
    run(row.pk)
    row.refresh_from_db()
    assert row.status == Distribution.Status.NEEDS_CONFIG and "Client Secret" in row.last_error

"""The demo shows the channels at work: accounts waiting for their secrets (and consent), rules, the approved
demo clip sent to Douyin and 视频号, the published fair to the Official Account, each stopped where a person
must act."""

import pytest

from distribution.demo import demo_account_name, load_channels
from distribution.models import Channel, ChannelAccount, Distribution, DistributionRule
from distribution.runner import run
from tests.jobfairs.factories import JobFairPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_held")]
Status = Distribution.Status


def quiet(*args, **kwargs):
    pass


@pytest.fixture
def loaded(approved_clip):
    fair = JobFairPageFactory()
    load_channels(quiet, quiet)
    load_channels(quiet, quiet)
    return approved_clip, fair


def test_the_demo_sends_the_approved_clip_to_douyin_where_an_administrator_must_finish(loaded):
    clip, _fair = loaded
    account = ChannelAccount.objects.get(name=demo_account_name())
    row = Distribution.objects.get(account=account)
    assert row.video == clip and account.auth_state() == "未授权"
    run(row.pk)
    row.refresh_from_db()
    assert row.status == Status.NEEDS_CONFIG and "密钥" in row.last_error


def test_the_demo_sends_the_fair_to_the_official_account_which_asks_for_its_secret(loaded):
    _clip, fair = loaded
    row = Distribution.objects.get(account__channel=Channel.WECHAT)
    assert row.page_id == fair.pk
    run(row.pk)
    row.refresh_from_db()
    assert row.status == Status.NEEDS_CONFIG and "密钥" in row.account.config_problem


def test_the_demo_clip_waits_on_channels_for_a_person_to_post_it(loaded):
    clip, _fair = loaded
    row = Distribution.objects.get(account__channel=Channel.CHANNELS)
    assert row.video == clip and row.status == Status.MANUAL


def test_the_demo_has_a_rule_for_each_channel_on_live_recruitment(loaded):
    rules = DistributionRule.objects.select_related("section", "account")
    assert {rule.section.slug for rule in rules} == {"zhibo-jiangang"}
    assert {rule.account.channel for rule in rules} == set(Channel.values)

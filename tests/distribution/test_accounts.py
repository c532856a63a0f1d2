"""Channel accounts: connected by OAuth with the state checked, tokens kept fresh and renewed while
renewals last, secrets encrypted at rest and never shown back or logged."""

import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from distribution.accounts import client_for, keep_tokens_fresh, with_token
from distribution.models import ChannelAccount, Distribution
from distribution.platforms.base import NeedsAuth
from distribution.publishing import distribute
from distribution.runner import run
from tests.distribution import douyin_standin as standin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_held")]


@pytest.fixture
def administrator(client, make_staff):
    client.force_login(make_staff("guanli", roles=["管理员"]))
    return client


@pytest.fixture
def new_account(db, douyin, settings):
    settings.DOUYIN_BASE_URL = douyin.base_url
    return ChannelAccount.objects.create(
        name="淮安市总工会抖音号", client_key=douyin.state.client_key, client_secret=douyin.state.client_secret
    )


def authorise(client, account):
    """The administrator clicks 「连接抖音」, consents on the channel's page, and comes back with a code."""
    to_channel = client.get(f"/admin/distribution/accounts/{account.pk}/connect/")
    assert to_channel.status_code == 302
    back = httpx.get(to_channel["Location"], follow_redirects=False).headers["location"]
    parts = urlsplit(back)
    return parts.path, {key: values[0] for key, values in parse_qs(parts.query).items()}


def test_an_administrator_connects_the_account_through_the_channels_consent(administrator, new_account, douyin):
    path, query = authorise(administrator, new_account)
    assert path == "/admin/distribution/oauth/callback/"
    response = administrator.get(path, query, follow=True)
    assert "已授权" in response.text
    new_account.refresh_from_db()
    assert new_account.open_id == douyin.state.open_id and new_account.access_token in douyin.state.access_tokens
    assert new_account.auth_state() == "已授权" and new_account.renewals == 0


def test_a_callback_with_another_state_is_refused(administrator, new_account):
    path, query = authorise(administrator, new_account)
    response = administrator.get(path, {**query, "state": "forged"}, follow=True)
    assert "state 不符" in response.text
    new_account.refresh_from_db()
    assert not new_account.access_token


def test_a_callback_in_another_session_is_refused(administrator, new_account, client, make_staff):
    path, query = authorise(administrator, new_account)
    administrator.logout()
    administrator.force_login(make_staff("other-admin", roles=["管理员"]))
    assert "state 不符" in administrator.get(path, query, follow=True).text


def test_only_administrators_reach_the_accounts(client, make_staff, new_account):
    client.force_login(make_staff("shipin", roles=["视频"]))
    assert client.get(f"/admin/distribution/accounts/{new_account.pk}/connect/").status_code == 302
    assert client.get("/admin/distribution/accounts/").status_code == 302
    assert "connect" not in client.get("/admin/distribution/accounts/", follow=True).request["PATH_INFO"]


def test_secrets_are_stored_encrypted(douyin_account):
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret, access_token, refresh_token FROM distribution_channelaccount")
        stored = cursor.fetchone()
    assert douyin_account.client_secret not in stored[0] and douyin_account.access_token not in stored[1]
    assert all(value.startswith("gAAAAA") for value in stored)  # Fernet tokens


def test_the_secret_is_never_shown_back_and_a_blank_keeps_it(administrator, douyin_account):
    page = administrator.get(f"/admin/distribution/accounts/edit/{douyin_account.pk}/").text
    assert douyin_account.client_secret not in page and douyin_account.access_token not in page
    form = {"channel": "douyin", "name": "市总工会抖音号", "client_key": douyin_account.client_key, "client_secret": ""}
    administrator.post(f"/admin/distribution/accounts/edit/{douyin_account.pk}/", form)
    douyin_account.refresh_from_db()
    assert douyin_account.name == "市总工会抖音号" and douyin_account.client_secret == "standin_client_secret"


def test_an_access_token_near_its_end_is_refreshed_before_the_call(douyin_account, douyin):
    ChannelAccount.objects.filter(pk=douyin_account.pk).update(access_expires_at=timezone.now() + timedelta(minutes=5))
    douyin_account.refresh_from_db()
    old = douyin_account.access_token
    assert with_token(douyin_account, lambda token: token) != old
    assert len(douyin.state.requests_to("refresh_token")) == 1


def test_the_scheduler_renews_a_refresh_token_while_renewals_last(douyin_account, douyin):
    ChannelAccount.objects.filter(pk=douyin_account.pk).update(refresh_expires_at=timezone.now() + timedelta(days=3), renewals=4)
    assert "更新了 1 个授权" in keep_tokens_fresh()
    douyin_account.refresh_from_db()
    assert douyin_account.renewals == 5 and douyin_account.refresh_expires_at > timezone.now() + timedelta(days=20)
    assert douyin_account.auth_state() == "即将需要重新授权"
    ChannelAccount.objects.filter(pk=douyin_account.pk).update(refresh_expires_at=timezone.now() + timedelta(days=3))
    assert keep_tokens_fresh() == ""  # five renewals: only a person can extend it now
    assert len(douyin.state.requests_to("renew_refresh_token")) == 1


def test_an_expired_refresh_token_needs_a_person(douyin_account, douyin):
    douyin.state.expire_access_token()
    douyin.state.expire_refresh_token()
    client = client_for(douyin_account)
    with pytest.raises(NeedsAuth):
        with_token(douyin_account, lambda token: client.find(token, douyin_account.open_id, "标题", 0))
    douyin_account.refresh_from_db()
    assert douyin_account.auth_state() == "需要重新授权" and douyin_account.auth_problem


def test_reconnecting_queues_the_distributions_that_waited(administrator, douyin_account, approved_clip, douyin):
    row = distribute(approved_clip, douyin_account)[0]
    douyin.state.fail("upload_video", standin.ERROR, code=standin.INVALID_TOKEN)
    run(row.pk)
    row.refresh_from_db()
    assert row.status == Distribution.Status.NEEDS_AUTH
    path, query = authorise(administrator, douyin_account)
    administrator.get(path, query)
    row.refresh_from_db()
    assert row.status == Distribution.Status.RETRYING and row.next_try_at <= timezone.now()


def test_no_secret_or_token_reaches_the_logs_or_the_admin(administrator, new_account, approved_clip, douyin, caplog):
    path, query = authorise(administrator, new_account)  # the browser's part: the channel's page and its redirect
    caplog.set_level(logging.DEBUG)  # everything the site does from here, at every level
    administrator.get(path, query)
    new_account.refresh_from_db()
    row = distribute(approved_clip, new_account)[0]
    douyin.state.expire_access_token()  # a refresh on the way
    run(row.pk)
    new_account.refresh_from_db()
    pages = "".join(
        administrator.get(url).text
        for url in (
            "/admin/distribution/",
            "/admin/distribution/accounts/",
            f"/admin/distribution/accounts/edit/{new_account.pk}/",
            f"/admin/clips/edit/{approved_clip.pk}/",
        )
    )
    secrets = [
        new_account.client_secret,
        new_account.access_token,
        new_account.refresh_token,
        query["code"],
        *douyin.state.access_tokens,
    ]
    logged = caplog.text
    assert all(secrets)
    assert [line for line in logged.splitlines() if any(secret in line for secret in secrets)] == []
    assert [secret for secret in secrets if secret in pages] == []

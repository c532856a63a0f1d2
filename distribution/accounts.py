"""The union's channel accounts: their clients, their tokens kept fresh, and connecting them (OAuth).

The Official Account has no OAuth: its app secret buys a `stable_token`, kept encrypted on the account's
row so that every worker uses the same one. Only an expired or rejected token is renewed by force (WeChat
allows 20 a day), and only by the first worker to notice: the others find the new one on the row.

Tokens are refreshed before they run out (an hour ahead, and by the scheduler a day ahead); a refresh
token is renewed while renewals last (Douyin allows five), after which the admin says
「即将需要重新授权」. Whatever the channel says about the authorisation (revoked, scope missing, renewed
too often) lands in `auth_problem`: the account shows 「需要重新授权」 with the reason, and its
distributions wait until someone connects it again.
"""

import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RENEWALS_ALLOWED, Channel, ChannelAccount, Distribution
from .platforms.base import NeedsAuth, NeedsConfig, Retryable, TokenExpired
from .platforms.douyin import DouyinClient
from .platforms.wechat import WechatClient

REFRESH_AHEAD = timedelta(hours=1)  # before a call
WECHAT_TOKEN_AHEAD = timedelta(minutes=1)  # a stable_token lives two hours: fetched again this close to its end
REFRESH_AHEAD_SCHEDULED = timedelta(days=1)  # by the scheduler
RENEW_AHEAD = timedelta(days=7)  # a refresh token's renewal, by the scheduler
OAUTH_SESSION_KEY = "distribution-oauth"


def as_datetime(unix_time):
    return datetime.fromtimestamp(unix_time, tz=UTC)


def client_for(account):
    if not account.client_key or not account.client_secret:
        raise NeedsConfig(_("平台账号“%(name)s”还没有填写应用 ID 和密钥。") % {"name": account.name})
    if account.channel == Channel.WECHAT:
        return WechatClient(account.client_key, account.client_secret, base_url=settings.WECHAT_BASE_URL)
    return DouyinClient(account.client_key, account.client_secret, base_url=settings.DOUYIN_BASE_URL)


def needs_configuration(account, message):
    """An administrator's task on the account (IP whitelist, verification), shown until a call succeeds."""
    if account.config_problem != message[:1000]:
        ChannelAccount.objects.filter(pk=account.pk).update(config_problem=message[:1000], config_problem_at=timezone.now())
        account.config_problem = message[:1000]


def configured(account):
    """A call went through: whatever configuration the account lacked, it has now."""
    if account.config_problem:
        ChannelAccount.objects.filter(pk=account.pk).update(config_problem="", config_problem_at=None)
        account.config_problem = ""


def mark_problem(account, reason):
    ChannelAccount.objects.filter(pk=account.pk).update(auth_problem=reason[:500])
    account.auth_problem = reason[:500]


def store_tokens(account, tokens, *, renewals=None):
    account.access_token = tokens.access_token
    account.access_expires_at = as_datetime(tokens.access_expires_at)
    account.refresh_token = tokens.refresh_token
    account.refresh_expires_at = as_datetime(tokens.refresh_expires_at)
    account.open_id, account.scope = tokens.open_id, tokens.scope
    if renewals is not None:
        account.renewals = renewals
    account.auth_problem = ""
    account.save()


def refresh(account, *, forced=False):
    """A new access token, one refresh at a time across workers: a refresh someone else just made is taken as it is."""
    with transaction.atomic():
        locked = ChannelAccount.objects.select_for_update().get(pk=account.pk)
        fresh = locked.access_expires_at and locked.access_expires_at - timezone.now() > REFRESH_AHEAD
        if fresh and (not forced or locked.access_token != account.access_token):
            tokens_from(locked, account)
            return
        try:
            tokens = client_for(locked).refresh_access_token(locked.refresh_token, locked.open_id)
        except NeedsAuth as error:
            mark_problem(locked, error.message)
            raise
        store_tokens(locked, tokens)
    tokens_from(locked, account)


def tokens_from(source, target):
    for name in ("access_token", "access_expires_at", "refresh_token", "refresh_expires_at", "open_id", "auth_problem"):
        setattr(target, name, getattr(source, name))


def with_token(account, call):
    """`call(access_token)`; an access token that ran out is refreshed and the call made once more."""
    if account.channel == Channel.WECHAT:
        return with_stable_token(account, call)
    if not account.refresh_token or not account.open_id or account.auth_problem:
        raise NeedsAuth(account.auth_problem or _("平台账号“%(name)s”还没有授权。") % {"name": account.name})
    if not account.access_expires_at or account.access_expires_at - timezone.now() < REFRESH_AHEAD:
        refresh(account)
    try:
        try:
            return call(account.access_token)
        except TokenExpired:
            refresh(account, forced=True)
            return call(account.access_token)
    except NeedsAuth as error:
        mark_problem(account, _(error.message))
        raise


def wechat_token(account, *, rejected=None):
    """The account's stable_token, shared by every worker through the row. Fetched under the row's lock,
    by one worker at a time; `rejected`: the token WeChat just refused, renewed by force unless another
    worker already replaced it. A fetch that gives back the stored token (its last minute) keeps it."""
    if account.access_token and account.access_token != rejected and not expiring(account):
        return account.access_token
    with transaction.atomic():
        locked = ChannelAccount.objects.select_for_update().get(pk=account.pk)
        if not locked.access_token or locked.access_token == rejected or expiring(locked):
            fetched = client_for(locked).stable_token(force_refresh=rejected is not None and locked.access_token == rejected)
            locked.access_token, locked.access_expires_at = fetched.value, as_datetime(fetched.expires_at)
            locked.save(update_fields=["access_token", "access_expires_at"])
    account.access_token, account.access_expires_at = locked.access_token, locked.access_expires_at
    return locked.access_token


def expiring(account):
    return not account.access_expires_at or account.access_expires_at - timezone.now() < WECHAT_TOKEN_AHEAD


def with_stable_token(account, call):
    """`call(token)`; a token WeChat rejects is renewed once. A second rejection is WeChat's hiccup, not a
    question of authorisation (the Official Account has none to give): tried again later."""
    token = wechat_token(account)
    try:
        return call(token)
    except TokenExpired:
        token = wechat_token(account, rejected=token)
    try:
        return call(token)
    except TokenExpired as error:
        raise Retryable(_("微信连续拒绝了新换的 access_token，稍后重试。"), code=error.code) from error


def keep_tokens_fresh():
    """Scheduler: refresh access tokens a day ahead, renew refresh tokens a week ahead while renewals last."""
    now = timezone.now()
    done = 0
    for account in ChannelAccount.objects.filter(channel=Channel.DOUYIN).exclude(refresh_token="").filter(auth_problem=""):
        try:
            if account.access_expires_at and account.access_expires_at - now < REFRESH_AHEAD_SCHEDULED:
                refresh(account)
                done += 1
            if (
                account.refresh_expires_at
                and account.refresh_expires_at - now < RENEW_AHEAD
                and account.renewals < RENEWALS_ALLOWED
            ):
                renew(account)
                done += 1
        except (NeedsAuth, NeedsConfig):
            continue  # said on the account; the others go on
    return _("平台账号：更新了 %(count)d 个授权。") % {"count": done} if done else ""


def renew(account):
    with transaction.atomic():
        locked = ChannelAccount.objects.select_for_update().get(pk=account.pk)
        try:
            refresh_token, expires_at = client_for(locked).renew_refresh_token(locked.refresh_token)
        except NeedsAuth as error:
            mark_problem(locked, error.message)
            raise
        locked.refresh_token, locked.refresh_expires_at = refresh_token, as_datetime(expires_at)
        locked.renewals += 1
        locked.save(update_fields=["refresh_token", "refresh_expires_at", "renewals"])
    tokens_from(locked, account)


def authorize_url(request, account, redirect_uri):
    """Where to send the administrator to authorise, with a one-time `state` kept in their session."""
    state = secrets.token_urlsafe(24)
    request.session[OAUTH_SESSION_KEY] = {"state": state, "account": account.pk}
    return client_for(account).authorize_url(redirect_uri, state)


def connect(request, state, code):
    """The callback: the state must be the one this administrator's session was given. The account connected."""
    expected = request.session.pop(OAUTH_SESSION_KEY, None)
    if not expected or not state or not secrets.compare_digest(str(expected["state"]), str(state)):
        raise PermissionError(_("授权回调无效或已过期（state 不符）：请从平台账号页面重新点「连接抖音」。"))
    account = ChannelAccount.objects.get(pk=expected["account"])
    tokens = client_for(account).exchange_code(code)
    account.connected_at = timezone.now()
    store_tokens(account, tokens, renewals=0)
    from .runner import enqueue

    for row in Distribution.objects.filter(account=account, active=True, status=Distribution.Status.NEEDS_AUTH):
        Distribution.objects.filter(pk=row.pk).update(
            status=Distribution.Status.RETRYING, next_try_at=timezone.now(), last_error=""
        )
        enqueue(row)
    return account

"""Login throttling with django-axes (settings: cms/settings/base.py, "Login throttling").

Axes counts failed logins per account and per address apart: LOGIN_FAILURE_LIMIT failures on one
account, from any address, lock that account; as many failures from one address, on any accounts, lock
that address; for LOGIN_LOCKOUT_MINUTES after the last failure. This module is what the project adds:

- the client's address read the way counting and the rate limits read it (core.ratelimit.client_address,
  CLIENT_ADDRESS_HEADER behind a proxy), never a second way;
- the refusal in Chinese on Wagtail's own login form, with status 429 and Retry-After;
- a good login clears that account's own failures only (axes' AXES_RESET_ON_SUCCESS would also clear
  every failure from the address, so one valid account would let its holder guess others' passwords);
- the records axes keeps are purged by the scheduler: failures once their cool-off is over, the log of
  successful logins after LOGIN_RECORD_DAYS (six months and a little more, as network logs are kept).

An administrator unlocks with axes' commands: `manage.py axes_reset_username NAME`, `axes_reset_ip ADDRESS`,
`axes_reset` (everyone), `axes_list_attempts` (README, Production configuration).
"""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .ratelimit import client_address


def login_address(request):
    """AXES_CLIENT_IP_CALLABLE: the address counting sees, or None when it is no IP address (a proxy
    misconfigured; the database keeps addresses in an address column, and all such logins count as one)."""
    try:
        return str(ipaddress.ip_address(client_address(request)))
    except ValueError:
        return None


def lockout_seconds():
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message():
    minutes = max(1, round(lockout_seconds() / 60))
    return _("登录失败次数过多，请 %(minutes)d 分钟后再试，或联系管理员解锁。") % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page the view rendered (Wagtail's, the name still filled in) with
    the lockout as the form's error instead of "wrong password"; plain text where there is no form."""
    message = lockout_message()
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if form is not None and getattr(original_response, "template_name", None):
        form.errors.pop(NON_FIELD_ERRORS, None)
        form.add_error(None, message)
        response = render(request, original_response.template_name, context, status=settings.AXES_HTTP_RESPONSE_CODE)
    else:
        response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(lockout_seconds())
    return response


def forget_own_failures(sender, request, user, **kwargs):
    """user_logged_in: the account's failures are forgotten, from whatever address; the address keeps
    the failures it made on other accounts."""
    from axes.utils import reset

    reset(username=user.get_username())


def purge_login_records(now=None):
    """Scheduler: failures whose cool-off is over, and successful logins older than LOGIN_RECORD_DAYS."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    now = now or timezone.now()
    attempts, _kinds = AccessAttempt.objects.filter(attempt_time__lt=now - settings.AXES_COOLOFF_TIME).delete()
    cutoff = now - timedelta(days=settings.LOGIN_RECORD_DAYS)
    logins, _kinds = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _kinds = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    if attempts + logins + failures == 0:
        return ""
    return _("登录记录：清除了 %(attempts)d 条过期的失败记录、%(logins)d 条超过保存期的登录记录。") % {
        "attempts": attempts,
        "logins": logins + failures,
    }

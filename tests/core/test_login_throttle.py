"""Login throttling (django-axes, core/login_throttle.py): failures counted per account and per address,
a lockout refused in Chinese on Wagtail's login form, and the records purged."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone

from core import scheduler
from core.login_throttle import purge_login_records
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-for-tests"  # UserFactory's
LOCKED = "登录失败次数过多，请 15 分钟后再试，或联系管理员解锁。"
LOGIN = "/admin/login/"
HOME = "203.0.113.10"
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def staff(db):
    return UserFactory(username="bianji", is_staff=True, is_superuser=True)


def log_in(username, password=PASSWORD, address=HOME, **headers):
    """A browser's login on Wagtail's form from `address`: the response, and whether it signed in."""
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)
    return response, "_auth_user_id" in client.session


def fail(username, times, address=HOME, **headers):
    return [log_in(username, "wrong-password", address, **headers)[0] for _ in range(times)]


def test_five_wrong_passwords_lock_the_account_from_any_address(staff):
    answers = fail("bianji", 5)
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    for address in (HOME, ELSEWHERE):
        response, signed_in = log_in("bianji", address=address)
        assert (response.status_code, signed_in) == (429, False)
        assert LOCKED in response.content.decode()


def test_four_wrong_passwords_do_not(staff):
    fail("bianji", 4)
    response, signed_in = log_in("bianji")
    assert response.status_code == 302 and signed_in


def test_the_refusal_is_wagtails_login_form_in_chinese_with_the_name_kept(staff):
    fail("bianji", 5)
    response, _signed_in = log_in("bianji")
    page = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert response["Content-Type"].startswith("text/html")
    assert 'name="username"' in page and 'value="bianji"' in page and 'name="password"' in page
    assert LOCKED in page and "请输入正确的" not in page  # the lockout, not "wrong password"


def test_many_accounts_tried_from_one_address_lock_that_address(staff):
    for name in ("zhang", "wang", "li", "zhao", "admin"):
        fail(name, 1)
    response, signed_in = log_in("bianji")
    assert (response.status_code, signed_in) == (429, False)
    response, signed_in = log_in("bianji", address=ELSEWHERE)
    assert response.status_code == 302 and signed_in


def test_a_good_login_before_the_limit_starts_the_count_again(staff):
    fail("bianji", 4)
    assert log_in("bianji")[1]
    fail("bianji", 4)
    response, signed_in = log_in("bianji")
    assert response.status_code == 302 and signed_in


def test_a_good_login_forgets_only_its_own_accounts_failures(staff):
    """An insider's own login must not wipe the failures the same address made on others' accounts, or
    one valid account would let its holder guess the others' passwords for ever."""
    UserFactory(username="chief", is_staff=True)
    fail("chief", 4)
    assert log_in("bianji")[1]
    fail("chief", 1)
    response, signed_in = log_in("chief", address=ELSEWHERE)
    assert (response.status_code, signed_in) == (429, False)


def test_the_lockout_ends_after_the_cool_off(staff):
    fail("bianji", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response, signed_in = log_in("bianji")
    assert response.status_code == 302 and signed_in


def test_the_limit_and_the_lockout_are_settings(staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    fail("bianji", 3)
    response, _signed_in = log_in("bianji")
    assert response.status_code == 429 and response["Retry-After"] == "1800"
    assert "请 30 分钟后再试" in response.content.decode()


def test_the_address_is_read_as_counting_reads_it_behind_a_proxy(staff, settings):
    """Behind nginx every request comes from the proxy: CLIENT_ADDRESS_HEADER names the client."""
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    proxy = "127.0.0.1"
    for name in ("zhang", "wang", "li", "zhao", "admin"):
        fail(name, 1, address=proxy, HTTP_X_REAL_IP=HOME)
    assert log_in("bianji", address=proxy, HTTP_X_REAL_IP=HOME)[0].status_code == 429
    response, signed_in = log_in("bianji", address=proxy, HTTP_X_REAL_IP=ELSEWHERE)
    assert response.status_code == 302 and signed_in
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {HOME}


def test_an_administrator_unlocks_an_account_with_axes_reset_username(staff):
    fail("bianji", 5, address=ELSEWHERE)
    assert log_in("bianji")[0].status_code == 429
    call_command("axes_reset_username", "bianji")
    assert log_in("bianji")[1]


def test_what_is_kept_of_a_failure_holds_no_password(staff):
    fail("bianji", 2)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == ("bianji", HOME, 2)
    assert "wrong-password" not in attempt.post_data and "bianji" not in attempt.post_data


def test_old_records_are_purged_by_the_scheduler(staff):
    fail("bianji", 2)
    assert log_in("bianji")[1]
    fail("zhang", 1)
    now = timezone.now()
    AccessLog.objects.update(attempt_time=now - timedelta(days=191))
    AccessLog.objects.create(username="bianji", ip_address=HOME, user_agent="", http_accept="", path_info=LOGIN)
    AccessAttempt.objects.update(attempt_time=now - timedelta(minutes=20))
    AccessAttempt.objects.create(username="li", ip_address=HOME, user_agent="", failures_since_start=1)
    assert "purge_login_records" in scheduler.jobs
    assert purge_login_records(now) != ""
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["li"]
    assert AccessLog.objects.count() == 1
    assert purge_login_records(now) == ""


def test_force_login_and_the_created_administrator_still_sign_in(client, tmp_path, settings, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("ADMIN_PASSWORD", "a-long-admin-password")
    call_command("ensure_admin", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response, signed_in = log_in("admin", "a-long-admin-password")
    assert response.status_code == 302 and signed_in
    client.force_login(get_user_model().objects.get(username="admin"))
    assert client.get("/admin/").status_code == 200


def test_each_try_during_the_lockout_starts_the_wait_again(staff):
    fail("bianji", 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=10))
    assert log_in("bianji")[0].status_code == 429  # the right password, five minutes too early
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=6))  # 16 after the fifth failure
    assert log_in("bianji")[0].status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert log_in("bianji")[1]

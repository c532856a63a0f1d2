"""Post/Redirect/Get: a sign-up is stored once, however often it is sent again (a refresh, a double
tap, the back button), and its code is shown once."""

import re
from datetime import timedelta

from django.urls import reverse

from signups.models import Signup
from signups.views import sending
from tests.signups.conftest import PHONE


def test_a_sign_up_answers_with_a_redirect_to_its_result(sign_up_through_form, positions, fair):
    response = sign_up_through_form(positions[:1], follow=False)
    assert response.status_code == 302 and response["Location"] == reverse("signups:result", args=[fair.pk])


def test_refreshing_the_result_page_stores_nothing_and_shows_the_code_no_more(sign_up_through_form, positions, client):
    result = sign_up_through_form(positions[:1])
    assert 'class="code"' in result.content.decode()
    again = client.get(result.request["PATH_INFO"])
    assert 'class="code"' not in again.content.decode() and "撤回码只显示一次" in again.content.decode()
    assert Signup.objects.count() == 1


def test_the_same_number_signing_up_again_at_the_fair_within_minutes_stores_nothing(sign_up_through_form, positions):
    sign_up_through_form(positions[:1])
    page = sign_up_through_form(positions[:1]).content.decode()
    assert "这个手机号刚刚已为本场招聘会提交过报名，这次没有重复提交。" in page and 'class="code"' not in page
    assert Signup.objects.count() == 1


def test_a_double_tap_s_second_request_stores_nothing_while_the_first_is_stored(sign_up_through_form, positions, fair):
    """The first tap's entry is not in the database yet: its lock stops the second."""
    with sending(fair, PHONE) as alone:
        assert alone
        page = sign_up_through_form(positions[:1]).content.decode()
    assert "这次没有重复提交" in page and not Signup.objects.exists()


def test_a_code_not_yet_shown_is_shown_after_a_repeat(sign_up_through_form, positions):
    """The first tap's answer never arrived (the second tap cancelled it): the code must still be shown once."""
    sign_up_through_form(positions[:1], follow=False)
    page = sign_up_through_form(positions[:1]).content.decode()
    assert re.search(r'<p class="code" aria-label="撤回码">[A-Z0-9-]+</p>', page)
    assert Signup.objects.count() == 1


def test_the_same_number_may_sign_up_again_after_the_repeat_window(sign_up_through_form, positions, settings):
    sign_up_through_form(positions[:1])
    Signup.objects.update(created_at=Signup.objects.get().created_at - timedelta(seconds=settings.SIGNUP_REPEAT_SECONDS + 1))
    assert 'class="code"' in sign_up_through_form(positions[1:]).content.decode()
    assert Signup.objects.count() == 2

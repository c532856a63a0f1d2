"""The public form: what it offers, what it refuses, and what it stores."""

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from signups.entries import NOTICE_VERSION
from signups.models import Signup
from tests.jobfairs.factories import JobFairPageFactory, complete_position
from tests.signups.conftest import PHONE, form_data
from tests.signups.factories import SignupFactory


def test_the_form_offers_the_open_positions_grouped_by_employer_with_every_box_unticked(client, form_url, positions):
    page = client.get(form_url).content.decode()
    assert (
        page.index("淮安精工机械有限公司")
        < page.index("数控车床操作工")
        < page.index("苏北快运物流有限公司")
        < page.index("叉车司机")
    )
    assert "同意将我的姓名、手机号和留言提供给【苏北快运物流有限公司】" in page
    assert " checked" not in page


def test_the_notice_states_purpose_recipients_and_retention(client, form_url, settings):
    settings.SIGNUP_RETENTION_DAYS = 45
    page = client.get(form_url).content.decode()
    assert "把我的求职意向转交招聘单位，用于联系我面试" in page
    assert "淮安精工机械有限公司、苏北快运物流有限公司" in page
    assert "自提交之日起45天" in page


def test_a_position_s_key_in_the_address_preselects_that_position(client, form_url, positions):
    page = client.get(f"{form_url}?position={positions[1].pk}").content.decode()
    assert f'value="{positions[1].pk}" checked' in page
    assert page.count(" checked") == 1


def test_a_position_of_another_fair_in_the_address_preselects_nothing(client, form_url, machines):
    other = JobFairPageFactory(positions=[complete_position(employer=machines)]).positions_in_order()[0]
    assert " checked" not in client.get(f"{form_url}?position={other.pk}").content.decode()


def test_a_position_closed_while_the_form_was_open_is_refused_in_chinese_keeping_what_was_typed(sign_up_through_form, positions):
    """Django's own message (选择一个有效的选项…) would not tell the person what happened."""
    positions[0].valid_until = timezone.localdate() - timedelta(days=1)
    positions[0].save()
    page = sign_up_through_form(positions[:1], name="李四", note="有叉车证").content.decode()
    assert "您选的岗位已截止或已下架，请重新选择。" in page and "选择一个有效的选项" not in page
    assert 'value="李四"' in page and "有叉车证</textarea>" in page
    assert not Signup.objects.exists()


def test_a_closed_position_is_neither_offered_nor_accepted(client, machines, sign_up_through_form):
    closed = complete_position(employer=machines, job_title="已截止的岗位", valid_until=timezone.localdate() - timedelta(days=1))
    fair = JobFairPageFactory(positions=[complete_position(employer=machines), closed])
    closed_position = fair.positions_in_order()[1]
    url = reverse("signups:form", args=[fair.pk])
    assert "已截止的岗位" not in client.get(url).content.decode()
    response = client.post(url, form_data([closed_position], [machines]))
    assert response.status_code == 200 and not Signup.objects.exists()


def test_a_fair_not_published_has_no_form(client, machines):
    draft = JobFairPageFactory(live=False, positions=[complete_position(employer=machines)])
    assert client.get(reverse("signups:form", args=[draft.pk])).status_code == 404


def test_a_sign_up_stores_the_normalised_phone_and_the_consent_given(sign_up_through_form, positions, logistics):
    response = sign_up_through_form(positions[1:], phone="+86 １３８-1234-5678", note="周末可以面试")
    assert response.status_code == 200
    signup = Signup.objects.get()
    assert (signup.name, signup.phone, signup.note, signup.notice_version) == ("王小明", PHONE, "周末可以面试", NOTICE_VERSION)
    assert [(choice.job_title, choice.employer_id, choice.employer_name) for choice in signup.choices.all()] == [
        ("叉车司机", logistics.pk, "苏北快运物流有限公司"),
        ("仓库分拣员", logistics.pk, "苏北快运物流有限公司"),
    ]
    assert all(choice.consented_at == signup.consented_at for choice in signup.choices.all())


def test_a_chosen_position_needs_consent_to_its_own_employer(sign_up_through_form, positions, machines):
    response = sign_up_through_form(positions, consent_to=[machines], name="李四", note="有叉车证")
    page = response.content.decode()
    assert "您选了【苏北快运物流有限公司】的岗位：请勾选同意把信息提供给【苏北快运物流有限公司】" in page
    assert "您选了【淮安精工机械有限公司】" not in page
    assert 'value="李四"' in page and "有叉车证</textarea>" in page and f'value="{positions[1].pk}" checked' in page
    assert not Signup.objects.exists()


def test_consent_to_an_employer_of_no_chosen_position_is_not_needed(sign_up_through_form, positions, machines):
    sign_up_through_form(positions[:1], consent_to=[machines])
    assert Signup.objects.get().choices.get().employer_name == "淮安精工机械有限公司"


def test_the_notice_must_be_agreed_to(sign_up_through_form, positions):
    response = sign_up_through_form(positions[:1], consent_notice="")
    assert "请阅读告知书并勾选同意" in response.content.decode()
    assert not Signup.objects.exists()


@pytest.mark.parametrize("phone", ["0517-83600000", "1381234567", "23812345678"])
def test_a_phone_number_not_of_a_mainland_mobile_is_refused_in_chinese(sign_up_through_form, positions, phone):
    response = sign_up_through_form(positions[:1], phone=phone)
    assert "请填写11位中国大陆手机号" in response.content.decode()
    assert not Signup.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "王" * 31, "王\x07明"])
def test_a_name_empty_too_long_or_with_control_characters_is_refused(sign_up_through_form, positions, name):
    sign_up_through_form(positions[:1], name=name)
    assert not Signup.objects.exists()


def test_a_note_longer_than_200_characters_is_refused(sign_up_through_form, positions):
    sign_up_through_form(positions[:1], note="字" * 201)
    assert not Signup.objects.exists()


def test_a_note_too_long_is_refused_with_a_message_of_our_own(sign_up_through_form, positions):
    page = sign_up_through_form(positions[:1], note="字" * 201).content.decode()
    assert "留言最多200字，现在有201字，请删减后再提交。" in page


def test_a_line_break_in_the_note_counts_as_one_character_as_in_the_browser(sign_up_through_form, positions):
    """A textarea's maxlength counts a line break as one; the browser sends it as CRLF, two."""
    sign_up_through_form(positions[:1], note="字" * 100 + "\r\n" + "字" * 99)
    assert Signup.objects.get().note == "字" * 100 + "\n" + "字" * 99


@pytest.mark.parametrize("name", ["王明\U0001f468\u200d\U0001f4bb", "Ali\u200cyev"])
def test_a_name_with_an_emoji_joined_by_zwj_or_with_a_zwnj_is_accepted(sign_up_through_form, positions, name):
    sign_up_through_form(positions[:1], name=name)
    assert Signup.objects.get().name == name


@pytest.mark.parametrize("hidden", ["\u202a", "\u202e", "\u2066", "\u2069"])
def test_a_name_with_a_bidirectional_override_or_isolate_is_refused_in_chinese(sign_up_through_form, positions, hidden):
    """Such characters reorder what staff see: 王明 could show as another name."""
    page = sign_up_through_form(positions[:1], name=f"王{hidden}明").content.decode()
    assert "姓名里有控制字符或改变文字方向的隐藏字符" in page
    assert not Signup.objects.exists()


def test_a_filled_honeypot_stores_nothing_and_shows_a_neutral_page(sign_up_through_form, positions):
    response = sign_up_through_form(positions[:1], extra_ref="http://spam.example")
    page = response.content.decode()
    assert response.status_code == 200 and "已收到" in page and "撤回码" not in page
    assert not Signup.objects.exists()


def test_the_honeypot_is_off_screen_out_of_the_tab_order_and_not_autofilled(client, form_url):
    page = client.get(form_url).content.decode()
    assert '<div class="hp-field" aria-hidden="true">' in page
    assert 'name="extra_ref" id="id_extra_ref" tabindex="-1" autocomplete="off"' in page


def test_the_form_refuses_a_post_without_its_csrf_token(form_url, positions):
    client = Client(enforce_csrf_checks=True)
    assert client.post(form_url, form_data(positions[:1], [positions[0].employer])).status_code == 403
    assert not Signup.objects.exists()


def test_the_form_and_its_result_are_never_cached(client, form_url, sign_up_through_form, positions):
    assert "no-store" in client.get(form_url)["Cache-Control"]
    assert "no-store" in sign_up_through_form(positions[:1])["Cache-Control"]


def test_markup_in_a_name_is_shown_as_text_on_the_withdrawal_confirmation(client, fair, positions):
    """The confirmation is the public page that shows a name (the result page shows none)."""
    signup = SignupFactory(fair=fair, positions=positions[:1], name="<b>王</b>")
    page = client.post(reverse("signups:withdraw"), {"code": signup.code}).content.decode()
    assert "&lt;b&gt;王&lt;/b&gt;" in page and "<b>王" not in page


def test_no_phone_number_reaches_the_logs(sign_up_through_form, positions, caplog, settings, every_sign_up_new, client):
    settings.SIGNUP_PHONE_LIMIT_PER_HOUR = 1
    with caplog.at_level(logging.DEBUG):
        sign_up_through_form(positions[:1])
        sign_up_through_form(positions[:1], phone="138 1234 567")  # refused: not a number
        assert sign_up_through_form(positions[:1]).status_code == 429
        client.get("/interest/999999/")  # a 404, logged: the capture works
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Not Found" in logged and "12345678" not in logged and "1234 567" not in logged

"""Floods: strict per phone number, generous per address, refused with 429 and Retry-After."""

from signups.models import Signup


def test_a_phone_number_signs_up_at_most_three_times_an_hour(sign_up_through_form, positions, every_sign_up_new):
    statuses = [sign_up_through_form(positions[:1], address=f"10.0.1.{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert Signup.objects.count() == 3


def test_the_refusal_is_in_chinese_and_says_when_to_retry(sign_up_through_form, positions, settings):
    settings.SIGNUP_PHONE_LIMIT_PER_HOUR = 0
    response = sign_up_through_form(positions[:1])
    assert response.status_code == 429 and "这个手机号提交的次数太多了" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 3600


def test_a_phone_number_signs_up_at_most_ten_times_a_day(sign_up_through_form, positions, settings, every_sign_up_new):
    settings.SIGNUP_PHONE_LIMIT_PER_HOUR = 100
    statuses = [sign_up_through_form(positions[:1]).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]


def test_refused_forms_do_not_count_against_the_phone_number(sign_up_through_form, positions):
    for _ in range(5):
        sign_up_through_form(positions, consent_to=[])  # no consent: refused by the form
    assert sign_up_through_form(positions[:1]).status_code == 200


def test_other_phone_numbers_from_one_address_are_not_held_back(sign_up_through_form, positions):
    statuses = [sign_up_through_form(positions[:1], phone=f"1380000{n:04d}").status_code for n in range(20)]
    assert statuses == [200] * 20


def test_every_post_counts_against_the_address(sign_up_through_form, positions, settings):
    settings.SIGNUP_ADDRESS_LIMIT = 3
    sign_up_through_form(positions, consent_to=[])  # refused by the form, still counted
    sign_up_through_form(positions[:1], extra_ref="spam")  # the honeypot, still counted
    assert sign_up_through_form(positions[:1], phone="13800000001").status_code == 200
    refused = sign_up_through_form(positions[:1], phone="13800000002")
    assert refused.status_code == 429 and "请求过于频繁" in refused.content.decode() and int(refused["Retry-After"]) > 0
    assert sign_up_through_form(positions[:1], phone="13800000002", address="10.0.0.2").status_code == 200


def test_a_burst_from_one_address_is_refused_before_the_long_window_fills(sign_up_through_form, positions, settings):
    settings.SIGNUP_ADDRESS_BURST_LIMIT = 2
    statuses = [sign_up_through_form(positions[:1], phone=f"1380000{n:04d}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    assert sign_up_through_form(positions[:1], phone="13800000009", address="10.0.0.2").status_code == 200

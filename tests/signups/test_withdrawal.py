"""The withdrawal code and link: what the result page shows, and withdrawing by link or by typing the code."""

import re

from django.urls import reverse

from signups.models import Signup, SignupPosition


def result_code(response):
    return re.search(r'<p class="code" aria-label="撤回码">([A-Z0-9-]+)</p>', response.content.decode()).group(1)


def test_the_result_shows_the_code_the_link_and_the_masked_phone_only(sign_up_through_form, positions):
    response = sign_up_through_form(positions[:1])
    page = response.content.decode()
    code = result_code(response)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert f"http://testserver/interest/withdraw/{code}/" in page
    assert "138****5678" in page and "13812345678" not in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_only_a_hash_of_the_code_is_stored(sign_up_through_form, positions):
    code = result_code(sign_up_through_form(positions[:1]))
    stored = Signup.objects.values_list(*[field.attname for field in Signup._meta.concrete_fields])
    assert not any(code.replace("-", "") in str(value) for value in stored.get())


def test_the_link_asks_before_it_deletes(client, sign_up_through_form, positions):
    code = result_code(sign_up_through_form(positions[:1]))
    response = client.get(reverse("signups:withdraw_link", args=[code]))
    assert "确认撤回并删除" in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"  # the code goes to no other site; the POST keeps its Origin
    assert Signup.objects.exists()


def test_withdrawing_deletes_the_entry_and_its_positions(client, sign_up_through_form, positions):
    code = result_code(sign_up_through_form(positions))
    response = client.post(reverse("signups:withdraw_link", args=[code]))
    assert "已撤回" in response.content.decode()
    assert not Signup.objects.exists() and not SignupPosition.objects.exists()


def test_a_typed_code_is_found_in_lower_case_without_its_dash(client, sign_up_through_form, positions):
    code = result_code(sign_up_through_form(positions[:1]))
    response = client.post(reverse("signups:withdraw"), {"code": code.replace("-", "").lower()})
    assert "确认撤回并删除" in response.content.decode()
    assert f'action="{reverse("signups:withdraw_link", args=[code])}"' in response.content.decode()


def test_an_unknown_code_finds_nothing(client, sign_up_through_form, positions):
    sign_up_through_form(positions[:1])
    response = client.post(reverse("signups:withdraw"), {"code": "K7P3-9QXM"})
    assert response.status_code == 404 and "没有找到这个撤回码对应的报名" in response.content.decode()
    assert client.post(reverse("signups:withdraw_link", args=["K7P3-9QXM"])).status_code == 404
    assert Signup.objects.exists()


def test_withdrawal_attempts_are_limited_per_address(db, client, settings):
    settings.SIGNUP_WITHDRAW_ADDRESS_LIMIT = 2
    url = reverse("signups:withdraw")
    statuses = [client.post(url, {"code": "K7P3-9QXM"}, REMOTE_ADDR="10.0.0.9").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]
    assert client.post(url, {"code": "K7P3-9QXM"}, REMOTE_ADDR="10.0.0.10").status_code == 404

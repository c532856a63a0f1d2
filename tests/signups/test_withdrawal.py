"""The withdrawal code and link: what the result page shows, and withdrawing by the code, which reaches
the server only in POST bodies (never in an address, so never in an access log)."""

import logging
import re

from django.test import Client
from django.urls import NoReverseMatch, reverse

from signups.models import Signup, SignupPosition
from tests.signups.factories import SignupFactory


def result_code(response):
    return re.search(r'<p class="code" aria-label="撤回码">([A-Z0-9-]+)</p>', response.content.decode()).group(1)


def withdraw(client, code, confirm=False, **extra):
    data = {"code": code, **({"confirm": "1"} if confirm else {})}
    return client.post(reverse("signups:withdraw"), data, **extra)


def test_the_result_shows_the_code_the_link_and_the_masked_phone_only(sign_up_through_form, positions):
    response = sign_up_through_form(positions[:1])
    page = response.content.decode()
    code = result_code(response)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert "138****5678" in page and "13812345678" not in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_link_carries_the_code_after_the_hash_which_browsers_do_not_send(sign_up_through_form, positions):
    response = sign_up_through_form(positions[:1])
    assert f'href="http://testserver/interest/withdraw/#{result_code(response)}"' in response.content.decode()


def test_no_address_holds_a_code(client, fair, positions):
    """An address with the code would reach the access log and django.request's warnings."""
    signup = SignupFactory(fair=fair, positions=positions[:1])
    assert client.get(f"/interest/withdraw/{signup.code}/").status_code == 404
    try:
        reverse("signups:withdraw_link", args=[signup.code])
    except NoReverseMatch:
        pass
    else:
        raise AssertionError("a withdrawal route with the code in its address")


def test_the_withdrawal_page_fills_in_the_code_from_the_link_with_a_script_of_its_own(client, db):
    page = client.get(reverse("signups:withdraw")).content.decode()
    assert '<script src="/static/js/withdraw_code.js" defer></script>' in page
    assert "请手动输入" in page  # without JavaScript the person types it


def test_the_code_asks_before_it_deletes(client, fair, positions):
    signup = SignupFactory(fair=fair, positions=positions[:1])
    response = withdraw(client, signup.code)
    assert "确认撤回并删除" in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"  # the page goes to no other site; the POST keeps its Origin
    assert Signup.objects.exists()


def test_only_a_hash_of_the_code_is_stored(sign_up_through_form, positions):
    code = result_code(sign_up_through_form(positions[:1]))
    stored = Signup.objects.values_list(*[field.attname for field in Signup._meta.concrete_fields])
    assert not any(code.replace("-", "") in str(value) for value in stored.get())


def test_a_number_typed_into_the_name_is_masked_on_the_confirmation(client, fair, positions):
    signup = SignupFactory(fair=fair, positions=positions[:1], name="王 13999998888")
    page = withdraw(client, signup.code).content.decode()
    assert "王 139****8888" in page and "13999998888" not in page


def test_withdrawing_deletes_the_entry_and_its_positions(client, fair, positions):
    signup = SignupFactory(fair=fair, positions=positions)
    response = withdraw(client, signup.code, confirm=True)
    assert "已撤回" in response.content.decode()
    assert not Signup.objects.exists() and not SignupPosition.objects.exists()


def test_a_typed_code_is_found_in_lower_case_without_its_dash(client, fair, positions):
    signup = SignupFactory(fair=fair, positions=positions[:1])
    page = withdraw(client, signup.code.lower()).content.decode()
    assert "确认撤回并删除" in page
    assert f'<input type="hidden" name="code" value="{signup.code[:4]}-{signup.code[4:]}">' in page


def test_an_unknown_code_finds_nothing(client, fair, positions):
    SignupFactory(fair=fair, positions=positions[:1])
    response = withdraw(client, "K7P3-9QXM")
    assert response.status_code == 404 and "没有找到这个撤回码对应的报名" in response.content.decode()
    assert withdraw(client, "K7P3-9QXM", confirm=True).status_code == 404
    assert Signup.objects.exists()


def test_withdrawal_attempts_are_limited_per_address(db, client, settings):
    settings.SIGNUP_WITHDRAW_ADDRESS_LIMIT = 2
    statuses = [withdraw(client, "K7P3-9QXM", REMOTE_ADDR="10.0.0.9").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]
    assert withdraw(client, "K7P3-9QXM", REMOTE_ADDR="10.0.0.10").status_code == 404


def test_no_address_header_or_log_line_of_a_sign_up_and_withdrawal_holds_the_code(
    sign_up_through_form, positions, client, caplog, settings
):
    """What gunicorn's access log (the request line) and django.request's warnings (the path) record."""
    settings.SIGNUP_WITHDRAW_ADDRESS_LIMIT = 2
    responses = []
    with caplog.at_level(logging.DEBUG):
        responses.append(sign_up_through_form(positions[:1], follow=False))
        result = client.get(responses[0]["Location"])
        responses += [result, client.get(reverse("signups:withdraw"))]
        code = result_code(result)
        responses += [withdraw(client, code), withdraw(client, code, confirm=True), withdraw(client, code)]
        client.get("/interest/999999/")  # a 404, logged with its path: the capture works
    assert responses[-1].status_code == 429 and not Signup.objects.exists()
    addresses = [f"{response.request['PATH_INFO']}?{response.request.get('QUERY_STRING', '')}" for response in responses]
    headers = [f"{name}: {value}" for response in responses for name, value in response.headers.items()]
    logged = [record.getMessage() for record in caplog.records]
    assert any("Not Found" in line for line in logged) and not any("Too Many Requests" in line for line in logged)
    for bare in (code, code.replace("-", ""), code.lower()):
        assert not [text for text in addresses + headers + logged if bare in text]


def test_a_result_page_opened_from_another_browser_shows_no_code(sign_up_through_form, positions):
    response = sign_up_through_form(positions[:1], follow=False)
    page = Client().get(response["Location"]).content.decode()
    assert "撤回码只显示一次" in page and 'class="code"' not in page

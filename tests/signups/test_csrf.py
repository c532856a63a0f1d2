"""A form sent without its CSRF token (a page left open too long, cookies refused) is refused with a
page in Chinese saying what to do; an export is never made without it."""

from django.test import Client
from django.urls import reverse

from signups.models import ExportRecord, Signup
from tests.signups.conftest import form_data


def test_a_post_without_its_token_gets_the_chinese_page_saying_to_refresh_and_send_again(form_url, positions):
    response = Client(enforce_csrf_checks=True).post(form_url, form_data(positions[:1], [positions[0].employer]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in page and "刷新页面后再提交一次" in page and "CSRF verification failed" not in page
    assert not Signup.objects.exists()


def test_an_export_without_its_token_is_refused(make_staff, fair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("guanli", roles=["管理员"]))
    response = client.post(reverse("signups_admin:export"), {"fair": fair.pk, "format": "csv"})
    assert response.status_code == 403 and "attachment" not in response.get("Content-Disposition", "")
    assert not ExportRecord.objects.exists()

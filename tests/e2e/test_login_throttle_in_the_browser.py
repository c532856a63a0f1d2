"""Login throttling in the browser: the admin's login still works, and a lockout is said in Chinese on
Wagtail's own login page."""

from tests.e2e.admin_session import sign_in
from tests.factories import UserFactory

LOCKED = "登录失败次数过多，请 15 分钟后再试，或联系管理员解锁。"


def test_a_person_signs_in_and_five_wrong_passwords_are_refused_in_chinese(new_page, live_server, site_after_flush, screenshot):
    UserFactory(username="bianji", is_staff=True, is_superuser=True)
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    sign_in(new_page(), live_server.url, "chief")

    page = new_page()
    page.goto(f"{live_server.url}/admin/login/")
    for _ in range(5):
        page.fill("input[name=username]", "bianji")
        page.fill("input[name=password]", "wrong-password")
        with page.expect_navigation() as answer:
            page.click("button[type=submit]")
    assert answer.value.status == 429
    assert page.locator(".messages .error, li.error").first.inner_text().strip() == LOCKED
    assert page.input_value("input[name=username]") == "bianji"
    page.wait_for_timeout(1000)  # the message slides in
    screenshot(page, "login-locked")

"""Signing in to the admin in the browser, as staff made by tests.factories.UserFactory."""

PASSWORD = "pass-for-tests"  # UserFactory's


def sign_in(page, base_url, username, password=PASSWORD):
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    return page

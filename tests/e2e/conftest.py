"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(tryfirst=True)  # before the root conftest reads the `once` marks
def pytest_collection_modifyitems(items):
    """Browser tests drive what the other tests check on both databases, through the page: they run
    once, in the SQLite pass, which keeps CI well under its time limit."""
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.once)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


CSP_WORDING = "Content Security Policy"  # Chromium: "… violates the following Content Security Policy directive …"


class CspViolations(list):
    """What the browser said about the Content-Security-Policy while a test ran: (page address, message).

    Both policies are checked: the public site's strict one, and the admin's relaxed one (which must still
    let the admin load all it needs, the storages' files and uploads included).
    """

    def note(self, address, text):
        if CSP_WORDING in text:
            self.append((address, text))

    def watch(self, context):
        context.on("console", lambda message: self.note(message.page.url if message.page else "", message.text))
        context.on("weberror", lambda error: self.note(error.page.url if error.page else "", str(error.error)))
        return context


@pytest.fixture(autouse=True)
def csp_violations(browser, monkeypatch):
    """Every browser context a test opens (through `new_page` or `browser.new_context`) is watched, and a CSP
    violation on any page fails the test at teardown. A test that provokes one on purpose clears the list.

    The policy refuses eval, which Playwright's `wait_for_function` uses: give it a function ("() => …"),
    evaluated once, never a bare expression, which it evaluates again on every poll and the page refuses.
    """
    seen = CspViolations()
    new_context = browser.new_context
    monkeypatch.setattr(browser, "new_context", lambda *args, **kwargs: seen.watch(new_context(*args, **kwargs)))
    yield seen
    if seen:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(f"{address}: {text}" for address, text in seen))


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def open_page(viewport=None):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return save

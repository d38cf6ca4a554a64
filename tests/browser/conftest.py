"""Playwright driving Debian's Chromium against Django's live server.

Tests skip with a reason when Chromium is absent, unless REQUIRE_BROWSER=1 (CI), where a
missing browser fails the run instead.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; REQUIRE_BROWSER=1 forbids skipping browser tests")
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed")
    playwright = sync_playwright().start()
    instance = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield instance
    instance.close()
    playwright.stop()


@pytest.fixture
def page(browser, live_server, offices):
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 412, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Log in through the real form: login(identifier, password). A staff member gets an
    authenticator (tests/two_factor.py) and the fixture types its current code at the second
    step; tests/browser/test_staff_two_factor.py tests enrolment itself."""
    from tests.two_factor import browser_sign_in

    def _login(identifier: str, password: str):
        browser_sign_in(page, identifier, password)

    return _login

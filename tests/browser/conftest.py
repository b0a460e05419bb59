"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, never a downloaded
browser) against pytest-django's live server.

- Skipped, with the reason, when /usr/bin/chromium is missing (CI installs the `chromium` package).
- Scoring: there is no Celery worker in the test process, so enqueuing a submission starts a
  thread that runs the real scoring service (sandbox + scorer CLI) on it, as a worker would.
- Screenshots of the main pages go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.api.conftest import cast, fast_passwords, make_scored  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def chromium():
    missing = None
    if not CHROMIUM.exists():
        missing = "browser tests need Debian's Chromium at /usr/bin/chromium (apt install chromium)"
    elif importlib.util.find_spec("playwright") is None:
        missing = "browser tests need the playwright package (pip install -e '.[dev]')"
    if missing:
        # CI sets PODIUM_REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.
        if os.environ.get("PODIUM_REQUIRE_BROWSER") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop in this thread, and Django refuses ORM calls from
    # a thread with a running loop; the test code itself is plain synchronous code. Module scope:
    # the switch is back off once this folder's tests are done.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(chromium, live_server):
    """Opens a fresh browser context (its own cookies) per call; all are closed afterwards."""
    contexts = []

    def make():
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": 1200, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/tasks/")


@pytest.fixture
def scoring_in_threads(monkeypatch):
    """Enqueuing runs the real scoring service in a thread, as a Celery worker would."""
    threads: list[threading.Thread] = []

    def score(submission_id: int) -> None:
        from podium.submissions.scoring import submission_score

        try:
            submission_score(submission_id=submission_id)
        finally:
            connection.close()

    def enqueue(*, submission_id: int) -> bool:
        thread = threading.Thread(target=score, args=(submission_id,), daemon=True)
        threads.append(thread)
        thread.start()
        return True

    monkeypatch.setattr("podium.submissions.enqueue.submission_enqueue", enqueue)
    yield threads
    for thread in threads:
        thread.join(timeout=60)

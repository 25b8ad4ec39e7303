"""End-to-end journeys in a real Chromium, driven by Playwright.

Playwright cannot download its own browser here, so it launches Debian's /usr/bin/chromium. Without it the
journeys are skipped with a message; under CI=true a missing browser fails the run instead.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HAVE_CHROMIUM = Path(CHROMIUM).exists()

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures there are
# ordinary synchronous calls, so Django's async-safety guard is relaxed for these tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            # One worker runs all journeys: each starts a browser and a live server.
            item.add_marker(pytest.mark.xdist_group("e2e"))
            if not HAVE_CHROMIUM:
                if os.environ.get("CI") == "true":
                    raise pytest.UsageError(f"CI=true but Chromium is missing at {CHROMIUM}: browser tests must run.")
                item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Russian users' browsers: date pickers show дд.мм.гггг.
    return {**browser_context_args, "locale": "ru-RU", "timezone_id": "Europe/Moscow"}


@pytest.fixture(autouse=True)
def dialogs(request):
    """Confirmation dialogs (data-confirm: approve, end early, delete) are accepted, as a user who meant the click
    would. A test that answers a dialog itself removes this handler first: `page.remove_listener("dialog", dialogs)`.
    """
    if "page" not in request.fixturenames:
        yield None
        return
    page = request.getfixturevalue("page")

    def accept(dialog) -> None:
        dialog.accept()

    page.on("dialog", accept)
    yield accept


@pytest.fixture
def demo(transactional_db):
    """The demo organisations and logins, as `make run` shows them."""
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def shot(page):
    """Save a full-page screenshot under test-artifacts/ (not committed) and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def login(page, live_server, username: str, password: str = "demo12345") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state("domcontentloaded")

"""Fixtures every test of the orders can ask for by name (the builders themselves live in *_fixtures.py)."""

import pytest

from tests.roadmap.approval_fixtures import media  # noqa: F401 — the stored PDFs go to a temporary folder


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """Run what waits for the commit (letters), as a real approval's commit would."""
    return django_capture_on_commit_callbacks

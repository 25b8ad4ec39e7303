"""Fixtures every test of the orders can ask for by name (the builders themselves live in *_fixtures.py)."""

from tests.roadmap.approval_fixtures import media  # noqa: F401 — the stored PDFs go to a temporary folder

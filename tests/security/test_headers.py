"""Headers and markup that keep the browser on our side: a Content-Security-Policy with nothing inline, and
session cookies that scripts cannot read and other sites cannot send.

The policy allows styles and scripts only from our own static files, so a page must carry no style="" attribute,
no <style> block, no inline <script> and no on…="" handler: the browser would silently drop them. Three nets
catch a new one: the policy itself, a walk over the templates, and a sweep over every page of the demo as it is
served (which also sees markup written in Python, such as the SVG charts and form widgets).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from core.templatetags.layout import pct_step
from tests.security.conftest import OWN_ID
from tests.security.walk import request, routes, url_for

pytestmark = pytest.mark.xdist_group("security")

TEMPLATES = Path(settings.BASE_DIR) / "templates"
APP_CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"
# Served as HTML by a browser: every page the demo's people can open, and the anonymous public pages.
SWEEP_VISITORS = ("anonymous", "mentee", "mentor", "curator", "head", "admin", "coordinator")


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class InlineCode(HTMLParser):
    """Collects every piece of markup that the policy would block: inline styles, scripts and handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "style":
            self.found.append("<style>")
        if "style" in names:
            self.found.append(f"<{tag} style=…>")
        self.found += [f"<{tag} {name}=…>" for name in names if name.startswith("on")]
        values = dict(attrs)
        if tag == "script" and "src" not in names and values.get("type") != "application/json":
            self.found.append("<script> without src")
        if (values.get("href") or "").strip().lower().startswith("javascript:"):
            self.found.append(f"<{tag} href=javascript:…>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def is_document(path: Path, text: str) -> bool:
    """Rendered by WeasyPrint into a PDF (or sent as an e-mail), never opened by a browser as a page."""
    relative = path.relative_to(TEMPLATES).as_posix()
    return (
        relative.startswith("documents/")
        or "email" in relative
        or path.suffix != ".html"
        or re.search(r"{%\s*extends\s+[\"']documents/", text) is not None
    )


# --- the policy ---------------------------------------------------------------------------------------------


def test_the_policy_in_settings_allows_nothing_inline():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    for name, sources in directives.items():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"} & set(sources), name


@pytest.mark.parametrize(
    ("visitor", "page"),
    [
        ("anonymous", "login"),
        ("curator", "home"),
        ("curator", "reports"),
        ("curator", "pairs"),
        ("curator", "round"),
        ("curator", "programme"),
        ("curator", "order"),
        ("coordinator", "municipal"),
        ("anonymous", "public"),
        ("anonymous", "embed"),
    ],
)
def test_key_pages_are_served_with_a_policy_that_allows_nothing_inline(world, visitor, page):
    slug = world.own.slug
    url = {
        "login": reverse("login"),
        "home": reverse("role_home", args=[slug, "curator"]),
        "reports": reverse("monitoring:reports", args=[slug]),
        "pairs": reverse("mentoring:pairs", args=[slug]),
        "round": reverse("monitoring:survey_round", args=[slug, OWN_ID]),
        "programme": reverse("mentoring:programme", args=[slug, OWN_ID]),
        "order": reverse("roadmap:order", args=[slug, OWN_ID]),
        "municipal": reverse("municipal_home", args=[world.municipality.slug]),
        "public": reverse("public_page", args=[slug]),
        "embed": reverse("public_embed", args=[slug]),
    }[page]
    response, _ = request(world.clients[visitor], "get", url)
    assert response.status_code == 200, url
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    for name, sources in directives.items():
        assert "'unsafe-inline'" not in sources, f"{url}: {name} {sources}"
    assert inline_code(response.content.decode()) == [], url
    if page == "embed":
        assert directives["frame-ancestors"] == ["*"]  # other sites may frame it, and nothing more is relaxed
    else:
        assert directives["frame-ancestors"] == ["'none'"]


def test_every_page_of_the_demo_is_served_without_inline_code(world):
    """Every GET route as every kind of visitor, on the demo's data: pages that render carry nothing inline."""
    problems, pages = [], 0
    for route in routes():
        url = url_for(route, world, OWN_ID)
        for visitor in SWEEP_VISITORS:
            response, _ = request(world.clients[visitor], "get", url)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            found = inline_code(response.content.decode())
            if found:
                problems.append(f"{route.name} as {visitor} ({url}): {sorted(set(found))}")
            if "'unsafe-inline'" in response.headers.get("Content-Security-Policy", "'unsafe-inline'"):
                problems.append(f"{route.name} as {visitor} ({url}): policy missing or allows inline code")
    assert pages > 150, f"only {pages} pages rendered: the sweep is not reaching the demo's pages"
    assert not problems, "\n".join(problems)


# --- the templates ------------------------------------------------------------------------------------------


def test_no_page_template_has_inline_styles_or_scripts():
    """A new style="" or <style> fails here before it reaches a browser; PDF and e-mail templates are exempt."""
    problems, checked = [], 0
    for path in sorted(TEMPLATES.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if is_document(path, text):
            continue
        checked += 1
        for number, line in enumerate(text.splitlines(), 1):
            if re.search(r"<style\b|\sstyle\s*=\s*[\"']|\son[a-z]+\s*=\s*[\"']|javascript:", line, re.I):
                problems.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}")
            if re.search(r"<script\b(?![^>]*\bsrc=)", line, re.I):
                problems.append(f"{path.relative_to(TEMPLATES)}:{number}: inline <script>")
    assert checked > 100
    assert not problems, "Use a class from static/css/app.css instead:\n" + "\n".join(problems)


def test_the_template_walk_would_catch_an_inline_style(tmp_path):
    """A guard for the walk above: its patterns and exemptions must not let an ordinary page through."""
    page = TEMPLATES / "mentoring" / "pairs" / "list.html"
    assert not is_document(page, page.read_text(encoding="utf-8"))
    assert is_document(TEMPLATES / "documents" / "order.html", "")
    assert is_document(TEMPLATES / "monitoring" / "practices" / "memo.html", '{% extends "documents/base.html" %}')
    assert inline_code('<div class="a" style="width: 5%">') == ["<div style=…>"]
    assert inline_code("<form onsubmit=\"return confirm('?')\"><style>p{}</style>") == [
        "<form onsubmit=…>",
        "<style>",
    ]
    assert inline_code('<script>alert(1)</script><script src="/s.js"></script>') == ["<script> without src"]
    # Shown as text (the embed code for a school's site) is not markup.
    assert inline_code('<textarea>&lt;iframe style="border:0"&gt;</textarea>') == []


# --- computed widths ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "step", "width"),
    [
        (0, 1, 0),
        (47.4, 1, 47),
        (47.5, 1, 48),
        ("8%", 1, 8),
        (" 46% ", 1, 46),
        (47, 5, 45),
        (48, 5, 50),
        (130, 1, 100),
        (-4, 1, 0),
        (None, 1, 0),
        ("x", 1, 0),
        ("nan", 1, 0),
    ],
)
def test_a_percentage_is_rounded_to_a_width_class(value, step, width):
    assert pct_step(value, step) == width


def test_every_width_class_the_filter_can_give_exists_in_app_css():
    css = APP_CSS.read_text(encoding="utf-8")
    defined = dict(re.findall(r"\.w-pct-(\d+)\s*{\s*width:\s*([\d.]+%?)\s*;", css))
    assert set(defined) == {str(n) for n in range(101)}
    assert all(width in (f"{n}%", "0") for n, width in defined.items())


def test_a_progress_bar_gets_its_width_from_a_class():
    html = Template('{% load layout %}<div class="progress-bar w-pct-{{ p|pct_step }}"></div>').render(
        Context({"p": 62})
    )
    assert html == '<div class="progress-bar w-pct-62"></div>'


def test_an_order_appendix_has_class_widths_on_screen_and_style_widths_only_in_the_pdf():
    appendix = {"number": 1, "title": "Состав пар", "columns": [("№ п/п", "8%"), ("ФИО", "92%")], "rows": [["1", "А"]]}
    context = {"appendix": appendix, "doc": {"reference": "от 01.09.2026 № 1"}}
    screen = render_to_string("documents/_order_appendix.html", context)
    assert inline_code(screen) == []
    assert 'class="w-pct-8"' in screen and 'class="w-pct-92"' in screen
    printed = render_to_string("documents/_order_appendix.html", {**context, "print": True})
    assert 'style="width: 8%"' in printed


# --- session cookie -----------------------------------------------------------------------------------------


def test_the_session_cookie_is_http_only_and_same_site_lax(curator):
    client = Client()
    response = client.post(
        reverse("login"), {"username": curator.user.username, "password": curator.password}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 302, "the login did not succeed"
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def production_settings(**env: str) -> dict:
    """The security settings as a production start-up (DEBUG=0) computes them, read in a fresh interpreter."""
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CONTENT_SECURITY_POLICY",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_COOKIES", "DATABASE_URL"}}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="nastavnik.example.ru",
        **env,
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and our own test code)
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_in_production_the_session_cookie_is_secure_http_only_and_same_site():
    values = production_settings()
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["style-src"] == ["'self'"]

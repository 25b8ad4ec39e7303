"""The layout walk: every page a demo login reaches by following links from its home, opened in Chromium at a
phone's and a school laptop's size, and checked for what a user would frown at.

Used by tests/e2e/test_layout.py (on the live server with the demo data) and runnable by hand against `make run`:

    .venv/bin/python -m tests.e2e.layout http://127.0.0.1:8000 curator head

A page fails when the page scrolls sideways, when a button or link sits (partly) outside the window, when text
overflows its box, or when the console reports an error (Content-Security-Policy violations included). The
accessibility check runs axe-core (static/vendor/axe/axe.min.js) on the same page and keeps the serious and
critical violations.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Error as PlaywrightError

SIZES = {"phone": (390, 844), "laptop": (1366, 768)}
AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe" / "axe.min.js"
# Addresses a walk never follows: leaving, downloads and files, the Django admin, anonymous public pages.
SKIP = re.compile(
    r"(/accounts/logout|/admin/|\.(pdf|xlsx|csv|ics|zip|docx)(\?|$)|/download|/export|/file/|/files/|/pdf/|"
    r"/feed/|/embed|/calendar\.ics|/media/)"
)

# One check in the page: overflow of the page, of elements out of the window, of text out of its box.
PROBE = """() => {
  const doc = document.scrollingElement || document.documentElement;
  const width = window.innerWidth;
  const found = [];
  if (doc.scrollWidth > width + 1) found.push(`страница шире окна: ${doc.scrollWidth} px при ${width} px`);
  const describe = (el) => {
    const text = (el.innerText || el.getAttribute('aria-label') || el.value || '').trim().replace(/\\s+/g, ' ');
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} «${text.slice(0, 40)}»`;
  };
  const scrollsInside = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (/(auto|scroll)/.test(s.overflowX) && p.scrollWidth > p.clientWidth + 1) return true;
    }
    return false;
  };
  const hidden = (el) => {
    for (let p = el; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.display === 'none' || s.visibility === 'hidden') return true;
      if (p.classList && (p.classList.contains('dropdown-menu') || p.classList.contains('collapse') ||
          p.classList.contains('modal') || p.classList.contains('visually-hidden-focusable'))
          && !p.classList.contains('show')) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll('a[href], button, input[type=submit], .btn')) {
    if (hidden(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.right > width + 1 || r.left < -1) && !scrollsInside(el)) found.push(`вне окна: ${describe(el)}`);
  }
  const texts = 'main h1, main h2, main h3, main p, main .btn, main .badge, main label, main td, main th, '
    + 'main .card-title';
  for (const el of document.querySelectorAll(texts)) {
    if (hidden(el) || scrollsInside(el)) continue;
    const s = getComputedStyle(el);
    const spills = el.scrollWidth > el.clientWidth + 2 && el.clientWidth > 0;
    if (s.overflowX === 'visible' && spills && s.display !== 'inline')
      found.push(`текст не помещается: ${describe(el)} (${el.scrollWidth} > ${el.clientWidth} px)`);
  }
  return found;
}"""


@dataclass
class Problem:
    login: str
    size: str
    url: str
    what: str

    def __str__(self) -> str:
        return f"{self.login} · {self.size} · {self.url}: {self.what}"


@dataclass
class Walk:
    base: str
    problems: list[Problem] = field(default_factory=list)
    visited: dict[str, list[str]] = field(default_factory=dict)


def shape(path: str) -> str:
    """The address with its ids and query replaced: one page of each kind is enough."""
    parts = urlsplit(path)
    return re.sub(r"/\d+(?=/|$)", "/N", parts.path)


def login(page, base: str, username: str, password: str = "demo12345") -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state("domcontentloaded")


def links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    host = urlsplit(base).netloc
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc != host or SKIP.search(href) or href.startswith("javascript:"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def reachable(page, base: str, limit: int = 120) -> list[str]:
    """Pages reachable from the login's home by following links, one address of each shape."""
    start = urlsplit(page.url).path
    queue, seen, pages = [start], {shape(start)}, []
    while queue and len(pages) < limit:
        path = queue.pop(0)
        try:
            response = page.goto(urljoin(base, path), wait_until="domcontentloaded")
        except PlaywrightError:  # a download, not a page
            continue
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        pages.append(path)
        for link in links(page, base):
            if shape(link) not in seen and not urlsplit(link).query:
                seen.add(shape(link))
                queue.append(link)
    return pages


def check(page, walk: Walk, username: str, paths: list[str], axe: bool = True) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    script = AXE.read_text() if axe and AXE.exists() else None
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            errors.clear()
            page.goto(urljoin(walk.base, path), wait_until="load")
            found = list(page.evaluate(PROBE))
            found += [f"ошибка в консоли: {e[:160]}" for e in errors]
            if script and size == "laptop":
                page.evaluate(script)
                result = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                    ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                    ".map(v => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')}`)"
                )
                found += [f"доступность: {r}" for r in result]
            for what in found:
                walk.problems.append(Problem(username, size, path, what))


def run(base: str, logins: list[str], browser, every_login: bool = False) -> Walk:
    """Walk each login's pages. A page of a shape an earlier login already checked is skipped unless
    `every_login`: the roles share most templates, and the walk must stay a few minutes long in CI."""
    walk = Walk(base)
    checked: set[str] = set()
    for username in logins:
        context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
        page = context.new_page()
        login(page, base, username)
        paths = reachable(page, base)
        if only := os.environ.get("LAYOUT_ONLY"):
            paths = [p for p in paths if re.search(only, p)]
        walk.visited[username] = paths
        mine = [p for p in paths if every_login or shape(p) not in checked]
        checked.update(shape(p) for p in paths)
        check(page, walk, username, mine)
        context.close()
    return walk


if __name__ == "__main__":
    import sys

    from playwright.sync_api import sync_playwright

    base, *names = sys.argv[1:]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        result = run(base, names, browser)
        for name, paths in result.visited.items():
            print(f"{name}: {len(paths)} pages")
        for problem in result.problems:
            print(problem)

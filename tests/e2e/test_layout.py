"""Every page fits a teacher's phone (390 × 844) and a school laptop (1366 × 768), and passes axe-core.

The walk (tests/e2e/layout.py) logs in as each role of the kindergarten and as the municipal coordinator, follows
the links from the role's home to every page it can reach, and opens each page at both sizes. A page fails on
sideways scrolling, a button or link out of the window, text out of its box, a console error (a CSP violation
included) or a serious or critical accessibility violation. The school's logins see the same templates.
"""

from __future__ import annotations

from tests.e2e import layout

LOGINS = ["mentee", "mentor", "head", "curator", "admin", "municipal"]


def test_every_page_fits_a_phone_and_a_laptop_and_passes_axe(demo, live_server, browser):
    walk = layout.run(live_server.url, LOGINS, browser)
    problems = "\n".join(str(p) for p in walk.problems)
    assert not walk.problems, f"{len(walk.problems)} problems:\n{problems}"
    # The walk really walked: every role reached its pages (a broken login would make an empty, passing walk).
    reached = {name: len(paths) for name, paths in walk.visited.items()}
    assert reached["curator"] >= 60 and reached["admin"] >= 60 and reached["head"] >= 30, reached
    assert reached["mentor"] >= 10 and reached["mentee"] >= 10 and reached["municipal"] >= 1, reached
    assert any("/programme/" in p for p in walk.visited["mentor"])


def test_the_probe_catches_what_it_looks_for(live_server, page):
    """The checks can fail: a page that scrolls sideways, a button out of the window and overflowing text."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
          const main = document.querySelector('main') || document.body;
          const wide = document.createElement('div'); wide.className = 'w-pct-100';
          wide.innerHTML = '<table><tr><td>' + 'широкая '.repeat(5) + '</td></tr></table>';
          wide.firstChild.setAttribute('width', '900');
          main.appendChild(wide);
          const button = document.createElement('button'); button.className = 'btn position-absolute';
          button.textContent = 'Кнопка за краем'; button.setAttribute('class', 'btn position-absolute start-100');
          main.appendChild(button);
          const h = document.createElement('h2'); h.textContent = 'Оченьдлинноеслово'.repeat(6); main.appendChild(h);
        }"""
    )
    found = page.evaluate(layout.PROBE)
    assert any("страница шире окна" in f for f in found), found
    assert any("вне окна" in f and "Кнопка за краем" in f for f in found), found
    assert any("текст не помещается" in f for f in found), found

"""The users of the load run (``make load``, driven by bench/load.py; not meant to be started by hand).

bench/load.py writes the plan (``LOAD_PLAN``, a JSON file): for every role, the accounts to sign in with and the
pages each of them browses, with URLs already resolved by Django. Every user signs in once, then opens its pages
in random order with think time between them; a browser's request for the stylesheet follows some pages and is
the floor of the run. Every response goes to ``LOAD_SAMPLES`` (JSON lines: page, milliseconds, error or null,
the time it ended) so that bench/load.py computes the figures from the raw samples rather than from locust's
rounded histogram.

The measured window: when the last of ``LOAD_USERS`` users has signed in, a line ``["window", 0, null, time]``
marks its start, and the run stops ``LOAD_SECONDS`` later. The sign-in storm before it is reported on its own.
"""

from __future__ import annotations

import json
import os
import random
import re
import time

import gevent
from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "1,4").split(","))
STATIC_SHARE = 0.3  # how often a page view is followed by the stylesheet (the rest comes from the browser cache)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

USERS = int(os.environ["LOAD_USERS"])
SECONDS = float(os.environ["LOAD_SECONDS"])
WINDOW = "window"

_samples = open(os.environ["LOAD_SAMPLES"], "w", encoding="utf-8")  # noqa: SIM115
_started = 0
_environment = None


def _write(name: str, ms: float, error: str | None) -> None:
    _samples.write(json.dumps([name, round(ms, 2), error, round(time.time(), 3)], ensure_ascii=False) + "\n")


@events.init.add_listener
def _keep(environment, **kwargs) -> None:
    global _environment
    _environment = environment


@events.request.add_listener
def _record(name, response_time, exception, **kwargs) -> None:
    _write(name, response_time, None if exception is None else str(exception)[:200])


def _signed_in() -> None:
    """One more user is in; after the last one, the measured window starts and ends SECONDS later."""
    global _started
    _started += 1
    if _started == USERS:
        _write(WINDOW, 0, None)
        gevent.spawn_later(SECONDS, _environment.runner.quit)


@events.quitting.add_listener
def _close(**kwargs) -> None:
    _samples.close()


def _think(_user) -> float:
    return random.uniform(*THINK)


class Visitor(FastHttpUser):
    """One person of a role: signs in as one of the role's accounts and browses that account's pages."""

    abstract = True
    role = ""
    wait_time = _think

    def on_start(self) -> None:
        account = random.choice(PLAN["roles"][self.role])
        self.pages = account["pages"]
        try:
            if account["login"]:
                self.sign_in(account["login"])
        finally:
            _signed_in()

    def sign_in(self, login: str) -> None:
        with self.client.get(PLAN["login_url"], name="вход: форма", catch_response=True) as response:
            found = TOKEN.search(response.text or "")
            if response.status_code != 200 or not found:
                response.failure(f"форма входа: {response.status_code}")
                return
        form = {"username": login, "password": PLAN["password"], "csrfmiddlewaretoken": found.group(1)}
        # Over https Django's CSRF check wants the page the form came from, as a browser sends it.
        referer = {"Referer": self.host.rstrip("/") + PLAN["login_url"]}
        with self.client.post(
            PLAN["login_url"], data=form, headers=referer, name="вход", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"вход {login}: {response.status_code}")

    @task
    def browse(self) -> None:
        name, url = random.choice(self.pages)
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:  # a redirect to the login page is a lost session: a failure too
                response.failure(f"{url}: {response.status_code}")
        if random.random() < STATIC_SHARE:
            self.client.get(PLAN["static_url"], name=PLAN["static_name"])


class Curator(Visitor):
    role = "curator"
    weight = 3


class Head(Visitor):
    role = "head"
    weight = 2


class Administrator(Visitor):
    role = "admin"
    weight = 1


class Mentor(Visitor):
    role = "mentor"
    weight = 3


class Mentee(Visitor):
    role = "mentee"
    weight = 3


class MunicipalCoordinator(Visitor):
    role = "municipal"
    weight = 1


class PublicVisitor(Visitor):
    """Someone from the school's website reading its public mentoring page, not signed in."""

    role = "anonymous"
    weight = 2

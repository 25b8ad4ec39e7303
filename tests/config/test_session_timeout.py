"""Sessions end after inactivity and a fixed time after sign-in; the cookie is HttpOnly, SameSite and (in
production) Secure."""

from __future__ import annotations

import time

from django.urls import reverse

from config.middleware import SEEN_KEY, STARTED_KEY


def shift(client, **seconds_ago) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"started": STARTED_KEY, "seen": SEEN_KEY}[key]] = now - ago
    session.save()


def test_an_active_session_stays_open(org, curator, settings):
    url = reverse("people:staff_list", args=[org.slug])
    assert curator.client.get(url).status_code == 200
    shift(curator.client, seen=settings.SESSION_IDLE_TIMEOUT - 30, started=60 * 60)
    assert curator.client.get(url).status_code == 200
    # The visit moved «last seen» forward: the same pause again is still within the limit.
    assert curator.client.session[SEEN_KEY] >= int(time.time()) - 5


def test_an_idle_session_ends_and_asks_to_sign_in_again(org, curator, settings):
    url = reverse("people:staff_list", args=[org.slug])
    curator.client.get(url)
    shift(curator.client, seen=settings.SESSION_IDLE_TIMEOUT + 5)

    response = curator.client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    page = curator.client.get(response.url)
    assert "после долгого бездействия" in page.content.decode()
    assert curator.client.get(url).status_code == 302  # signed out for good, not for one request


def test_a_session_ends_a_fixed_time_after_sign_in_however_active(org, curator, settings):
    url = reverse("people:staff_list", args=[org.slug])
    curator.client.get(url)
    shift(curator.client, seen=10, started=settings.SESSION_ABSOLUTE_TIMEOUT + 5)

    response = curator.client.get(url)

    assert response.status_code == 302
    assert "слишком много времени" in curator.client.get(response.url).content.decode()


def test_the_session_cookie_is_httponly_and_samesite(client, curator, settings):
    curator.user.set_password("Timeout-check-1")
    curator.user.save()
    response = client.post(reverse("login"), {"username": curator.user.username, "password": "Timeout-check-1"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.SESSION_ABSOLUTE_TIMEOUT

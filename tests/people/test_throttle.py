"""Login throttling that slows guessing without letting anyone lock a colleague out (people.throttle)."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse

from people.models import AuditEvent
from people.throttle import delay_after
from tests.factories import PASSWORD

# Everyone behind the school's NAT (or the deployment's proxy, without TRUSTED_PROXY_COUNT) has this address.
SHARED = "10.0.0.1"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to("2026-10-05 09:00 +03:00", tick=False)
    return time_machine


def log_in(username: str, password: str, address: str = SHARED, **headers):
    return Client(REMOTE_ADDR=address, **headers).post(reverse("login"), {"username": username, "password": password})


def guess(username: str, times: int) -> None:
    for _ in range(times):
        assert log_in(username, "wrong-guess").status_code == 200


def test_five_wrong_passwords_from_a_shared_address_do_not_lock_the_owner_out_for_minutes(clock, head):
    guess(head.user.username, 5)
    # The owner, from the same address, is asked to wait seconds, not a quarter of an hour.
    waiting = log_in(head.user.username, PASSWORD)
    assert waiting.status_code == 429
    assert "следующая попытка возможна через 10 секунд" in waiting.text
    assert waiting["Retry-After"] == "10"
    clock.shift(11)
    assert log_in(head.user.username, PASSWORD).status_code == 302


def test_the_wait_grows_with_every_failure_and_is_capped(clock, settings, mentor):
    username = mentor.user.username
    guess(username, 5)
    waits = []
    for _ in range(6):
        refused = log_in(username, "wrong-guess")
        assert refused.status_code == 429
        waits.append(int(refused["Retry-After"]))
        clock.shift(waits[-1])
        assert log_in(username, "wrong-guess").status_code == 200  # the wait is over: the attempt is judged
    assert waits == [10, 20, 40, 80, 120, 120]
    assert delay_after(1000).total_seconds() == settings.LOGIN_DELAY_MAX_SECONDS


def test_refused_attempts_do_not_lengthen_the_wait(clock, mentor):
    username = mentor.user.username
    guess(username, 5)
    for _ in range(50):  # hammering the form during the wait
        assert log_in(username, "wrong-guess").status_code == 429
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 5
    clock.shift(10)
    assert log_in(username, PASSWORD).status_code == 302


def test_failures_count_by_login_from_any_address(clock, mentor):
    for n in range(5):
        assert log_in(mentor.user.username, "wrong-guess", address=f"192.0.2.{n + 1}").status_code == 200
    assert log_in(mentor.user.username, PASSWORD, address="198.51.100.7").status_code == 429


def test_password_reset_works_while_the_login_waits_and_ends_the_wait(clock, head):
    head.user.email = "head@school.example.ru"
    head.user.save(update_fields=["email"])
    guess(head.user.username, 5)
    assert log_in(head.user.username, PASSWORD).status_code == 429
    client = Client(REMOTE_ADDR=SHARED)
    response = client.post(reverse("password_reset"), {"email": "head@school.example.ru"})
    assert response.status_code == 302
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True)
    new = "Vesna-2026-zaveduyushchaya"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    # The owner proved who they are: no wait is left for them.
    assert log_in(head.user.username, new).status_code == 302


def test_forwarded_for_is_ignored_without_trusted_proxies(clock, settings, mentor):
    settings.TRUSTED_PROXY_COUNT = 0
    response = log_in(mentor.user.username, PASSWORD, address="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN).latest("pk").ip_address == "203.0.113.5"


def test_forwarded_for_is_read_from_the_trusted_proxy_only(clock, settings, mentor):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote «1.2.3.4» itself; the proxy appended the address it saw.
    response = log_in(
        mentor.user.username, PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20"
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN).latest("pk").ip_address == "198.51.100.20"
    log_in(mentor.user.username, "wrong-guess", address="127.0.0.1", HTTP_X_FORWARDED_FOR="junk, 198.51.100.21")
    assert AccessAttempt.objects.get().ip_address == "198.51.100.21"

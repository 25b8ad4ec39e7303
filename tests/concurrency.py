"""Races on PostgreSQL: callables run in threads released together, each with its own database connection."""

from __future__ import annotations

import threading

from django.db import connections


def race(jobs: list, what: str = "a request") -> tuple[list, list[BaseException]]:
    """Run the callables in threads released together by a barrier; return their results and errors.

    Each thread closes its connections when done. `what` names a job in the failure of one that hangs.
    """
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []
    lock = threading.Lock()

    def run(job) -> None:
        try:
            barrier.wait(timeout=30)
            result = job()
            with lock:
                results.append(result)
        except BaseException as exc:  # collected and asserted on by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), f"{what} hung"
    return results, errors

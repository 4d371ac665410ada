"""Concurrent accepts and double taps, on real database connections (one per thread).

The row lock of `transition` (SELECT … FOR UPDATE) lets exactly one of concurrent
accepts win. On PostgreSQL the calls run in threads released at the same moment. On SQLite
they run one after another: the test database is an in-memory shared-cache database, where
concurrent writers get "database table is locked" at once instead of waiting (busy_timeout
does not apply to shared-cache table locks), so threads there would test SQLite, not Linli.
The production SQLite file serialises writers with BEGIN IMMEDIATE.
"""

import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection

from linli.accounts.models import User
from linli.care.models import HelpRequest, HelpRequestTransition, Visit
from linli.care.services import Need, help_request_create, visit_record
from linli.core.workflow import Conflict, transition
from linli.places.models import Household
from linli.testing.scenario import build_grid_scenario, build_scenario

THREADS = 20
CONCURRENT = connection.vendor == "postgresql"
MODE = pytest.mark.parametrize("mode", ["threads" if CONCURRENT else "one-by-one"])
ACCEPTERS = ["alice", "bob", "kaiwu", "town"]


def run_together(n, work):
    """Run work(i) in n threads released at once (one by one on SQLite, see above); return
    their results, or the exceptions they raised."""
    if not CONCURRENT:
        results = []
        for i in range(n):
            try:
                results.append(work(i))
            except Exception as exc:
                results.append(exc)
        return results
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    close_old_connections()
    return results


@pytest.fixture
def grid_tx(transactional_db):
    return build_grid_scenario(build_scenario())


@MODE
def test_twenty_concurrent_accepts_one_wins(grid_tx, mode):
    hr = help_request_create(
        user=grid_tx.users["kaiwu"],
        resident=grid_tx.residents["zhang"],
        category="medicine",
        urgency="urgent",
        source="phone",
    ).help_request

    def accept(i):
        user = User.objects.get(username=ACCEPTERS[i % len(ACCEPTERS)])
        transition(HelpRequest(pk=hr.pk), "accepted", by=user)
        return "ok"

    results = run_together(THREADS, accept)
    kinds = Counter("ok" if r == "ok" else type(r).__name__ for r in results)
    assert kinds == {"ok": 1, "Conflict": THREADS - 1}, (connection.vendor, results)
    assert all("已接单" in r.zh for r in results if isinstance(r, Conflict))
    assert HelpRequest.objects.get(pk=hr.pk).status == "accepted"
    assert HelpRequestTransition.objects.filter(request=hr, to_status="accepted").count() == 1


@MODE
def test_a_double_tap_at_the_same_moment_creates_one_visit_and_one_request(grid_tx, mode):
    household_id = grid_tx.households["b1_101"].pk

    def submit(i):
        return visit_record(
            user=User.objects.get(username="alice"),
            household=Household.objects.get(pk=household_id),
            outcome="need_found",
            needs=[Need("medicine", "urgent", "胰岛素")],
            form_token="double-tap-token-0001",
        ).created

    results = run_together(4, submit)
    assert sorted(results, key=str) == [False, False, False, True], results
    assert Visit.objects.count() == 1
    assert HelpRequest.objects.count() == 1


@MODE
def test_the_same_idempotency_key_at_the_same_moment_creates_one_request(grid_tx, mode):
    resident_id = grid_tx.residents["li"].pk

    def create(i):
        from linli.places.models import Resident

        return help_request_create(
            user=User.objects.get(username="kaiwu"),
            resident=Resident.objects.get(pk=resident_id),
            category="supplies",
            urgency="today",
            source="phone",
            idempotency_key="same-key",
        ).help_request.pk

    results = run_together(6, create)
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    assert HelpRequest.objects.count() == 1

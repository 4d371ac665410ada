"""Two clerks (or a double tap) confirming the same worksite need for the same day at once:
exactly one order, on real database connections (one per thread).

On PostgreSQL the calls run in threads released at the same moment; on SQLite one after
another (its in-memory shared-cache test database refuses concurrent writers at once rather
than making them wait: see linli/care/tests/test_concurrency.py)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from linli.accounts.models import User
from linli.core.workflow import Conflict, transition
from linli.supplies.models import Supplier, VehicleRequest, WorksiteNeed, WorksiteOrder
from linli.supplies.services_worksites import worksite_match, worksite_need_save
from linli.testing.scenario import build_scenario
from linli.testing.supplies_suppliers import make_supplier, make_worksite

THREADS = 12
CONCURRENT = connection.vendor == "postgresql"


def run_together(n, work):
    if not CONCURRENT:
        results = []
        for i in range(n):
            try:
                results.append(work(i))
            except Exception as exc:
                results.append(exc)
        return results
    barrier = threading.Barrier(n)
    results: list = [None] * n

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


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_of_one_need_and_day_make_one_order():
    s = build_scenario()
    need = worksite_need_save(user=None, compound=make_worksite(s), headcount=50, rice_kg=25)
    suppliers = [make_supplier(s.town, f"供应商{i}") for i in range(3)]
    day = timezone.localdate() + dt.timedelta(days=1)

    def confirm(i):
        user = User.objects.get(username="town")
        return worksite_match(
            user=user,
            need=WorksiteNeed.objects.get(pk=need.pk),
            supplier=Supplier.objects.get(pk=suppliers[i % 3].pk),
            delivery_on=day,
        )

    results = run_together(THREADS, confirm)
    made = [r for r in results if isinstance(r, WorksiteOrder)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(made) == 1 and len(refused) == THREADS - 1, results
    assert WorksiteOrder.objects.count() == 1 and VehicleRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_dispatches_of_one_order_one_wins():
    s = build_scenario()
    need = worksite_need_save(
        user=None, compound=make_worksite(s), headcount=50, rice_kg=25, has_transport=True
    )
    order = worksite_match(
        user=s.users["town"],
        need=need,
        supplier=make_supplier(s.town),
        delivery_on=timezone.localdate() + dt.timedelta(days=1),
    )

    def move(i):
        user = User.objects.get(username="town")
        return transition(WorksiteOrder(pk=order.pk), "dispatched", by=user).status

    results = run_together(THREADS, move)
    won = [r for r in results if isinstance(r, str)]
    assert len(won) == 1 and sum(isinstance(r, Conflict) for r in results) == THREADS - 1
    order.refresh_from_db()
    assert order.status == "dispatched" and order.changes.count() == 2  # ordered, dispatched

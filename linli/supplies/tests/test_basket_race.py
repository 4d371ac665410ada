"""The last basket item, claimed by many neighbours at once: exactly one wins (PostgreSQL).

On PostgreSQL the claims run in threads released at the same moment, each on its own
connection; on SQLite (an in-memory shared-cache test database, where concurrent writers fail
at once instead of waiting) they run one after another, as linli/care/tests/test_concurrency.py
explains."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from linli.core.workflow import Conflict
from linli.places.models import Household
from linli.supplies.models import BasketClaim, BasketPost, BasketSlots
from linli.supplies.services_basket import basket_claim, basket_post_create, slots_for
from linli.testing.scenario import build_scenario

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
def building(transactional_db):
    s = build_scenario()
    for i in range(THREADS):
        Household.objects.create(town=s.town, building=s.b1, room=f"{500 + i}")
    BasketSlots.objects.create(
        town=s.town, building=s.b1, opens_at=dt.time(0, 0), closes_at=dt.time(23, 59), capacity=50
    )
    return s.b1


@pytest.mark.parametrize("mode", ["threads" if CONCURRENT else "one-by-one"])
def test_concurrent_claims_on_the_last_item_exactly_one_wins(building, mode):
    post = basket_post_create(
        building=building, room="101", item="鸡蛋", quantity=1, unit="盒", perishable=True,
        until=timezone.now() + dt.timedelta(days=1),
    ).post  # fmt: skip
    slot = slots_for(post)[0].start

    def claim(i):
        basket_claim(
            post=BasketPost(pk=post.pk, building_id=building.pk),
            room=f"{500 + i}",
            phone=f"1390000{1000 + i}",
            quantity=1,
            slot_start=slot,
        )
        return "ok"

    results = run_together(THREADS, claim)
    assert results.count("ok") == 1, results
    assert all(isinstance(r, Conflict) for r in results if r != "ok"), results
    assert BasketClaim.objects.filter(post_id=post.pk).count() == 1


@pytest.mark.parametrize("mode", ["threads" if CONCURRENT else "one-by-one"])
def test_concurrent_claims_never_overfill_a_slot(building, mode):
    BasketSlots.objects.filter(building=building).update(capacity=3)
    post = basket_post_create(
        building=building, room="101", item="青菜", quantity=50, unit="把", perishable=True,
        until=timezone.now() + dt.timedelta(days=1),
    ).post  # fmt: skip
    slot = slots_for(post)[0].start

    def claim(i):
        basket_claim(
            post=BasketPost(pk=post.pk, building_id=building.pk),
            room=f"{500 + i}",
            phone=f"1390000{1000 + i}",
            quantity=1,
            slot_start=slot,
        )
        return "ok"

    results = run_together(THREADS, claim)
    assert results.count("ok") == 3, results
    assert BasketClaim.objects.filter(post_id=post.pk, slot_start=slot).count() == 3

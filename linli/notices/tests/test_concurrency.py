"""Concurrent sends and taps on real database connections (one per thread): of ten sends of one
draft exactly one fixes the recipients; ten taps of 已读 by one volunteer and by one household
keep the first time and audit once. On PostgreSQL the calls run in threads released at once;
on SQLite one after another (see linli/care/tests/test_concurrency.py for why)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from linli.accounts.models import User
from linli.care.tests.test_concurrency import CONCURRENT, run_together
from linli.core.models import AuditEntry
from linli.notices import services
from linli.notices.models import Notice, Receipt
from linli.places.models import Household
from linli.testing.notices import build_notices_scenario, notice
from linli.testing.scenario import build_grid_scenario, build_scenario

THREADS = 10
MODE = pytest.mark.parametrize("mode", ["threads" if CONCURRENT else "one-by-one"])


@pytest.fixture
def world_tx(transactional_db):
    s = build_grid_scenario(build_scenario())
    build_notices_scenario(s)
    return s


@MODE
def test_ten_concurrent_sends_fix_the_recipients_once(world_tx, mode):
    draft = notice(world_tx)

    def send(i):
        user = User.objects.get(username="kaiwu" if i % 2 else "town")
        services.notice_send(user=user, notice=Notice.objects.get(pk=draft.pk))
        return "ok"

    results = run_together(THREADS, send)
    kinds = Counter("ok" if r == "ok" else type(r).__name__ for r in results)
    assert kinds == {"ok": 1, "Conflict": THREADS - 1}, (connection.vendor, results)
    assert Receipt.objects.filter(notice=draft).count() == 3  # alice; b1's rooms 101 and 102


@MODE
def test_ten_concurrent_taps_mark_read_once(world_tx, mode):
    n = notice(world_tx)
    services.notice_send(user=world_tx.users["kaiwu"], notice=n)
    household = Household.objects.get(building=world_tx.b1, room="101")

    def tap(i):
        if i % 2:
            user = User.objects.get(username="alice")
            return services.receipt_read(user=user, notice=Notice.objects.get(pk=n.pk))[1]
        return services.household_read(notice=Notice.objects.get(pk=n.pk), household=household)

    results = run_together(THREADS, tap)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Receipt.objects.filter(notice=n, read_at__isnull=False).count() == 2
    audited = AuditEntry.objects.filter(summary__in=["notice read", "notice read by a household"])
    assert audited.count() == 2

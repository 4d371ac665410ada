"""The vetting and complaint workflows, every move by every actor, on the one engine."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.core.workflow import Conflict, transition
from linli.supplies.models import Complaint, ComplaintChange, Supplier, SupplierVettingChange
from linli.supplies.services_suppliers import (
    COMPLAINT_WORKFLOW,
    SUPPLIER_VETTING_WORKFLOW,
    complaint_record,
)
from linli.testing.supplies_suppliers import make_supplier
from linli.testing.workflows import check_workflow_table

pytestmark = pytest.mark.django_db
ACTORS = ("town", "kaiwu", "lishui", "alice", "bob", "charlie")


def test_vetting_table_town_staff_make_every_move(grid):
    n = iter(range(1000))

    def made(status):
        return lambda: make_supplier(grid.town, f"供应商{next(n)}", vetting=status)

    check_workflow_table(
        SUPPLIER_VETTING_WORKFLOW,
        {s: made(s) for s in ("pending", "vetted", "suspended")},
        {name: grid.users[name] for name in ACTORS},
        {"vetted": {"town"}, "suspended": {"town"}},
    )


def test_complaint_table_town_staff_resolve_and_reopen(grid):
    supplier = make_supplier(grid.town)

    def made(status):
        def make():
            complaint = complaint_record(
                user=grid.users["kaiwu"],
                supplier=supplier,
                summary="缺斤短两",
                committee=grid.kaiwu,
            )
            if status == "resolved":
                transition(complaint, "resolved", by=None, reason="已退款", system=True)
            return complaint

        return make

    check_workflow_table(
        COMPLAINT_WORKFLOW,
        {s: made(s) for s in ("open", "resolved")},
        {name: grid.users[name] for name in ACTORS},
        {"resolved": {"town"}, "open": {"town"}},
    )


def test_vetting_is_refused_while_a_paper_is_expired(grid):
    supplier = make_supplier(
        grid.town, vetting=Supplier.Vetting.PENDING, valid_until=dt.date(2022, 4, 1)
    )
    with pytest.raises(Exception) as raised:
        transition(supplier, "vetted", by=grid.users["town"])
    assert "证照不全或已过期" in str(raised.value)
    supplier.refresh_from_db()
    assert supplier.vetting == "pending"
    assert not SupplierVettingChange.objects.filter(supplier=supplier).exists()


def test_suspend_and_restore_are_kept_as_history(grid):
    supplier = make_supplier(grid.town, vetting=Supplier.Vetting.PENDING)
    town = grid.users["town"]
    transition(supplier, "vetted", by=town)
    transition(supplier, "suspended", by=town, reason="投诉：以次充好")
    transition(supplier, "vetted", by=town, reason="整改完成")
    with pytest.raises(Conflict):
        transition(supplier, "pending", by=town)
    moves = [
        (c.from_status, c.to_status, c.reason)
        for c in SupplierVettingChange.objects.filter(supplier=supplier)
    ]
    assert moves == [
        ("pending", "vetted", ""),
        ("vetted", "suspended", "投诉：以次充好"),
        ("suspended", "vetted", "整改完成"),
    ]


def test_resolving_needs_a_resolution_and_keeps_it(grid):
    supplier = make_supplier(grid.town)
    complaint = complaint_record(user=grid.users["kaiwu"], supplier=supplier, summary="菜烂了")
    with pytest.raises(Exception, match="请填写处理结果"):
        transition(complaint, "resolved", by=grid.users["town"])
    transition(complaint, "resolved", by=grid.users["town"], reason="供应商已补发")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolution) == ("resolved", "供应商已补发")
    assert ComplaintChange.objects.filter(complaint=complaint).count() == 1
    assert Complaint.objects.get(pk=complaint.pk).status == "resolved"

"""The shared medicine scenario holds together, and the gate sees requests as documented."""

from __future__ import annotations

from linli.medicine.models import MedicineOrder
from linli.testing.medicine import make_order


def test_requests_are_visible_to_their_place_and_the_desk_only(med):
    order = make_order(med, "chen")  # 丽水
    seen = {
        name: MedicineOrder.objects.visible_to(med.users[name]).filter(pk=order.pk).exists()
        for name in ["town", "lishui", "kaiwu", "desk", "runner", "alice", "charlie"]
    }
    assert seen == {
        "town": True,
        "lishui": True,
        "kaiwu": False,
        "desk": True,
        "runner": False,  # not on a run that carries it
        "alice": False,
        "charlie": False,
    }


def test_committee_gate_defaults_to_first_compound_point(med):
    assert med.kaiwu.gate_point() == (med.xiangzhang.lat, med.xiangzhang.lon)
    med.kaiwu.gate_lat, med.kaiwu.gate_lon = 31.2, 121.3
    assert med.kaiwu.gate_point() == (31.2, 121.3)

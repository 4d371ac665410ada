"""Pairing suggestions: exact (checked against brute force), near first, skills respected."""

import itertools

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from linli.duty import services
from linli.duty.models import Pairing
from linli.duty.selectors import suggest_pairings
from linli.duty.suggest import UNPAIRED, Person, greedy, pair_cost, solve, total_cost


def brute_force(residents, volunteers):
    """The least objective over every way of giving each resident a volunteer or nobody."""
    best = UNPAIRED * len(residents)
    for choice in itertools.product([None, *range(len(volunteers))], repeat=len(residents)):
        used = [c for c in choice if c is not None]
        if any(used.count(j) > volunteers[j].capacity for j in set(used)):
            continue
        pairs = [(i, j) for i, j in enumerate(choice) if j is not None]
        if any(pair_cost(residents[i], volunteers[j]) >= UNPAIRED for i, j in pairs):
            continue
        best = min(best, total_cost(residents, volunteers, pairs))
    return best


people = st.builds(
    lambda committee, compound, building, medical: (committee, compound, building, medical),
    st.integers(0, 1),
    st.integers(0, 2),
    st.integers(0, 3),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(people, min_size=1, max_size=4),
    st.lists(people, min_size=1, max_size=3),
    st.integers(1, 2),
)
def test_solution_is_optimal(resident_specs, volunteer_specs, capacity):
    residents = [
        Person(i, c, c * 10 + p, c * 100 + p * 10 + b, frozenset({"medical"}) if m else frozenset())
        for i, (c, p, b, m) in enumerate(resident_specs)
    ]
    volunteers = [
        Person(
            j,
            c,
            c * 10 + p,
            c * 100 + p * 10 + b,
            frozenset({"medical"}) if m else frozenset(),
            capacity,
        )
        for j, (c, p, b, m) in enumerate(volunteer_specs)
    ]
    pairs = solve(residents, volunteers)
    assert all(pair_cost(residents[i], volunteers[j]) < UNPAIRED for i, j in pairs)
    assert all(
        n <= capacity for n in (sum(1 for _i, j in pairs if j == v) for v in range(len(volunteers)))
    )
    assert total_cost(residents, volunteers, pairs) == brute_force(residents, volunteers)
    assert total_cost(residents, volunteers, pairs) <= total_cost(
        residents, volunteers, greedy(residents, volunteers)
    )


def test_greedy_can_be_worse_and_the_solver_is_not():
    # Both residents live in building 1 of compound 1; only the second needs a medic. Greedy
    # gives the first one the medic next door, and the second one goes without.
    residents = [Person(0, 1, 1, 1), Person(1, 1, 1, 1, frozenset({"medical"}))]
    volunteers = [Person(0, 1, 1, 1, frozenset({"medical"}), 1), Person(1, 1, 1, 2, frozenset(), 1)]
    assert greedy(residents, volunteers) == [(0, 0)]
    assert solve(residents, volunteers) == [(0, 1), (1, 0)]
    assert total_cost(residents, volunteers, solve(residents, volunteers)) == 3 + 1


@pytest.mark.django_db
def test_suggestions_pair_near_and_respect_medical_needs(grid, medic):
    neighbour = services.volunteer_create(
        user=None,
        committee=grid.kaiwu,
        name="邻居",
        phone=grid.residents["wang"].phone,
        source="resident_volunteer",
        id_number=grid.residents["wang"].id_number,
    )
    assert neighbour.resident == grid.residents["wang"]  # lives in 2号楼
    found = {
        (s.resident.name, s.volunteer.name)
        for s in suggest_pairings(grid.users["kaiwu"], grid.kaiwu)
    }
    # 李秀英 (dialysis) needs the medic; 赵丽华 lives in 2号楼 with the neighbour.
    assert ("李秀英", "医生") in found and ("赵丽华", "邻居") in found
    assert {r for r, _v in found} == {"张三丰", "李秀英", "赵丽华"}


@pytest.mark.django_db
def test_staff_accept_some_suggestions(grid, medic, client_for):
    client = client_for("kaiwu")
    url = reverse("duty:suggestions", args=[grid.kaiwu.pk])
    page = client.get(url).content.decode()
    li = grid.residents["li"]
    assert f'value="{li.pk}:{medic.pk}"' in page
    client.post(url, {"pair": [f"{li.pk}:{medic.pk}"]})
    assert Pairing.objects.active().get(resident=li).volunteer == medic
    assert Pairing.objects.active().filter(volunteer__committee=grid.kaiwu).count() == 1


@pytest.mark.django_db
def test_accepting_cannot_pair_people_out_of_scope(grid, client_for):
    url = reverse("duty:suggestions", args=[grid.kaiwu.pk])
    chen, dave = grid.residents["chen"], grid.volunteers["dave"]
    client_for("kaiwu").post(url, {"pair": [f"{chen.pk}:{dave.pk}", "x:y"]})
    assert Pairing.objects.count() == 1  # only the scenario's own


@pytest.mark.django_db
def test_accepting_pairs_only_residents_of_the_pages_committee(grid, medic, client_for):
    url = reverse("duty:suggestions", args=[grid.kaiwu.pk])
    chen = grid.residents["chen"]  # a 丽水 resident, visible to town staff
    client_for("town").post(url, {"pair": [f"{chen.pk}:{medic.pk}"]})
    assert not Pairing.objects.filter(volunteer=medic).exists()


@pytest.mark.django_db
def test_accepting_stops_at_a_volunteers_capacity(grid, medic, client_for):
    url = reverse("duty:suggestions", args=[grid.kaiwu.pk]) + "?capacity=1"
    li, zhang = grid.residents["li"], grid.residents["zhang"]
    client_for("kaiwu").post(url, {"pair": [f"{li.pk}:{medic.pk}", f"{zhang.pk}:{medic.pk}"]})
    assert Pairing.objects.active().filter(volunteer=medic).count() == 1

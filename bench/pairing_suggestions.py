"""Pairing suggestions (结对建议) of the demo town's committees, as committee staff ask for them:
the time of `linli.duty.selectors.suggest_pairings` (median of several runs per committee) and
its ratio to the baseline kept below, the selector as it was before issue 9 (every candidate
read as a model row, the town's special-care residents listed first). Both must suggest the
same pairs; the script stops if they do not. Target: under 300 ms for every committee.

    .venv/bin/python bench/pairing_suggestions.py                  # a demo town at scale 1.0
    .venv/bin/python bench/pairing_suggestions.py --scale 0.3 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from typing import Any

from common import configure, median_ms


def baseline(user: Any, committee: Any, capacity: int) -> list[tuple[int, int, int]]:
    """The selector before issue 9, verbatim but for its return value."""
    from linli.duty.coverage import CARED_STATUSES, special_resident_ids
    from linli.duty.models import Pairing, Volunteer, active_q
    from linli.duty.selectors import pairing_capacity_left
    from linli.duty.suggest import NEEDS, Person, pair_cost, solve
    from linli.places.models import Resident

    paired = Pairing.objects.filter(active_q(), town_id=committee.town_id).values("resident_id")
    residents = list(
        Resident.objects.visible_to(user)
        .filter(
            household__building__compound__committee=committee,
            status__in=CARED_STATUSES,
            pk__in=sorted(special_resident_ids(committee.town, user)),
        )
        .exclude(pk__in=paired)
        .select_related("household__building")
        .prefetch_related("care_tags")
        .order_by("id")
    )
    volunteers_qs = Volunteer.objects.visible_to(user).filter(
        committee=committee, status=Volunteer.Status.ACTIVE
    )
    left = pairing_capacity_left(volunteers_qs, capacity)
    volunteers = [
        v
        for v in volunteers_qs.select_related("resident__household__building")
        if left.get(v.pk, 0) > 0
    ]
    r_people = [
        Person(
            r.pk,
            committee.pk,
            r.household.building.compound_id,
            r.household.building_id,
            frozenset(NEEDS[t.code] for t in r.care_tags.all() if t.code in NEEDS),
        )
        for r in residents
    ]
    v_people = []
    for v in volunteers:
        home = v.resident.household.building if v.resident is not None else None
        v_people.append(
            Person(
                v.pk,
                committee.pk,
                home.compound_id if home else None,
                home.pk if home else None,
                frozenset(v.skills),
                left[v.pk],
            )
        )
    return [
        (residents[i].pk, volunteers[j].pk, pair_cost(r_people[i], v_people[j]))
        for i, j in solve(r_people, v_people)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--committees", type=int, default=6, help="the largest N committees")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="linli-bench-pairing-")
    configure("sqlite", folder, "unused")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from linli.accounts.models import User
    from linli.duty.selectors import suggest_pairings
    from linli.duty.suggest import DEFAULT_CAPACITY
    from linli.places.models import Committee

    call_command("migrate", verbosity=0)
    call_command("demo", scale=args.scale, verbosity=0)
    committees = Committee.objects.annotate(n=Count("compounds__buildings__households__residents"))
    worst, ratios = 0.0, []
    for committee in committees.order_by("-n")[: args.committees]:
        user = User(username="bench", role=User.Role.COMMITTEE_STAFF)
        user.town_id, user.committee = committee.town_id, committee
        user.save()
        now = [(s.resident.pk, s.volunteer.pk, s.cost) for s in suggest_pairings(user, committee)]
        if now != baseline(user, committee, DEFAULT_CAPACITY):
            raise SystemExit(f"{committee.name}: the suggestions differ from the baseline's")
        new = median_ms(lambda: suggest_pairings(user, committee), args.runs)  # noqa: B023
        old = median_ms(lambda: baseline(user, committee, DEFAULT_CAPACITY), args.runs)  # noqa: B023
        worst, ratio = max(worst, new[0]), old[0] / new[0]
        ratios.append(ratio)
        print(
            f"{committee.name:8} {committee.n:6} residents {len(now):4} pairs  "
            f"now {new[0]:6.1f} ms  baseline {old[0]:6.1f} ms  ×{ratio:.1f} faster"
        )
        user.delete()
    print(
        f"slowest committee {worst:.1f} ms (target < 300 ms); "
        f"median speed-up ×{statistics.median(ratios):.1f} over the baseline"
    )


if __name__ == "__main__":
    main()

"""The access gate: each role sees exactly its scope."""

import pytest

from linli.core.access import scope_for
from linli.core.masking import shown
from linli.places.models import Building, Resident


@pytest.mark.django_db
def test_town_staff_sees_the_whole_town(scenario):
    assert Resident.objects.visible_to(scenario.users["town"]).count() == 6


@pytest.mark.django_db
def test_committee_staff_sees_only_their_committee(scenario):
    names = set(Resident.objects.visible_to(scenario.users["kaiwu"]).values_list("name", flat=True))
    assert names == {"张三丰", "李秀英", "王建国", "赵丽华"}
    assert set(Building.objects.visible_to(scenario.users["lishui"])) == {scenario.lb1}


@pytest.mark.django_db
def test_login_without_role_sees_nothing(scenario):
    assert not Resident.objects.visible_to(scenario.users["charlie"]).exists()
    assert scope_for(scenario.users["charlie"]).is_empty


@pytest.mark.django_db
def test_anonymous_sees_nothing(scenario):
    from django.contrib.auth.models import AnonymousUser

    assert not Resident.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.django_db
def test_staff_see_masked_numbers(scenario):
    zhang = scenario.residents["zhang"]
    masked = shown(scenario.users["kaiwu"], "id_number", zhang.id_number)
    assert masked == zhang.id_number[:3] + "*" * 11 + zhang.id_number[-4:]
    assert shown(scenario.users["kaiwu"], "phone", "13812345678") == "138****5678"

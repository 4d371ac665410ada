"""`linli user add USERNAME --password P --volunteer PHONE`: a login whose scope follows the
volunteer's duties and pairings."""

import pytest
from django.core.management import CommandError, call_command

from linli.accounts.models import User
from linli.duty import services
from linli.duty.models import Duty
from linli.places.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def frank(grid):
    return services.volunteer_create(
        user=None,
        committee=grid.kaiwu,
        name="弗兰克",
        phone="13700005555",
        source="reported_party_member",
    )


def test_a_volunteer_gets_a_login_whose_scope_follows_their_duties(grid, frank, capsys):
    call_command("user", "add", "frank", "--password", "pw-frank-1", "--volunteer", "137 0000 5555")
    assert "frank" in capsys.readouterr().out
    login = User.objects.get(username="frank")
    frank.refresh_from_db()
    assert (frank.user, login.role, login.town) == (login, "volunteer", grid.town)
    assert not Resident.objects.visible_to(User.objects.get(pk=login.pk)).exists()
    duty = services.duty_assign(user=None, volunteer=frank, kind="building_leader", place=grid.b2)
    assert set(
        Resident.objects.visible_to(User.objects.get(pk=login.pk)).values_list("name", flat=True)
    ) == {"王建国", "赵丽华"}
    services.duty_end(user=None, duty=Duty.objects.get(pk=duty.pk))
    assert not Resident.objects.visible_to(User.objects.get(pk=login.pk)).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--volunteer", "13711112222"], "no volunteer"),
        (["--volunteer", "123"], "11"),
        (["--volunteer", "13900000001"], "already has a login"),  # alice
        (["--role", "volunteer"], "--volunteer"),
        (["--volunteer", "13700005555", "--committee", "丽水"], "no --committee"),
    ],
)
def test_mistakes_are_clear_errors_and_create_nothing(grid, frank, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("user", "add", "x", "--password", "pw-x-12345", *args)
    assert not User.objects.filter(username="x").exists()

"""`linli user add` and `linli user list`."""

import io

import pytest
from django.core.management import CommandError, call_command

from linli.accounts.models import User
from linli.core.models import AuditEntry
from linli.places.models import Committee, Town


def run(*args):
    out = io.StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_add_town_staff(scenario):
    out = run("add", "wang", "--password", "s3cret-pw!", "--role", "town_staff", "--town", "泗泾镇")
    user = User.objects.get(username="wang")
    assert user.role == "town_staff" and user.town == scenario.town and user.committee is None
    assert user.check_password("s3cret-pw!")
    assert "wang" in out
    assert AuditEntry.objects.filter(action="create", target_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_add_committee_staff_by_committee_name(scenario):
    run(
        "add", "zhou", "--password", "pw-123456", "--role", "committee_staff", "--committee", "丽水"
    )
    user = User.objects.get(username="zhou")
    assert (user.role, user.committee, user.town) == (
        "committee_staff",
        scenario.lishui,
        scenario.town,
    )


@pytest.mark.django_db
def test_a_committee_name_in_two_towns_needs_the_town(scenario):
    other = Town.objects.create(name="海湾镇")
    Committee.objects.create(town=other, name="丽水")
    with pytest.raises(CommandError, match="--town"):
        run("add", "zhou", "--password", "pw", "--role", "committee_staff", "--committee", "丽水")
    run(
        "add",
        "zhou",
        "--password",
        "pw",
        "--role",
        "committee_staff",
        "--committee",
        "丽水",
        "--town",
        "海湾镇",
    )
    assert User.objects.get(username="zhou").town == other


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["add", "x", "--password", "p", "--role", "town_staff", "--town", "无此镇"],
            "no such town",
        ),
        (["add", "x", "--password", "p", "--role", "town_staff"], "--town"),
        (["add", "x", "--password", "p", "--role", "mayor", "--town", "泗泾镇"], "unknown role"),
        (
            ["add", "x", "--password", "p", "--role", "committee_staff", "--committee", "无"],
            "no such committee",
        ),
        (
            ["add", "x", "--password", "p", "--role", "committee_staff", "--town", "泗泾镇"],
            "--committee",
        ),
        (
            [
                "add",
                "x",
                "--password",
                "p",
                "--role",
                "town_staff",
                "--town",
                "泗泾镇",
                "--committee",
                "丽水",
            ],
            "no --committee",
        ),
        (
            ["add", "kaiwu", "--password", "p", "--role", "town_staff", "--town", "泗泾镇"],
            "already exists",
        ),
    ],
)
def test_mistakes_are_clear_errors_and_create_nothing(scenario, args, message):
    before = User.objects.count()
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert User.objects.count() == before


@pytest.mark.django_db
def test_list_users(scenario):
    out = run("list")
    lines = out.strip().splitlines()
    assert any(line.startswith("kaiwu\tcommittee_staff\t新凯五村") for line in lines)
    assert any(line.startswith("town\ttown_staff\t泗泾镇") for line in lines)
    Town.objects.create(name="海湾镇")
    assert run("list", "--town", "海湾镇").strip() == ""


@pytest.mark.django_db
def test_errors_exit_non_zero_from_the_command_line(scenario, capsys):
    from linli.accounts.management.commands.user import Command

    argv = [
        "linli",
        "user",
        "add",
        "x",
        "--password",
        "p",
        "--role",
        "town_staff",
        "--town",
        "无此镇",
    ]
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(argv)
    assert exited.value.code != 0
    assert "no such town" in capsys.readouterr().err

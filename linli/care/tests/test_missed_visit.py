"""A door-knock answered "无人应答" at a living-alone elder's door prompts the visitor to call
them, and the second miss in a row raises one urgent help request."""

from __future__ import annotations

from django.urls import reverse

from linli.care.models import HelpRequest, Visit
from linli.core.models import AuditEntry


def knock(client, url: str, outcome: str = "nobody_home") -> str:
    token = client.get(url).context["form"]["form_token"].value()
    answer = client.post(url, {"outcome": outcome, "form_token": token, "notes": ""})
    assert answer.status_code == 200
    return answer.content.decode()


def test_first_miss_at_a_living_alone_elder_prompts_a_call_and_raises_nothing(grid, client_for):
    url = reverse("care:visit_household", args=[grid.households["b1_101"].pk])
    page = knock(client_for("alice"), url)
    assert "独居老人无人应答，请立即电话联系" in page
    assert 'href="tel:13812345678"' in page  # alice leads the building: numbers in full
    assert not HelpRequest.objects.exists()


def test_second_miss_in_a_row_escalates_once(grid, client_for):
    alice = client_for("alice")
    url = reverse("care:visit_household", args=[grid.households["b1_101"].pk])
    knock(alice, url)
    page = knock(alice, url)
    raised = HelpRequest.objects.get()
    assert (raised.urgency, raised.source, raised.status) == ("urgent", "visit", "new")
    assert raised.resident == grid.residents["zhang"]
    assert f"#{raised.pk}" in page and "已生成紧急诉求" in page
    assert AuditEntry.objects.filter(summary__contains="missed twice").count() == 1
    knock(alice, url)  # a third miss while the request is open raises nothing more
    assert HelpRequest.objects.count() == 1
    # The building's queue shows it to the leader.
    assert f'data-request="{raised.pk}"' in alice.get(reverse("care:buildings")).content.decode()


def test_a_miss_after_an_answer_starts_again(grid, client_for):
    alice = client_for("alice")
    url = reverse("care:visit_household", args=[grid.households["b1_101"].pk])
    knock(alice, url)
    knock(alice, url, "all_well")
    knock(alice, url)
    assert Visit.objects.count() == 3
    assert not HelpRequest.objects.exists()


def test_misses_at_other_doors_prompt_nothing(grid, client_for):
    url = reverse("care:visit_household", args=[grid.households["b1_102"].pk])  # 血透, not alone
    alice = client_for("alice")
    knock(alice, url)
    page = knock(alice, url)
    assert "独居老人" not in page
    assert not HelpRequest.objects.exists()


def test_staff_see_no_tel_link_to_a_masked_number_on_a_miss(grid, client_for):
    url = reverse("care:visit_household", args=[grid.households["b1_101"].pk])
    page = knock(client_for("kaiwu"), url)
    assert "独居老人无人应答" in page
    assert "tel:" not in page
    assert "138****5678" in page

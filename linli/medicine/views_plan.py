"""The desk's plan page (排班): pick a date and a time limit, start the planner (a task, with a
progress bar), see the runs (runner, hospitals, gates, km, requests) and what is carried over,
then save it. Saving a day twice, also at the same moment, is refused (409)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from linli.core import progress
from linli.core.http import user_of
from linli.core.validators import Problem, in_language
from linli.core.workflow import Conflict, NotAllowed
from linli.medicine import plans
from linli.medicine.forms import PlanForm
from linli.medicine.models import DayPlan, MedicineRun
from linli.medicine.tasks import draft_read, plan_task
from linli.places.models import Town


def _planning_town(request: HttpRequest) -> Town:
    user = user_of(request)
    if user.town_id is None or not user.has_perm("medicine.plan_dayplan", user.town):
        raise PermissionDenied
    return user.town  # type: ignore[return-value]


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    """The plan page: the form, and the plans already saved."""
    town = _planning_town(request)
    form = PlanForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            key = "plan-" + secrets.token_urlsafe(18)
            progress.report(key, "queued", 0, 0)
            plan_task.enqueue(
                town.pk,
                form.cleaned_data["date"].isoformat(),
                float(form.cleaned_data["time_limit"]),
                key,
                user_of(request).pk,
            )
            return redirect("medicine:plan_draft", key=key)
        return render(request, "medicine/plan.html", _plan_context(town, form), status=400)
    return render(request, "medicine/plan.html", _plan_context(town, form))


def _plan_context(town: Town, form: PlanForm) -> dict[str, Any]:
    saved = DayPlan.objects.filter(town=town).prefetch_related("runs__runner__volunteer")[:14]
    return {"form": form, "saved": saved}


def _draft(request: HttpRequest, key: str) -> dict[str, Any] | None:
    town = _planning_town(request)
    data = draft_read(key)
    if data is not None and (data.get("town") != town.pk or data.get("user") != request.user.pk):
        raise Http404
    return data


def _draft_context(request: HttpRequest, key: str, data: dict[str, Any] | None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "key": key,
        "progress": progress.read(key),
        "poll_url": reverse("medicine:plan_poll", args=[key]),
        "page_url": reverse("medicine:plan_draft", args=[key]),
        "done": data is not None,
    }
    if data is not None:
        if "error" in data:
            context["error"] = in_language(*data["error"])
        else:
            answer = data["answer"]
            context["answer"] = answer
            context["requests"] = sum(len(r["requests"]) for r in answer["runs"])
            context["saved"] = DayPlan.objects.filter(
                town_id=data["town"], date=dt.date.fromisoformat(answer["date"])
            ).first()
    return context


@login_required
def plan_draft(request: HttpRequest, key: str) -> HttpResponse:
    """The started plan: its progress until done, then its runs and a save button."""
    if not key.startswith("plan-"):
        raise Http404
    data = _draft(request, key)
    return render(request, "medicine/plan_draft.html", _draft_context(request, key, data))


@login_required
def plan_poll(request: HttpRequest, key: str) -> HttpResponse:
    """htmx polls: the bar while the planner runs, then a refresh for the whole result."""
    data = _draft(request, key)
    if data is not None:
        return HttpResponseClientRefresh()
    return render(request, "medicine/_plan_progress.html", _draft_context(request, key, None))


@login_required
@require_POST
def plan_save(request: HttpRequest, key: str) -> HttpResponse:
    data = _draft(request, key)
    if data is None or "draft" not in data:
        raise Http404
    town = _planning_town(request)
    try:
        saved = plans.plan_save(
            user=user_of(request),
            town=town,
            draft=plans.PlanDraft.from_json(data["draft"]),
            request=request,
        )
    except (Conflict, NotAllowed) as exc:
        status = 409 if isinstance(exc, Conflict) else 403
        context = _draft_context(request, key, data)
        context["error"] = str(exc)
        return render(request, "medicine/plan_draft.html", context, status=status)
    except Problem as exc:
        context = _draft_context(request, key, data)
        context["error"] = str(exc)
        return render(request, "medicine/plan_draft.html", context, status=400)
    messages.success(
        request,
        _("已保存 %(date)s 的排班：%(n)s 条路线")
        % {"date": saved.date, "n": MedicineRun.objects.filter(plan=saved).count()},
    )
    return redirect("medicine:plan")

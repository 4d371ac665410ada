"""The notices pages: the senders' list, a new notice (from a template or blank), a notice's
page (the sender's receipts by building and robots; a recipient's text and 已读 button), a
volunteer's notices, attachments, robot channels and their delivery logs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.http import int_param, user_of
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed
from linli.notices import fill, selectors, services
from linli.notices.forms import ChannelForm, NoticeForm
from linli.notices.models import Attachment, Notice, Receipt, RobotChannel
from linli.notices.workflow import NOTICE_WORKFLOW
from linli.places.selectors import user_town


def _status_of(exc: Problem) -> int:
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, NotAllowed):
        return 403
    return 400


def _refused(request: HttpRequest, reason: str, status: int, back: str) -> HttpResponse:
    context = {"reason": reason, "back": back}
    return render(request, "notices/refused.html", context, status=status)


def _notice(request: HttpRequest, pk: int) -> Notice:
    return get_object_or_404(
        Notice.objects.visible_to(request.user).select_related(
            "committee", "compound", "building__compound", "team__committee"
        ),
        pk=pk,
    )


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """通知: the notices of the sender's town or committee."""
    user = user_of(request)
    if not user.has_perm("notices.add_notice"):
        raise PermissionDenied
    page = Paginator(selectors.notices_for_sender(user), 30).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page})


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    """发通知: pick a template and its object (the text is filled), or write one; a draft."""
    user = user_of(request)
    town = user_town(request)
    if not user.has_perm("notices.add_notice") or town is None:
        raise PermissionDenied
    channels = services.channels_for(user, town.pk)
    template = request.GET.get("template", "")
    objects = fill.objects_for(user, template) if template in fill.FILLERS else []
    initial: dict[str, Any] = {
        "urgency": Notice.Urgency.NORMAL,
        "expires_at": timezone.localtime() + dt.timedelta(days=1),
        "channels": [c.pk for c in channels],
    }
    status = 200
    if request.method == "GET" and template in fill.FILLERS and request.GET.get("object"):
        try:
            filled = fill.fill(user, template, int_param(request.GET.get("object")))
        except Problem as exc:
            messages.error(request, exc.text())
            status = 400
        else:
            initial.update(title=filled.title, body=filled.body, template=template)
            initial["scope"] = filled.scope
            if filled.scope == Notice.Scope.COMPOUND:
                initial["compound"] = filled.place_id
    form = NoticeForm(
        request.POST or None,
        request.FILES or None,
        user=user,
        town_id=town.pk,
        channels=channels,
        initial=initial,
    )
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = services.notice_create(
                    user=user,
                    town=town,
                    scope=data["scope"],
                    committee=data["committee"],
                    compound=data["compound"],
                    building=data["building"],
                    team=data["team"],
                    duty_kind=data["duty_kind"] or "",
                    for_residents=data["for_residents"],
                    title=data["title"],
                    body=data["body"],
                    urgency=data["urgency"],
                    expires_at=data["expires_at"],
                    template=data["template"] if data["template"] in fill.FILLERS else "",
                    channels=list(data["channels"]),
                    files=data["files"] or [],
                    request=request,
                )
            except Problem as exc:
                form.add_error(None, exc.text())
            else:
                return redirect(notice)
    context = {
        "form": form,
        "templates": [(t.value, t.label) for t in Notice.Template if t.value],
        "template": template,
        "objects": objects,
    }
    return render(request, "notices/new.html", context, status=status)


@login_required
def notice_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice: its sender sees who has not read by building and the robots' deliveries; a
    recipient reads it and taps 已读."""
    user = user_of(request)
    notice = _notice(request, pk)
    sender = user.has_perm("notices.view_receipts_notice", notice)
    receipt = Receipt.objects.filter(notice=notice, user_id=user.pk).first()
    if not sender and receipt is None:
        raise PermissionDenied
    context: dict[str, Any] = {
        "notice": notice,
        "receipt": receipt,
        "sender": sender,
        "attachments": list(notice.attachments.all()),
    }
    if sender:
        rows = selectors.receipts_by_building(user, notice)
        deliveries = list(selectors.deliveries_of(notice))
        context.update(
            rows=rows,
            total=sum(r.total for r in rows),
            read=sum(r.read for r in rows),
            deliveries=deliveries,
            robot_failed=any(d.status == d.Status.FAILED for d in deliveries),
            moves=NOTICE_WORKFLOW.allowed(user, notice),
            may_remind=(
                notice.status == Notice.Status.SENT
                and not notice.is_expired
                and user.has_perm("notices.remind_notice", notice)
            ),
        )
    return render(request, "notices/notice.html", context)


@login_required
@require_POST
def notice_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Send, withdraw or close a notice (NOTICE_WORKFLOW)."""
    user = user_of(request)
    notice = _notice(request, pk)
    to = request.POST.get("to", "")
    back = notice.get_absolute_url()
    try:
        if to == Notice.Status.SENT:
            services.notice_send(user=user, notice=notice, request=request)
        elif to == Notice.Status.WITHDRAWN:
            reason = request.POST.get("reason", "")
            services.notice_withdraw(user=user, notice=notice, reason=reason, request=request)
        else:
            from linli.core.workflow import transition

            transition(notice, to, by=user, request=request)
    except Problem as exc:
        return _refused(request, exc.text(), _status_of(exc), back)
    return redirect(back)


@login_required
@require_POST
def notice_remind(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    notice = _notice(request, pk)
    try:
        reminded = services.notice_remind(user=user, notice=notice, request=request)
    except Problem as exc:
        return _refused(request, exc.text(), _status_of(exc), notice.get_absolute_url())
    messages.success(request, _("已提醒 %(n)d 位未读的志愿者和居民户") % {"n": reminded})
    return redirect(notice)


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    """已读: a recipient's one tap (a second one changes nothing)."""
    user = user_of(request)
    notice = _notice(request, pk)
    if not user.has_perm("notices.read_notice", notice):
        raise PermissionDenied
    services.receipt_read(user=user, notice=notice, request=request)
    if request.htmx:  # type: ignore[attr-defined]
        receipt = Receipt.objects.get(notice=notice, user_id=user.pk)
        return render(request, "notices/_read.html", {"notice": notice, "receipt": receipt})
    return redirect(notice)


@login_required
def attachment(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """An attachment, to the notice's senders and recipients only (a 404 for anyone else)."""
    user = user_of(request)
    notice = _notice(request, pk)
    if not (
        user.has_perm("notices.view_receipts_notice", notice)
        or user.has_perm("notices.read_notice", notice)
    ):
        raise Http404
    found = get_object_or_404(Attachment, notice=notice, pk=file_pk)
    try:
        handle = found.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=found.name)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的通知: a volunteer's notices, unread first."""
    user = user_of(request)
    page = Paginator(selectors.my_receipts(user), 30).get_page(request.GET.get("page"))
    return render(request, "notices/mine.html", {"page": page, "now": timezone.now()})


@login_required
def channels(request: HttpRequest) -> HttpResponse:
    """群机器人: the town's or committee's robots, and a new one (its address never shown
    whole again)."""
    user = user_of(request)
    town = user_town(request)
    if not user.has_perm("notices.add_robotchannel") or town is None:
        raise PermissionDenied
    form = ChannelForm(request.POST or None, user=user, town_id=town.pk)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.channel_create(
                    user=user,
                    town=town,
                    committee=data["committee"],
                    name=data["name"],
                    kind=data["kind"],
                    webhook_url=data["webhook_url"],
                    secret=data["secret"],
                    request=request,
                )
            except Problem as exc:
                form.add_error(None, exc.text())
            except PermissionDenied:
                form.add_error(None, _("只能为本单位添加群机器人"))
            else:
                messages.success(request, _("已添加群机器人"))
                return redirect("notices:channels")
    rows = RobotChannel.objects.visible_to(user).filter(town_id=town.pk).select_related("committee")
    context = {"form": form, "channels": rows}
    return render(request, "notices/channels.html", context, status=status)


@login_required
def channel(request: HttpRequest, pk: int) -> HttpResponse:
    """A robot's delivery log: each message, its tries, status codes and the robot's answers."""
    user = user_of(request)
    found = get_object_or_404(RobotChannel.objects.visible_to(user), pk=pk)
    if not user.has_perm("notices.change_robotchannel", found):
        raise PermissionDenied
    rows = found.deliveries.select_related("notice").prefetch_related("tries")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "notices/channel.html", {"channel": found, "page": page})


@login_required
@require_POST
def channel_switch(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    found = get_object_or_404(RobotChannel.objects.visible_to(user), pk=pk)
    active = request.POST.get("active") == "1"
    services.channel_switch(user=user, channel=found, active=active, request=request)
    return redirect(reverse("notices:channel", args=[found.pk]))

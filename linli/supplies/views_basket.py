"""The shared basket's pages (共享菜篮子).

Residents: the building's basket behind the self-service poster's token (the same 求助二维码
link, `linli.care.selfservice`), a giver's page and a claimer's page behind their own links.
The building's leader and staff: the building's basket with the claims (phones masked), its
pickup slots, closing posts and marking pick-ups and no-shows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.care import selfservice
from linli.care.models import SelfServiceLink
from linli.core import ratelimit
from linli.core.http import user_of
from linli.core.masking import mask_phone, shown
from linli.core.ratelimit import Limit
from linli.core.validators import Problem
from linli.core.workflow import Conflict, NotAllowed
from linli.places.models import Building
from linli.supplies import services_basket as svc
from linli.supplies.forms_basket import ClaimForm, PostForm, SlotsForm
from linli.supplies.models import BasketClaim, BasketPost

MAX_BODY_BYTES = 8 * 1024
POSTS_PER_ROOM = Limit("supplies:basket:post-room", 10, 86400)
CLAIMS_PER_PHONE = Limit("supplies:basket:claim-phone", 10, 86400)
REFUSED_PER_ADDRESS = Limit("supplies:basket:refused", 20, 3600)


def _status_of(exc: Problem) -> int:
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, NotAllowed):
        return 403
    return 400


def _link(request: HttpRequest, token: str) -> SelfServiceLink:
    link = selfservice.link_by_token(token)
    if link is None:
        if selfservice.LOOKUP_MISSES_PER_ADDRESS.hit(ratelimit.address(request)):
            raise PermissionDenied
        raise Http404
    return link


def _open_posts(building: Building) -> list[dict[str, Any]]:
    now = timezone.now()
    posts = BasketPost.objects.filter(
        building=building, status=BasketPost.Status.OPEN, until__gt=now
    ).order_by("-perishable", "until", "id")
    return [
        {"post": p, "left": svc.remaining(p, now=now), "slots": svc.slots_for(p, now=now)}
        for p in posts[:50]
    ]


def _basket_page(
    request: HttpRequest,
    link: SelfServiceLink,
    *,
    post_form: PostForm | None = None,
    claim_form: ClaimForm | None = None,
    claim_post: int | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "token": link.token,
        "building": link.building,
        "posts": _open_posts(link.building),
        "post_form": post_form or PostForm(),
        "claim_form": claim_form,
        "claim_post": claim_post,
        "error": error,
    }
    return render(request, "supplies/basket.html", context, status=status)


@never_cache
def basket(request: HttpRequest, token: str) -> HttpResponse:
    """共享菜篮子: the building's basket, reached from its self-service poster."""
    return _basket_page(request, _link(request, token))


@never_cache
@require_POST
def basket_post(request: HttpRequest, token: str) -> HttpResponse:
    """A resident offers surplus; the answer is their private link to the post."""
    link = _link(request, token)
    if ratelimit.too_large(request, MAX_BODY_BYTES):
        return HttpResponse(_("提交内容过大"), status=413)
    form = PostForm(request.POST)
    if not form.is_valid():
        return _basket_page(request, link, post_form=form, status=400)
    data = form.cleaned_data
    room_key = f"{link.building_id}:{data['room']}"
    if POSTS_PER_ROOM.blocked(room_key):
        return _basket_page(
            request, link, post_form=form, error=_("今天发布次数已达上限"), status=429
        )
    try:
        posted = svc.basket_post_create(
            building=link.building,
            room=data["room"],
            item=data["item"],
            quantity=data["quantity"],
            unit=data["unit"],
            perishable=data["perishable"],
            until=data["until"],
            note=data["note"],
            request=request,
        )
    except Problem as exc:
        if REFUSED_PER_ADDRESS.hit(f"{link.pk}:{ratelimit.address(request)}"):
            return HttpResponse(_("提交过于频繁，请稍后再试"), status=429)
        form.add_error(None, exc.text())
        return _basket_page(request, link, post_form=form, status=_status_of(exc))
    POSTS_PER_ROOM.hit(room_key)
    url = reverse("supplies:basket_giver", args=[posted.token])
    context = {"post": posted.post, "url": request.build_absolute_uri(url), "path": url}
    return render(request, "supplies/basket_posted.html", context)


@never_cache
@require_POST
def basket_claim(request: HttpRequest, token: str, post: int) -> HttpResponse:
    """A neighbour claims part of a post in a pickup slot; 409 when it is gone or the slot full."""
    link = _link(request, token)
    if ratelimit.too_large(request, MAX_BODY_BYTES):
        return HttpResponse(_("提交内容过大"), status=413)
    found = BasketPost.objects.filter(building_id=link.building_id, pk=post).first()
    if found is None:
        raise Http404
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _basket_page(request, link, claim_form=form, claim_post=post, status=400)
    data = form.cleaned_data
    if CLAIMS_PER_PHONE.blocked(data["phone"]):
        error = _("今天领取次数已达上限")
        return _basket_page(
            request, link, claim_form=form, claim_post=post, error=error, status=429
        )
    try:
        claimed = svc.basket_claim(
            post=found,
            room=data["room"],
            phone=data["phone"],
            quantity=data["quantity"],
            slot_start=data["slot"],
            request=request,
        )
    except Problem as exc:
        if not isinstance(exc, Conflict) and REFUSED_PER_ADDRESS.hit(
            f"{link.pk}:{ratelimit.address(request)}"
        ):
            return HttpResponse(_("提交过于频繁，请稍后再试"), status=429)
        form.add_error(None, exc.text())
        return _basket_page(request, link, claim_form=form, claim_post=post, status=_status_of(exc))
    CLAIMS_PER_PHONE.hit(data["phone"])
    url = reverse("supplies:basket_claimer", args=[claimed.token])
    context = {"claim": claimed.claim, "url": request.build_absolute_uri(url), "path": url}
    return render(request, "supplies/basket_claimed.html", context)


def _claims_shown(post: BasketPost, viewer: Any) -> list[dict[str, Any]]:
    """The claims as the giver or keeper sees them: the room and the phone masked."""
    rows = post.claims.select_related("household").order_by("slot_start", "id")
    now = timezone.now()
    return [
        {
            "claim": c,
            "room": c.household.room,
            "phone": mask_phone(c.phone) if viewer is None else shown(viewer, "phone", c.phone),
            "lapsed": c.status == BasketClaim.Status.CLAIMED and c.slot_end + svc.GRACE <= now,
        }
        for c in rows
    ]


@never_cache
def basket_giver(request: HttpRequest, token: str) -> HttpResponse:
    """The giver's page: who claimed (masked), pick-ups and no-shows, closing the post."""
    found = svc.post_by_token(token)
    if found is None:
        if selfservice.LOOKUP_MISSES_PER_ADDRESS.hit(ratelimit.address(request)):
            return HttpResponse(_("尝试次数过多，请稍后再试"), status=429)
        raise Http404
    status, error = 200, ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "close":
                svc.basket_post_close(user=None, post=found, by_giver=True, request=request)
            elif action in (BasketClaim.Status.PICKED_UP, BasketClaim.Status.NO_SHOW):
                claim = get_object_or_404(
                    BasketClaim, post=found, pk=_int(request.POST.get("claim", ""))
                )
                svc.basket_claim_mark(
                    user=None, claim=claim, status=action, by_giver=True, request=request
                )
            else:
                raise Problem("未知操作", "unknown action")
        except Problem as exc:
            status, error = _status_of(exc), exc.text()
        else:
            return redirect("supplies:basket_giver", token=token)
        found.refresh_from_db()
    context = {
        "post": found,
        "left": svc.remaining(found),
        "claims": _claims_shown(found, None),
        "error": error,
        "token": token,
    }
    return render(request, "supplies/basket_giver.html", context, status=status)


def _int(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 19 else 0


@never_cache
def basket_claimer(request: HttpRequest, token: str) -> HttpResponse:
    """The claimer's page: what, which slot; cancel frees the item."""
    found = svc.claim_by_token(token)
    if found is None:
        if selfservice.LOOKUP_MISSES_PER_ADDRESS.hit(ratelimit.address(request)):
            return HttpResponse(_("尝试次数过多，请稍后再试"), status=429)
        raise Http404
    status, error = 200, ""
    if request.method == "POST":
        try:
            found = svc.basket_claim_cancel(claim=found, request=request)
        except Problem as exc:
            status, error = _status_of(exc), exc.text()
    context = {"claim": found, "post": found.post, "error": error}
    return render(request, "supplies/basket_claimer.html", context, status=status)


def _building(request: HttpRequest, pk: int) -> Building:
    return get_object_or_404(
        Building.objects.visible_to(request.user).select_related("compound"), pk=pk
    )


@login_required
def basket_building(request: HttpRequest, pk: int) -> HttpResponse:
    """The building's basket for its leader and staff: posts, claims (masked), pickup slots."""
    building = _building(request, pk)
    if not request.user.has_perm("supplies.change_basketslots", building):
        raise PermissionDenied
    slots = svc.slots_of(building)
    form = SlotsForm(request.POST or None, instance=slots)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                svc.basket_slots_set(
                    user=user_of(request),
                    building=building,
                    minutes=data["minutes"],
                    capacity=data["capacity"],
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    request=request,
                )
            except Problem as exc:
                form.add_error(None, exc.text())
            else:
                messages.success(request, _("已保存取件时段"))
                return redirect("supplies:basket_building", pk=pk)
        status = 400
    posts = BasketPost.objects.visible_to(request.user).filter(building=building)[:30]
    context = {
        "building": building,
        "form": form,
        "posts": [
            {"post": p, "left": svc.remaining(p), "claims": _claims_shown(p, request.user)}
            for p in posts
        ],
    }
    return render(request, "supplies/basket_building.html", context, status=status)


@login_required
@require_POST
def basket_keep(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader or staff close a post (action=close) or mark one of its claims."""
    found = get_object_or_404(
        BasketPost.objects.visible_to(request.user).select_related("building__compound"), pk=pk
    )
    action = request.POST.get("action", "")
    try:
        if action == "close":
            svc.basket_post_close(user=user_of(request), post=found, request=request)
        else:
            claim = get_object_or_404(
                BasketClaim, post=found, pk=_int(request.POST.get("claim", ""))
            )
            svc.basket_claim_mark(
                user=user_of(request), claim=claim, status=action, request=request
            )
    except Problem as exc:
        return HttpResponse(exc.text(), status=_status_of(exc))
    return redirect("supplies:basket_building", pk=found.building_id)

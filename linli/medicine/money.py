"""Advances (垫付): parsing yuan into fen, a runner's balance, issuing a float, recording a
payment and a repayment, disputes, and what is still owed back.

Money is integer fen (分) from the form to the database; "12.50" yuan is parsed with Decimal
into 1250 fen exactly. A runner's balance = float − spent + repaid. A payment the balance does
not cover is refused unless the runner says they paid it from their own pocket
(`out_of_pocket`): a balance never goes below zero silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Case, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from linli.core.audit import audit
from linli.core.models import AuditEntry
from linli.core.validators import Problem
from linli.medicine.models import AdvanceEntry, MedicineOrder, MoneyDispute, TeamMember
from linli.places.models import Town

if TYPE_CHECKING:
    from django.http import HttpRequest

    from linli.accounts.models import User

Kind = AdvanceEntry.Kind
Big = BigIntegerField
# A single entry above ¥100,000 is a typing slip, not a prescription.
MAX_FEN = 10_000_000
_YUAN = re.compile(r"^[0-9]{1,9}(\.[0-9]{1,2})?$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")
# The invoice photo's type → the stored file's extension (the served type follows it).
INVOICE_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
}
MAX_PHOTO_BYTES = 8 * 1024 * 1024


def parse_yuan(text: str) -> int:
    """An amount typed in yuan → fen: "12.50" and "12.5" are 1250, "0.05" is 5, "８" is 800.
    Refused: negatives, more than 2 decimals, zero, anything not a plain number."""
    cleaned = (text or "").translate(_FULL_WIDTH).strip().removeprefix("¥").removesuffix("元")
    cleaned = cleaned.strip()
    if cleaned.startswith("-"):
        raise Problem("金额不能为负数", "the amount cannot be negative")
    if re.fullmatch(r"[0-9]+\.[0-9]{3,}", cleaned):
        raise Problem("金额最多两位小数（精确到分）", "at most 2 decimals (fen)")
    if not _YUAN.fullmatch(cleaned):
        raise Problem("请输入金额，如 12.50", "enter an amount such as 12.50")
    fen = int(Decimal(cleaned) * 100)
    if fen <= 0:
        raise Problem("金额必须大于零", "the amount must be more than zero")
    if fen > MAX_FEN:
        raise Problem("金额过大，请核对", "the amount is too large; check it")
    return fen


def yuan(fen: int) -> str:
    """Fen as yuan for people: 1250 → "12.50", -5 → "-0.05"."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _signed() -> Case:
    return Case(
        When(kind=Kind.PAYMENT, then=-F("amount_fen")),
        default=F("amount_fen"),
        output_field=BigIntegerField(),
    )


def balance_fen(runner: TeamMember) -> int:
    """float − spent + repaid, in fen."""
    total = AdvanceEntry.objects.filter(runner=runner).aggregate(
        total=Coalesce(Sum(_signed()), 0, output_field=BigIntegerField())
    )["total"]
    return int(total)


def owed_fen(order: MedicineOrder) -> int:
    """What the patient still owes back on a request: its payments − its repayments."""
    sums = AdvanceEntry.objects.filter(order=order).aggregate(
        paid=Coalesce(Sum("amount_fen", filter=Q(kind=Kind.PAYMENT)), 0, output_field=Big()),
        repaid=Coalesce(Sum("amount_fen", filter=Q(kind=Kind.REPAYMENT)), 0, output_field=Big()),
    )
    return int(sums["paid"]) - int(sums["repaid"])


def advances_open_fen(town: Town) -> int:
    """The advances still owed back to the team in `town`, in fen: over every request of the
    town with a payment, its payments minus its patient's repayments, summed over requests where
    that is above zero (disputed ones included: a dispute does not cancel a debt). Floats do
    not count; a repayment never exceeds what was paid (`repayment_record` refuses it)."""
    per_order = (
        AdvanceEntry.objects.filter(town=town, order__isnull=False)
        .values("order_id")
        .annotate(
            owed=Sum(
                Case(
                    When(kind=Kind.PAYMENT, then=F("amount_fen")),
                    When(kind=Kind.REPAYMENT, then=-F("amount_fen")),
                    default=0,
                    output_field=BigIntegerField(),
                )
            )
        )
        .filter(owed__gt=0)
    )
    return int(sum(row["owed"] for row in per_order))


@dataclass(frozen=True)
class OpenAdvance:
    order: MedicineOrder
    owed_fen: int


def open_advances(orders: object) -> list[OpenAdvance]:
    """Of these requests (a queryset from `visible_to`), those still owing, with the sum."""
    rows = (
        AdvanceEntry.objects.filter(order__in=orders)
        .values("order_id")
        .annotate(
            owed=Sum(
                Case(
                    When(kind=Kind.PAYMENT, then=F("amount_fen")),
                    When(kind=Kind.REPAYMENT, then=-F("amount_fen")),
                    default=0,
                    output_field=BigIntegerField(),
                )
            )
        )
        .filter(owed__gt=0)
    )
    owed = {row["order_id"]: int(row["owed"]) for row in rows}
    found = MedicineOrder.objects.filter(pk__in=owed).select_related("resident", "committee")
    return [OpenAdvance(o, owed[o.pk]) for o in found]


def _replay(town_id: int, key: str | None) -> AdvanceEntry | None:
    if not key:
        return None
    return AdvanceEntry.objects.filter(town_id=town_id, idempotency_key=key).first()


def _save(entry: AdvanceEntry) -> AdvanceEntry:
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The same form arrived twice at once: the other submission's entry stands.
        replayed = _replay(entry.town_id, entry.idempotency_key)
        if replayed is None:
            raise
        return replayed
    return entry


def _check_amount(amount_fen: int) -> None:
    if not isinstance(amount_fen, int) or amount_fen <= 0 or amount_fen > MAX_FEN:
        raise Problem("金额无效", "invalid amount")


@transaction.atomic
def float_issue(
    *,
    user: User,
    runner: TeamMember,
    amount_fen: int,
    idempotency_key: str | None = None,
    request: HttpRequest | None = None,
) -> AdvanceEntry:
    """Issue a float (备用金) to a runner."""
    _check_amount(amount_fen)
    if runner.post != TeamMember.Post.RUNNER:
        raise Problem("备用金只发给外场", "a float goes to a runner only")
    if (done := _replay(runner.town_id, idempotency_key)) is not None:
        return done
    entry = _save(
        AdvanceEntry(
            town_id=runner.town_id,
            runner=runner,
            kind=Kind.FLOAT,
            amount_fen=amount_fen,
            at=timezone.now(),
            by=user,
            idempotency_key=idempotency_key or None,
        )
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=entry,
        summary=f"float {yuan(amount_fen)} to runner {runner.pk}",
        request=request,
    )
    return entry


def _check_photo(photo: UploadedFile | None) -> None:
    if photo is None:
        return
    if (photo.size or 0) > MAX_PHOTO_BYTES:
        raise Problem("照片过大（最多8MB）", "the photo is too large (8 MB at most)")
    if photo.content_type not in INVOICE_TYPES:
        raise Problem("发票照片须为图片", "the invoice photo must be an image")


@transaction.atomic
def payment_record(
    *,
    user: User,
    order: MedicineOrder,
    amount_fen: int,
    out_of_pocket: bool = False,
    photo: UploadedFile | None = None,
    idempotency_key: str | None = None,
    request: HttpRequest | None = None,
) -> AdvanceEntry:
    """A payment at the hospital for a request, with its invoice amount (and photo), from the
    float of the runner whose run carries it. Refused when the balance does not cover it,
    unless the runner records it as paid out of their own pocket."""
    _check_amount(amount_fen)
    _check_photo(photo)
    if (done := _replay(order.town_id, idempotency_key)) is not None:
        return done
    if order.run is None:
        raise Problem("该配药单还没有排班", "the request is on no run yet")
    # Lock the runner's post: payments of one runner are decided one at a time.
    runner = TeamMember.objects.select_for_update().get(pk=order.run.runner_id)
    balance = balance_fen(runner)
    if amount_fen > balance and not out_of_pocket:
        raise Problem(
            f"备用金不足：余额 {yuan(balance)} 元，本次 {yuan(amount_fen)} 元。"
            "如为自掏垫付，请勾选“自掏垫付”后再提交",
            f"the float does not cover it: balance {yuan(balance)}, payment "
            f"{yuan(amount_fen)}; tick 'out of pocket' if you paid it yourself",
        )
    entry = AdvanceEntry(
        town_id=order.town_id,
        runner=runner,
        kind=Kind.PAYMENT,
        amount_fen=amount_fen,
        order=order,
        out_of_pocket=out_of_pocket,
        at=timezone.now(),
        by=user,
        idempotency_key=idempotency_key or None,
    )
    if photo is not None:
        ext = INVOICE_TYPES[str(photo.content_type)]
        entry.invoice_photo.save(f"{order.town_id}-{order.pk}.{ext}", photo, save=False)
    entry = _save(entry)
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=entry,
        summary=f"payment {yuan(amount_fen)} for order {order.pk}"
        + (" out of pocket" if out_of_pocket else ""),
        request=request,
    )
    return entry


@transaction.atomic
def repayment_record(
    *,
    user: User,
    order: MedicineOrder,
    amount_fen: int,
    method: str,
    reference: str = "",
    idempotency_key: str | None = None,
    request: HttpRequest | None = None,
) -> AdvanceEntry:
    """The patient pays back (cash, or a transfer with its reference) what was advanced for the
    request; credited to the runner who paid. Never more than is owed."""
    _check_amount(amount_fen)
    if method not in AdvanceEntry.Method.values:
        raise Problem("还款方式无效", "invalid repayment method")
    reference = reference.strip()
    if method == AdvanceEntry.Method.TRANSFER and not reference:
        raise Problem("转账还款须填写转账单号", "a transfer needs its reference")
    if (done := _replay(order.town_id, idempotency_key)) is not None:
        return done
    locked = MedicineOrder.objects.select_for_update().get(pk=order.pk)
    paid = AdvanceEntry.objects.filter(order=locked, kind=Kind.PAYMENT).order_by("-at").first()
    if paid is None:
        raise Problem("该配药单没有垫付", "nothing was advanced for this request")
    owed = owed_fen(locked)
    if amount_fen > owed:
        raise Problem(
            f"还款超过欠款（尚欠 {yuan(owed)} 元）",
            f"the repayment exceeds what is owed ({yuan(owed)})",
        )
    entry = _save(
        AdvanceEntry(
            town_id=locked.town_id,
            runner_id=paid.runner_id,
            kind=Kind.REPAYMENT,
            amount_fen=amount_fen,
            order=locked,
            method=method,
            reference=reference[:60],
            at=timezone.now(),
            by=user,
            idempotency_key=idempotency_key or None,
        )
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=entry,
        summary=f"repayment {yuan(amount_fen)} ({method}) for order {locked.pk}",
        request=request,
    )
    return entry


@transaction.atomic
def dispute_raise(
    *,
    user: User,
    order: MedicineOrder,
    reason: str,
    request: HttpRequest | None = None,
) -> MoneyDispute:
    """Flag a disagreement about a request's money; it stays listed until resolved."""
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise Problem(
            "请写明争议内容（300字以内）", "describe the dispute (300 characters at most)"
        )
    dispute = MoneyDispute.objects.create(
        town_id=order.town_id, order=order, reason=reason, raised_by=user, raised_at=timezone.now()
    )
    audit(
        user=user,
        action=AuditEntry.Action.CREATE,
        target=dispute,
        summary=f"money dispute on order {order.pk}",
        request=request,
    )
    return dispute


@transaction.atomic
def dispute_resolve(
    *,
    user: User,
    dispute: MoneyDispute,
    resolution: str,
    request: HttpRequest | None = None,
) -> MoneyDispute:
    """Record how a dispute was settled (a correction of money is a new ledger entry)."""
    resolution = resolution.strip()
    if not resolution or len(resolution) > 300:
        raise Problem(
            "请写明处理结果（300字以内）", "describe the outcome (300 characters at most)"
        )
    locked = MoneyDispute.objects.select_for_update().get(pk=dispute.pk)
    if locked.resolved_at is not None:
        raise Problem("该争议已处理", "the dispute is already resolved")
    locked.resolution, locked.resolved_by, locked.resolved_at = resolution, user, timezone.now()
    locked.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    audit(
        user=user,
        action=AuditEntry.Action.UPDATE,
        target=locked,
        summary=f"money dispute on order {locked.order_id} resolved",
        request=request,
    )
    return locked

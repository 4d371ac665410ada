"""A group buy's money, in integer fen (分): what each household is due, what it is owed back,
and the organiser's ledger, where collected = paid to the supplier + refunded + held, always
(held is never below zero: the services refuse to pay out more than is held).

Amounts are shown as yuan with two decimals by `yuan()`; nothing here uses a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Sum

from linli.core.validators import Problem

if TYPE_CHECKING:
    from linli.supplies.models import GroupBuy, GroupBuyLine, GroupBuyOrder


def yuan(fen: int) -> str:
    """12345 → "123.45" (negative amounts keep their sign)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def parse_yuan(text: str) -> int:
    """ "12.5" or "12.50" or "12" → fen; anything else (more than 2 decimals, a sign, letters)
    is a Problem. No float is involved."""
    text = text.strip()
    whole, _, cents = text.partition(".")
    if not whole.isdigit() or (cents and not cents.isdigit()) or len(cents) > 2 or len(whole) > 7:
        raise Problem(f"金额格式不正确：{text}", f"not an amount in yuan: {text!r}")
    return int(whole) * 100 + int(cents.ljust(2, "0") or "0")


def goods_fen(lines: list[GroupBuyLine], *, allocated: bool) -> int:
    """The goods' price: ordered quantities, or what was allocated once goods arrived."""
    if allocated:
        return sum((line.allocated or 0) * line.unit_price_fen for line in lines)
    return sum(line.qty * line.unit_price_fen for line in lines)


def order_due_fen(order: GroupBuyOrder, lines: list[GroupBuyLine], *, gb_status: str) -> int:
    """What the household owes for its order: nothing once the order or the group buy is
    cancelled; after arrival, only what it was allocated (and the fee only if it got
    anything); before, everything it ordered plus the fee."""
    from linli.supplies.models import GroupBuy, GroupBuyOrder

    if order.status == GroupBuyOrder.Status.CANCELLED or gb_status == GroupBuy.Status.CANCELLED:
        return 0
    allocated = any(line.allocated is not None for line in lines)
    goods = goods_fen(lines, allocated=allocated)
    if allocated and goods == 0:
        return 0
    return goods + order.fee_fen


def refund_due_fen(order: GroupBuyOrder, due: int) -> int:
    """What the organiser still owes the household back."""
    return max(0, order.paid_fen - order.refunded_fen - due)


@dataclass(frozen=True)
class Ledger:
    """A group buy's money at a glance (fen)."""

    collected: int
    paid_supplier: int
    refunded: int

    @property
    def held(self) -> int:
        return self.collected - self.paid_supplier - self.refunded


def ledger(group_buy: GroupBuy) -> Ledger:
    from linli.supplies.models import MoneyEntry

    sums = dict(
        group_buy.money.values_list("kind").annotate(total=Sum("amount_fen")).order_by("kind")
    )
    return Ledger(
        collected=sums.get(MoneyEntry.Kind.COLLECTED, 0),
        paid_supplier=sums.get(MoneyEntry.Kind.PAID_SUPPLIER, 0),
        refunded=sums.get(MoneyEntry.Kind.REFUNDED, 0),
    )

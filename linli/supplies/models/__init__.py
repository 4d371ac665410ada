"""The supplies app's models, one module per concern; every name is re-exported here."""

from linli.supplies.models.suppliers import Complaint, Supplier, SupplierPaper

# Group buys (团购).
from linli.supplies.models.group_buys import (  # isort: skip
    DistributionSlot,
    GroupBuy,
    GroupBuyChange,
    GroupBuyItem,
    GroupBuyLine,
    GroupBuyOrder,
    GroupBuyRules,
    MoneyEntry,
    PriceChange,
)

__all__ = ["Complaint", "Supplier", "SupplierPaper"]
__all__ += [  # group buys
    "DistributionSlot",
    "GroupBuy",
    "GroupBuyChange",
    "GroupBuyItem",
    "GroupBuyLine",
    "GroupBuyOrder",
    "GroupBuyRules",
    "MoneyEntry",
    "PriceChange",
]

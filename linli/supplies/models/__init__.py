"""The supplies app's models, one module per concern; every name is re-exported here."""

from linli.supplies.models.suppliers import (
    Complaint,
    ComplaintChange,
    Supplier,
    SupplierPaper,
    SupplierVettingChange,
)
from linli.supplies.models.worksites import (
    VehicleRequest,
    WorksiteNeed,
    WorksiteOrder,
    WorksiteOrderChange,
)

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

# Package rounds and the shared basket (the rounds part of issue 11).
from linli.supplies.models.basket import (  # isort: skip
    BasketClaim,
    BasketClaimChange,
    BasketPost,
    BasketPostChange,
    BasketSlots,
)
from linli.supplies.models.rounds import (  # isort: skip
    PackageDelivery,
    PackageDeliveryChange,
    PackageRound,
    PackageRoundChange,
    RoundBuilding,
    RoundTeam,
)

__all__ = [
    "Complaint",
    "ComplaintChange",
    "Supplier",
    "SupplierPaper",
    "SupplierVettingChange",
    "VehicleRequest",
    "WorksiteNeed",
    "WorksiteOrder",
    "WorksiteOrderChange",
]
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
__all__ += [
    "BasketClaim",
    "BasketClaimChange",
    "BasketPost",
    "BasketPostChange",
    "BasketSlots",
    "PackageDelivery",
    "PackageDeliveryChange",
    "PackageRound",
    "PackageRoundChange",
    "RoundBuilding",
    "RoundTeam",
]

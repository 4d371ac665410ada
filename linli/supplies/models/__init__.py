"""The supplies app's models, one module per concern; every name is re-exported here."""

from linli.supplies.models.suppliers import Complaint, Supplier, SupplierPaper

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

__all__ = ["Complaint", "Supplier", "SupplierPaper"]
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

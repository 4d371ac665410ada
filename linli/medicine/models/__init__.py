"""The medicine app's models, one module per concern; every name is re-exported here."""

from linli.medicine.models.custody import Bag, CustodyEvent, HolderKind, InsuranceCard
from linli.medicine.models.money import AdvanceEntry, MoneyDispute
from linli.medicine.models.orders import MedicineLine, MedicineOrder, MedicineOrderChange
from linli.medicine.models.runs import DayPlan, MedicineRun
from linli.medicine.models.team import Department, Hospital, TeamMember

__all__ = [
    "AdvanceEntry",
    "Bag",
    "CustodyEvent",
    "DayPlan",
    "Department",
    "HolderKind",
    "Hospital",
    "InsuranceCard",
    "MedicineLine",
    "MedicineOrder",
    "MedicineOrderChange",
    "MedicineRun",
    "MoneyDispute",
    "TeamMember",
]

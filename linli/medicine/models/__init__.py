"""The medicine app's models, one module per concern; every name is re-exported here."""

from linli.medicine.models.orders import MedicineLine, MedicineOrder, MedicineOrderChange
from linli.medicine.models.runs import DayPlan, MedicineRun
from linli.medicine.models.team import Department, Hospital, TeamMember

__all__ = [
    "DayPlan",
    "Department",
    "Hospital",
    "MedicineLine",
    "MedicineOrder",
    "MedicineOrderChange",
    "MedicineRun",
    "TeamMember",
]

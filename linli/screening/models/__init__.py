"""The screening app's models, one module per concern; every name is re-exported here."""

from linli.screening.models.cases import (
    Case,
    CaseChange,
    PoolFollowUp,
    PoolFollowUpChange,
    PoolMember,
    Zone,
    ZoneAssignment,
)
from linli.screening.models.coverage import CoverageCount
from linli.screening.models.rounds import (
    Exemption,
    SamplingPoint,
    TestRound,
    TestRoundChange,
    TimeSlot,
)
from linli.screening.models.tubes import LabResult, Result, Sample, TransportBox, Tube, TubeChange

__all__ = [
    "Case",
    "CaseChange",
    "CoverageCount",
    "Exemption",
    "LabResult",
    "PoolFollowUp",
    "PoolFollowUpChange",
    "PoolMember",
    "Result",
    "Sample",
    "SamplingPoint",
    "TestRound",
    "TestRoundChange",
    "TimeSlot",
    "TransportBox",
    "Tube",
    "TubeChange",
    "Zone",
    "ZoneAssignment",
]

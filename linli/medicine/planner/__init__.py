"""The medicine run planner (配药跑腿排班): which runner fetches which requests, least km.

Pure Python (numpy for the route DP), no Django: the medicine app's command and task call
`plan(day)`. The algorithm is described in docs/architecture.md ("The medicine run planner").
"""

from .greedy import greedy
from .model import (
    ROAD_FACTOR,
    Day,
    Infeasible,
    Job,
    Plan,
    Point,
    Run,
    Runner,
    haversine_km,
)
from .routes import route_km
from .search import plan

__all__ = [
    "ROAD_FACTOR",
    "Day",
    "Infeasible",
    "Job",
    "Plan",
    "Point",
    "Run",
    "Runner",
    "greedy",
    "haversine_km",
    "plan",
    "route_km",
]

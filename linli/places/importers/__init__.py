"""The places app's importer kinds, "places" and "residents" (engine: linli.core.imports).

The address columns, `PlaceIndex` and the spellings (`building_name`, `room_name`, `GENDERS`)
are shared with other apps' importers (the duty app's duties and pairings).
"""

from linli.places.importers.places import (
    BUILDING,
    COMMITTEE,
    COMPOUND,
    KINDS,
    ROOM,
    Address,
    PlaceIndex,
    PlacesImporter,
    building_name,
    room_name,
)
from linli.places.importers.residents import GENDERS, ResidentsImporter

__all__ = [
    "BUILDING",
    "COMMITTEE",
    "COMPOUND",
    "GENDERS",
    "KINDS",
    "ROOM",
    "Address",
    "PlaceIndex",
    "PlacesImporter",
    "ResidentsImporter",
    "building_name",
    "room_name",
]

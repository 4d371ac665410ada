"""The duty app's importer kinds: volunteers, duties and pairings (engine: linli.core.imports)."""

from linli.duty.importers.grid import DutiesImporter, PairingsImporter
from linli.duty.importers.volunteers import VolunteersImporter

IMPORTERS = (VolunteersImporter, DutiesImporter, PairingsImporter)

__all__ = ["IMPORTERS", "DutiesImporter", "PairingsImporter", "VolunteersImporter"]

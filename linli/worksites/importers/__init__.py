"""The worksites app's importer kinds (engine: linli.core.imports)."""

from linli.worksites.importers.workers import WorkersImporter

IMPORTERS = (WorkersImporter,)

__all__ = ["IMPORTERS", "WorkersImporter"]

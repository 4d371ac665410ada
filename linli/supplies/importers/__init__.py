"""The supplies app's importer kinds (engine: linli.core.imports)."""

from linli.supplies.importers.deliveries import DeliveriesImporter

__all__ = ["DeliveriesImporter"]

"""The screening app's importer kinds (engine: linli.core.imports): sampling done elsewhere
(samples), a lab's results (lab-results) and antigen self-tests (antigen-results)."""

from linli.screening.importers.antigen import AntigenResultsImporter
from linli.screening.importers.lab import LabResultsImporter
from linli.screening.importers.samples import SamplesImporter

__all__ = ["AntigenResultsImporter", "LabResultsImporter", "SamplesImporter"]

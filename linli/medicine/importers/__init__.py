"""The medicine app's importer kinds, "hospitals" and "medicine-requests" (engine:
linli.core.imports), registered in MedicineConfig.ready()."""

from linli.medicine.importers.hospitals import HospitalsImporter
from linli.medicine.importers.requests import MedicineRequestsImporter

IMPORTERS = [HospitalsImporter, MedicineRequestsImporter]

__all__ = ["IMPORTERS", "HospitalsImporter", "MedicineRequestsImporter"]

"""The supplies app's models, one module per concern; every name is re-exported here."""

from linli.supplies.models.suppliers import Complaint, Supplier, SupplierPaper

__all__ = ["Complaint", "Supplier", "SupplierPaper"]

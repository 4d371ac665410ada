"""The supplies app's importer kinds (engine: linli.core.imports)."""

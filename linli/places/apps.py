from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "linli.places"
    label = "places"

    def ready(self) -> None:
        from linli.core.imports import register_importer
        from linli.places import transfers  # noqa: F401  (declares TRANSFER_WORKFLOW)
        from linli.places.importers import PlacesImporter, ResidentsImporter

        register_importer(PlacesImporter)
        register_importer(ResidentsImporter)

"""URLs of the roster upload pages (included in places/urls.py)."""

from django.urls import path

from linli.places import views_import

urlpatterns: list = [
    path("import/", views_import.import_upload, name="import"),
    path("import/<int:pk>/", views_import.import_job, name="import_job"),
    path("import/<int:pk>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", views_import.import_progress, name="import_progress"),
    path("import/<int:pk>/rejects/", views_import.import_rejects, name="import_rejects"),
    path("transfers/", views_import.transfers, name="transfers"),
    path("transfers/<int:pk>/", views_import.transfer_decide, name="transfer_decide"),
]

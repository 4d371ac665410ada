"""URLs of the upload pages, which serve every import kind. They keep their first paths and
names: places/urls.py includes them, under /places/ and the `places:` namespace."""

from django.urls import path

from linli.core import views_import

urlpatterns: list = [
    path("import/", views_import.import_upload, name="import"),
    path("import/<int:pk>/", views_import.import_job, name="import_job"),
    path("import/<int:pk>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", views_import.import_progress, name="import_progress"),
    path("import/<int:pk>/rejects/", views_import.import_rejects, name="import_rejects"),
    path("import/template/<str:kind>/", views_import.import_template, name="import_template"),
]

"""URLs of the large exports' pages (linli/core/views_export.py), under /exports/."""

from django.urls import path

from linli.core import views_export

app_name = "exports"

urlpatterns = [
    path("<int:pk>/", views_export.export_job, name="job"),
    path("<int:pk>/progress/", views_export.export_job_progress, name="progress"),
    path("<int:pk>/download/", views_export.export_download, name="download"),
]

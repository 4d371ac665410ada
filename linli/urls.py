from django.contrib import admin
from django.urls import include, path

from linli.api import api

urlpatterns = [
    path("", include("linli.dashboards.urls")),
    path("accounts/", include("linli.accounts.urls")),
    path("places/", include("linli.places.urls")),
    path("duty/", include("linli.duty.urls")),
    path("care/", include("linli.care.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", include("linli.core.urls")),
    path("exports/", include("linli.core.export_urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

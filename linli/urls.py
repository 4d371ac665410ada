"""The URL root: each app's pages under the prefix it registers from its AppConfig.ready()
(`linli.core.plugins.register_urls`), then what the project itself serves."""

from django.contrib import admin
from django.urls import include, path

from linli.api import api
from linli.core.plugins import url_modules
from linli.core.views import favicon

urlpatterns = [
    *(path(prefix, include(module)) for prefix, module in url_modules()),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
]

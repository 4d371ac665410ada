from linli.places.import_urls import urlpatterns as import_urlpatterns

app_name = "places"

urlpatterns: list = [*import_urlpatterns]

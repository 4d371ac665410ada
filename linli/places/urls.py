from django.urls import path

from linli.core.import_urls import urlpatterns as import_urlpatterns
from linli.places import views, views_transfers

app_name = "places"

urlpatterns: list = [
    *import_urlpatterns,
    path("transfers/", views_transfers.transfers, name="transfers"),
    path("transfers/<int:pk>/", views_transfers.transfer_decide, name="transfer_decide"),
    path("committees/", views.list_page, {"kind": "committees"}, name="committees"),
    path("committees/<int:pk>/", views.committee, name="committee"),
    path("committees/<int:pk>/hotline/", views.committee_hotline, name="committee_hotline"),
    path("compounds/", views.list_page, {"kind": "compounds"}, name="compounds"),
    path("compounds/<int:pk>/", views.compound, name="compound"),
    path("buildings/", views.list_page, {"kind": "buildings"}, name="buildings"),
    path("buildings/<int:pk>/", views.building, name="building"),
    path("residents/", views.list_page, {"kind": "residents"}, name="residents"),
    path("residents/<int:pk>/", views.resident, name="resident"),
    path("residents/<int:pk>/move/", views.resident_move, name="resident_move"),
    path("residents/<int:pk>/status/", views.resident_status, name="resident_status"),
    path("residents/<int:pk>/reveal/<str:field>/", views.resident_reveal, name="resident_reveal"),
    path("households/options/", views.household_options, name="household_options"),
    path("export/<str:kind>/", views.export, name="export"),
    path("export/<str:kind>/full/", views.export_full, name="export_full"),
]

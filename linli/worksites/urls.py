"""The worksites app's pages (app_name "worksites"), under /worksites/."""

from django.urls import path

from linli.worksites import views, views_permits

app_name = "worksites"

urlpatterns = [
    path("", views.site_list, name="list"),
    path("<int:pk>/", views.site_board, name="board"),
    path("<int:pk>/profile/", views.site_profile, name="profile"),
    path("<int:pk>/transport/new/", views.transport_new, name="transport_new"),
    path("<int:pk>/crews/new/", views.crew_new, name="crew_new"),
    path("<int:pk>/permits/new/", views_permits.permit_new, name="permit_new"),
    path("transport/<int:pk>/", views.transport_detail, name="transport"),
    path("transport/<int:pk>/status/", views.transport_status, name="transport_status"),
    path("permits/<int:pk>/", views_permits.permit_detail, name="permit"),
    path("permits/<int:pk>/revoke/", views_permits.permit_revoke, name="permit_revoke"),
    path("permits/<int:pk>/card.pdf", views_permits.permit_card, name="permit_card"),
    # The checkpoint's page, opened without login from the permit's QR code.
    path("permit/<str:token>/", views_permits.permit_verify, name="verify"),
]

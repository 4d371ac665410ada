from django.urls import path

from linli.care import views, views_public, views_visits

app_name = "care"

urlpatterns = [
    path("", views.index, name="index"),
    path("tasks/", views.queue_page, {"kind": "tasks"}, name="tasks"),
    path("buildings/", views.queue_page, {"kind": "buildings"}, name="buildings"),
    path("teams/<int:pk>/", views.queue_page, {"kind": "team"}, name="team"),
    path("committees/<int:pk>/", views.queue_page, {"kind": "committee"}, name="committee"),
    path("town/", views.queue_page, {"kind": "town"}, name="town"),
    path("export/<str:kind>/", views.export, name="export"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/transition/", views.transition, name="transition"),
    path("requests/<int:pk>/assign/", views.assign, name="assign"),
    path("requests/<int:pk>/link/", views.new_link, name="new_link"),
    path("households/<int:household>/request/", views.request_new, name="request_new_household"),
    path("residents/<int:resident>/request/", views.request_new, name="request_new_resident"),
    path("visits/", views_visits.visits, name="visits"),
    path("visits/coverage/", views_visits.coverage, name="coverage"),
    path("households/<int:household>/visit/", views_visits.visit, name="visit_household"),
    path("residents/<int:resident>/visit/", views_visits.visit, name="visit_resident"),
    path("buildings/<int:pk>/poster.pdf", views_public.poster, name="poster"),
    path(
        "committees/<int:pk>/posters.pdf", views_public.committee_posters, name="committee_posters"
    ),
    path("ask/<str:token>/", views_public.ask, name="ask"),
    path("ask/<str:token>/find/", views_public.find, name="find"),
    path("status/<str:token>/", views_public.status, name="status"),
]

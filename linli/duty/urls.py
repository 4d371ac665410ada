from django.urls import path

from linli.duty import views

app_name = "duty"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("claim/", views.claim, name="claim"),
    path("claims/<int:pk>/decide/", views.claim_decide, name="claim_decide"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("committees/<int:pk>/", views.committee, name="committee"),
    path("committees/<int:pk>/assign/", views.assign, name="assign"),
    path("committees/<int:pk>/suggestions/", views.suggestions, name="suggestions"),
    path("committees/<int:pk>/poster.pdf", views.poster, name="poster"),
    path("volunteers/<int:pk>/", views.volunteer, name="volunteer"),
    path("volunteers/<int:pk>/status/", views.volunteer_status, name="volunteer_status"),
    path("volunteers/<int:pk>/team/", views.volunteer_team, name="volunteer_team"),
    path("duties/<int:pk>/end/", views.duty_end, name="duty_end"),
    path("join/<str:token>/", views.join, name="join"),
]

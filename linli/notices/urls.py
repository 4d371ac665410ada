from __future__ import annotations

from django.urls import path

from linli.notices import views, views_door

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.notice_page, name="notice"),
    path("<int:pk>/move/", views.notice_move, name="move"),
    path("<int:pk>/remind/", views.notice_remind, name="remind"),
    path("<int:pk>/read/", views.notice_read, name="read"),
    path("<int:pk>/files/<int:file_pk>/", views.attachment, name="attachment"),
    path("robots/", views.channels, name="channels"),
    path("robots/<int:pk>/", views.channel, name="channel"),
    path("robots/<int:pk>/switch/", views.channel_switch, name="channel_switch"),
    path("door/<str:token>/", views_door.door, name="door"),
    path("door/<str:token>/notices/<int:pk>/", views_door.door_read, name="door_read"),
]

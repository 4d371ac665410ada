from django.urls import path

from linli.dashboards import views

urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="my_buildings"),
]

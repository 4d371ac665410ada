from django.urls import path

from linli.dashboards import views

urlpatterns = [
    path("", views.home, name="home"),
]

"""The daily briefing's pages, under /daily/."""

from django.urls import path

from linli.dashboards import views_daily

app_name = "dashboards"
urlpatterns = [
    path("", views_daily.daily, name="daily"),
    path("send/", views_daily.daily_send, name="daily_send"),
    path("briefing.xlsx", views_daily.daily_download, {"fmt": "xlsx"}, name="daily_xlsx"),
    path("briefing.pdf", views_daily.daily_download, {"fmt": "pdf"}, name="daily_pdf"),
    path("history/", views_daily.daily_history, name="daily_history"),
    path("history/<int:pk>/", views_daily.daily_sent, name="daily_sent"),
]

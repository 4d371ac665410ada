"""The screening app's pages (app_name "screening"). Each part keeps its paths in its own
block."""

from django.urls import URLPattern, URLResolver, path

from linli.screening import views_cases, views_results

app_name = "screening"

urlpatterns: list[URLPattern | URLResolver] = [
    # -- desk part (rounds, points, slots, the desk's scan flow) --
    # -- results part (imports, self-reports, pools, cases, zones) --
    path("antigen/<str:token>/", views_results.antigen_door, name="antigen"),
    path("follow-ups/", views_results.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", views_results.follow_up, name="follow_up"),
    path("follow-ups/<int:pk>/retest/", views_results.follow_up_retest, name="follow_up_retest"),
    path("follow-ups/<int:pk>/result/", views_results.follow_up_result, name="follow_up_result"),
    path("cases/", views_cases.cases, name="cases"),
    path("cases/<int:pk>/", views_cases.case, name="case"),
    path("cases/<int:pk>/move/", views_cases.case_move, name="case_move"),
    # -- coverage part (coverage, lists, report, streaks, zone board) --
]

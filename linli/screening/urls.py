"""The screening app's pages (app_name "screening"). Each part keeps its paths in its own
block."""

from django.urls import URLPattern, URLResolver, path

from linli.screening import views_coverage

app_name = "screening"

urlpatterns: list[URLPattern | URLResolver] = [
    # -- desk part (rounds, points, slots, the desk's scan flow) --
    # -- results part (imports, self-reports, pools, cases, zones) --
    # -- coverage part (coverage, lists, report, streaks, zone board) --
    path("coverage/", views_coverage.coverage_rounds, name="coverage_rounds"),
    path("coverage/zones/", views_coverage.zone_board, name="zone_board"),
    path("coverage/<int:pk>/", views_coverage.coverage_round, name="coverage_round"),
    path(
        "coverage/<int:pk>/committee/<int:committee>/",
        views_coverage.coverage_committee,
        name="coverage_committee",
    ),
    path(
        "coverage/<int:pk>/compound/<int:compound>/",
        views_coverage.coverage_compound,
        name="coverage_compound",
    ),
    path(
        "coverage/<int:pk>/building/<int:building>/",
        views_coverage.coverage_building,
        name="coverage_building",
    ),
    path(
        "coverage/<int:pk>/people/<str:which>/",
        views_coverage.coverage_people,
        name="coverage_people",
    ),
    path("coverage/<int:pk>/pools/", views_coverage.coverage_pools, name="coverage_pools"),
    path("coverage/<int:pk>/tubes/", views_coverage.coverage_tubes, name="coverage_tubes"),
]

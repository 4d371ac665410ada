"""The screening app's pages (app_name "screening"). Each part keeps its paths in its own
block."""

from django.urls import URLPattern, URLResolver, path

# -- desk part --
from linli.screening import views_cases, views_coverage, views_desk, views_results, views_rounds

app_name = "screening"

urlpatterns: list[URLPattern | URLResolver] = [
    # -- desk part (rounds, points, slots, the desk's scan flow) --
    path("", views_rounds.rounds, name="rounds"),
    path("new/", views_rounds.round_new, name="round_new"),
    path("<int:pk>/", views_rounds.round_detail, name="round"),
    path("<int:pk>/transition/", views_rounds.round_transition, name="round_transition"),
    path("<int:pk>/points/new/", views_rounds.point_new, name="point_new"),
    path("<int:pk>/slots/", views_rounds.slot_add, name="slot_add"),
    path("<int:pk>/slots/spread/", views_rounds.slots_spread, name="slots_spread"),
    path("<int:pk>/exemptions/", views_rounds.exemptions, name="exemptions"),
    path("<int:pk>/door/", views_rounds.door_list, name="door_list"),
    path("desk/<int:pk>/", views_desk.desk_page, name="desk"),
    path("desk/<int:pk>/tube/", views_desk.tube_open, name="desk_tube"),
    path("desk/<int:pk>/scan/", views_desk.scan, name="desk_scan"),
    path("desk/<int:pk>/seal/", views_desk.tube_seal, name="desk_seal"),
    path("desk/<int:pk>/box/", views_desk.box_open, name="desk_box"),
    path("desk/<int:pk>/box/<int:box>/add/", views_desk.box_add, name="desk_box_add"),
    path("desk/<int:pk>/box/<int:box>/seal/", views_desk.box_seal, name="desk_box_seal"),
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

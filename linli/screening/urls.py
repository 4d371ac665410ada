"""The screening app's pages (app_name "screening"). Each part keeps its paths in its own
block."""

from django.urls import URLPattern, URLResolver, path  # noqa: F401

app_name = "screening"

urlpatterns: list[URLPattern | URLResolver] = [
    # -- desk part (rounds, points, slots, the desk's scan flow) --
    # -- results part (imports, self-reports, pools, cases, zones) --
    # -- coverage part (coverage, lists, report, streaks, zone board) --
]

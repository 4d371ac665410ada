from django.urls import path

from linli.supplies import views_basket, views_rounds

app_name = "supplies"

urlpatterns: list = []

# Package rounds and the shared basket (the rounds part of issue 11).
urlpatterns += [
    path("rounds/", views_rounds.rounds, name="rounds"),
    path("rounds/new/", views_rounds.round_new, name="round_new"),
    path("rounds/<int:pk>/", views_rounds.round_detail, name="round"),
    path("rounds/<int:pk>/missing/", views_rounds.round_missing, name="round_missing"),
    path("rounds/<int:pk>/exceptions/", views_rounds.round_exceptions, name="round_exceptions"),
    path("rounds/<int:pk>/export/", views_rounds.round_export, name="round_export"),
    path("rounds/<int:pk>/transition/", views_rounds.round_transition, name="round_transition"),
    path("rounds/<int:pk>/teams/", views_rounds.round_team_add, name="round_team_add"),
    path("rounds/<int:pk>/sync/", views_rounds.round_sync, name="round_sync"),
    path(
        "rounds/<int:pk>/buildings/<int:building>/",
        views_rounds.round_building,
        name="round_building",
    ),
    path(
        "rounds/<int:pk>/buildings/<int:building>/pack/",
        views_rounds.round_building_pack,
        name="round_building_pack",
    ),
    path(
        "rounds/<int:pk>/buildings/<int:building>/room/",
        views_rounds.round_building_room,
        name="round_building_room",
    ),
    path("deliveries/<int:pk>/mark/", views_rounds.delivery_mark, name="delivery_mark"),
    path("basket/<str:token>/", views_basket.basket, name="basket"),
    path("basket/<str:token>/post/", views_basket.basket_post, name="basket_post"),
    path("basket/<str:token>/claim/<int:post>/", views_basket.basket_claim, name="basket_claim"),
    path("basket-giver/<str:token>/", views_basket.basket_giver, name="basket_giver"),
    path("basket-claim/<str:token>/", views_basket.basket_claimer, name="basket_claimer"),
    path("basket-buildings/<int:pk>/", views_basket.basket_building, name="basket_building"),
    path("basket-posts/<int:pk>/keep/", views_basket.basket_keep, name="basket_keep"),
]

"""The supplies app's pages (app_name "supplies"). Each part keeps its paths in its own block."""

from django.urls import path

from linli.supplies import views_basket, views_rounds, views_suppliers, views_worksites
from linli.supplies import views_group_buys as gb
from linli.supplies import views_group_buys_door as gb_door

app_name = "supplies"

urlpatterns = [
    # -- suppliers part (issue 11) --
    path("suppliers/", views_suppliers.supplier_list, name="suppliers"),
    path("suppliers/export/", views_suppliers.supplier_export, name="supplier_export"),
    path("suppliers/new/", views_suppliers.supplier_new, name="supplier_new"),
    path("suppliers/<int:pk>/", views_suppliers.supplier_detail, name="supplier"),
    path("suppliers/<int:pk>/edit/", views_suppliers.supplier_edit, name="supplier_edit"),
    path("suppliers/<int:pk>/vetting/", views_suppliers.supplier_vetting, name="supplier_vetting"),
    path("suppliers/<int:pk>/papers/", views_suppliers.paper_add, name="paper_add"),
    path(
        "suppliers/<int:pk>/papers/<int:paper>/remove/",
        views_suppliers.paper_remove,
        name="paper_remove",
    ),
    path("suppliers/<int:pk>/complaints/", views_suppliers.complaint_add, name="complaint_add"),
    path("complaints/", views_suppliers.complaint_list, name="complaints"),
    path("complaints/<int:pk>/status/", views_suppliers.complaint_status, name="complaint_status"),
    path("worksites/", views_worksites.need_list, name="worksites"),
    path("worksites/need/", views_worksites.need_edit, name="need_edit"),
    path("worksite-needs/<int:pk>/", views_worksites.need_detail, name="need"),
    path("worksite-needs/<int:pk>/match/", views_worksites.need_match, name="need_match"),
    path("worksite-orders/<int:pk>/", views_worksites.order_detail, name="worksite_order"),
    path(
        "worksite-orders/<int:pk>/status/",
        views_worksites.order_status,
        name="worksite_order_status",
    ),
    path(
        "worksite-orders/<int:pk>/vehicle/",
        views_worksites.vehicle_assign,
        name="vehicle_assign",
    ),
]

# --- Group buys (团购) ------------------------------------------------------------------------
urlpatterns += [
    path("group-buys/", gb.index, name="group_buys"),
    path("group-buys/new/", gb.new, name="group_buy_new"),
    path("group-buys/rules/<int:pk>/", gb.rules_page, name="group_buy_rules"),
    path("group-buys/complaints/", gb.complaints, name="group_buy_complaints"),
    path("group-buys/<int:pk>/", gb.detail, name="group_buy"),
    path("group-buys/<int:pk>/move/", gb.move, name="group_buy_move"),
    path("group-buys/<int:pk>/arrive/", gb.arrive, name="group_buy_arrive"),
    path("group-buys/<int:pk>/disinfect/", gb.disinfect, name="group_buy_disinfect"),
    path("group-buys/<int:pk>/slots/", gb.slot, name="group_buy_slot"),
    path("group-buys/<int:pk>/items/<int:item>/price/", gb.price, name="group_buy_price"),
    path("group-buys/<int:pk>/complain/", gb.complain, name="group_buy_complain"),
    path("group-buys/<int:pk>/orders/", gb.orders, name="group_buy_orders"),
    path("group-buys/<int:pk>/order-for/", gb.order_for, name="group_buy_order_for"),
    path("group-buys/<int:pk>/money/<str:kind>/", gb.money, name="group_buy_money"),
    path("group-buys/<int:pk>/<str:kind>.<str:fmt>", gb.output, name="group_buy_output"),
    path("group-buys/door/<str:token>/", gb_door.door, name="group_buy_door"),
    path(
        "group-buys/door/<str:token>/buy/<int:pk>/",
        gb_door.door_order,
        name="group_buy_door_order",
    ),
    path("group-buys/my/<str:token>/", gb_door.my_order, name="my_order"),
    path("group-buys/my/<str:token>/change/", gb_door.my_order_change, name="my_order_change"),
    path(
        "group-buys/my/<str:token>/consent/<int:change>/",
        gb_door.my_order_consent,
        name="my_order_consent",
    ),
]

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

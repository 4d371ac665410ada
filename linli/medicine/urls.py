from django.urls import path

from linli.medicine import views, views_plan

app_name = "medicine"

urlpatterns = [
    # -- the desk (med-desk) ---------------------------------------------------------------------
    path("", views.desk, name="desk"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/transition/", views.order_transition, name="order_transition"),
    path("orders/<int:pk>/lines/", views.line_add, name="line_add"),
    path("orders/<int:pk>/lines/<int:line>/", views.line_edit, name="line_edit"),
    path("hospitals/", views.hospitals, name="hospitals"),
    path("team/", views.team, name="team"),
    path("team/volunteers/<int:volunteer>/post/", views.post_set, name="post_set"),
    path("committees/<int:pk>/gate/", views.gate, name="gate"),
    path("help-requests/", views.help_requests, name="help_requests"),
    path("help-requests/<int:pk>/order/", views.help_request_order, name="help_request_order"),
    path("ask/<str:token>/", views.ask, name="ask"),
    path("plan/", views_plan.plan, name="plan"),
    path("plan/<str:key>/", views_plan.plan_draft, name="plan_draft"),
    path("plan/<str:key>/poll/", views_plan.plan_poll, name="plan_poll"),
    path("plan/<str:key>/save/", views_plan.plan_save, name="plan_save"),
]

"""Pages of the medicine team (app_name "medicine")."""

from __future__ import annotations

from django.urls import path

from linli.medicine import views, views_money, views_plan, views_print, views_runner

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
    path("committees/<int:pk>/gate/", views.gate, name="committee_gate"),
    path("help-requests/", views.help_requests, name="help_requests"),
    path("help-requests/<int:pk>/order/", views.help_request_order, name="help_request_order"),
    path("ask/<str:token>/", views.ask, name="ask"),
    path("plan/", views_plan.plan, name="plan"),
    path("plan/<str:key>/", views_plan.plan_draft, name="plan_draft"),
    path("plan/<str:key>/poll/", views_plan.plan_poll, name="plan_poll"),
    path("plan/<str:key>/save/", views_plan.plan_save, name="plan_save"),
    # --- The runner's day, custody, the gate, money and the evening check (runner's part) ---
    path("runner/", views_runner.runner_day, name="runner"),
    path("runner/orders/<int:pk>/", views_runner.runner_order, name="runner_order"),
    path("runner/orders/<int:pk>/register/", views_runner.order_register, name="order_register"),
    path("runner/orders/<int:pk>/pay/", views_runner.order_pay, name="order_pay"),
    path("runner/orders/<int:pk>/bag/", views_runner.order_bag, name="order_bag"),
    path("runner/orders/<int:pk>/card/", views_runner.card_register, name="card_register"),
    path("runner/lines/<int:pk>/", views_runner.line_mark, name="line_mark"),
    path("cards/<int:pk>/", views_runner.card_detail, name="card"),
    path("cards/<int:pk>/lost/", views_runner.card_lost, name="card_lost"),
    path("gate/", views_runner.gate, name="gate"),
    path("gate/orders/<int:pk>/deliver/", views_runner.order_deliver, name="order_deliver"),
    path("money/", views_money.money_page, name="money"),
    path("money/float/", views_money.float_issue, name="float_issue"),
    path("money/orders/<int:pk>/repay/", views_money.order_repay, name="order_repay"),
    path("money/orders/<int:pk>/dispute/", views_money.order_dispute, name="order_dispute"),
    path("money/entries/<int:pk>/photo/", views_money.invoice_photo, name="invoice_photo"),
    path("money/disputes/<int:pk>/resolve/", views_money.dispute_resolve, name="dispute_resolve"),
    path("reconcile/", views_money.reconcile_page, name="reconcile"),
    path("reconcile/carry/", views_money.reconcile_carry, name="reconcile_carry"),
    # Printing: labels, run sheets, hand-over lists, the bag's page (views_print).
    path("print/", views_print.print_day, name="print"),
    path("print/labels.pdf", views_print.day_labels, name="day_labels"),
    path("print/sheets.pdf", views_print.day_sheets, {"fmt": "pdf"}, name="day_sheets_pdf"),
    path("print/sheets.xlsx", views_print.day_sheets, {"fmt": "xlsx"}, name="day_sheets_xlsx"),
    path("runs/<int:pk>/sheet.pdf", views_print.run_sheet, {"fmt": "pdf"}, name="run_sheet_pdf"),
    path("runs/<int:pk>/sheet.xlsx", views_print.run_sheet, {"fmt": "xlsx"}, name="run_sheet_xlsx"),
    path("runs/<int:pk>/labels.pdf", views_print.run_labels, name="run_labels"),
    path(
        "committees/<int:pk>/handover.pdf",
        views_print.handover,
        {"fmt": "pdf"},
        name="handover_pdf",
    ),
    path(
        "committees/<int:pk>/handover.xlsx",
        views_print.handover,
        {"fmt": "xlsx"},
        name="handover_xlsx",
    ),
    path("bags/<int:pk>/", views_print.bag, name="bag"),
]

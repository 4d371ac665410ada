from django.urls import path

from linli.medicine import views_print

app_name = "medicine"

urlpatterns = [
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

from django.urls import path

from linli.supplies import views_suppliers, views_worksites

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

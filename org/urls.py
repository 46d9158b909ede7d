from django.urls import path

from org import views

urlpatterns = [
    path("", views.org_tree, name="org-tree"),
    path("units/<int:pk>/", views.org_unit_detail, name="org-unit-detail"),
    path("units/<int:pk>/children/", views.org_unit_children, name="org-unit-children"),
    path("people/", views.employee_list, name="employee-list"),
    path("people/export/", views.employee_export, name="employee-export"),
    path("people/<int:pk>/", views.employee_detail, name="employee-detail"),
    path("profile/", views.profile, name="profile"),
]

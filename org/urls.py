from django.urls import path

from org import manage, views

urlpatterns = [
    path("", views.org_tree, name="org-tree"),
    path("units/new/", manage.org_unit_new, name="org-unit-new"),
    path("units/<int:pk>/", views.org_unit_detail, name="org-unit-detail"),
    path("units/<int:pk>/edit/", manage.org_unit_edit, name="org-unit-edit"),
    path("units/<int:pk>/children/", views.org_unit_children, name="org-unit-children"),
    path("people/", views.employee_list, name="employee-list"),
    path("people/export/", views.employee_export, name="employee-export"),
    path("people/new/", manage.employee_new, name="employee-new"),
    path("people/<int:pk>/", views.employee_detail, name="employee-detail"),
    path("people/<int:pk>/status/", manage.employee_status, name="employee-status"),
    path("people/<int:pk>/roles/", manage.employee_roles, name="employee-roles"),
    path("roles/<int:pk>/revoke/", manage.role_revoke, name="role-revoke"),
    path("profile/", views.profile, name="profile"),
]

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from org.models import Employee, OrgUnit, RoleAssignment


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "parent", "depth", "active"]
    list_filter = ["kind", "active", "depth"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent", "head"]
    list_select_related = ["parent"]


@admin.register(Employee)
class EmployeeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "employee_no", "unit", "job_title", "line_manager", "active"]
    list_filter = ["active"]
    search_fields = ["name", "employee_no", "job_title"]
    raw_id_fields = ["user", "unit", "line_manager"]
    list_select_related = ["unit", "line_manager"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    raw_id_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


# The admin is SPM's, in the user's language (not "Django administration").
admin.site.site_header = _("SPM administration")
admin.site.site_title = _("SPM administration")
admin.site.index_title = _("Data administration")

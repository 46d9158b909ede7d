from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """The org tree, employees, role assignments and the one scoping mechanism."""

    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from org import headcount, nav
        from org.models import Employee, OrgUnit
        from org.scoping import tree_changed
        from spm import registry
        from spm.saved_filters import FilterList

        # A scope trusts the subtree ids it read only while no unit changed.
        post_save.connect(tree_changed, sender=OrgUnit, dispatch_uid="org.scope_tree")
        post_delete.connect(tree_changed, sender=OrgUnit, dispatch_uid="org.scope_tree")
        # The kept headcounts of the units an employee joins or leaves (org.headcount).
        pre_save.connect(headcount.employee_saving, sender=Employee, dispatch_uid="org.headcount")
        post_save.connect(headcount.employee_saved, sender=Employee, dispatch_uid="org.headcount")
        post_delete.connect(
            headcount.employee_deleted, sender=Employee, dispatch_uid="org.headcount"
        )
        registry.menus.register("org", nav.menu, order=10)
        registry.home_panels.register("org", nav.home_panels, order=10)
        registry.job_kinds.register("employee_directory_export", _("Directory export"), order=10)
        registry.filter_lists.register(
            "directory",
            FilterList("directory", "employee-list", ("q", "unit", "job_title", "sort")),
            order=10,
        )

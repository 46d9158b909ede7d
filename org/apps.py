from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """The org tree, employees, role assignments and the one scoping mechanism."""

    name = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from org import nav
        from spm import registry
        from spm.saved_filters import FilterList

        registry.menus.register("org", nav.menu, order=10)
        registry.home_panels.register("org", nav.home_panels, order=10)
        registry.job_kinds.register("employee_directory_export", _("Directory export"), order=10)
        registry.filter_lists.register(
            "directory",
            FilterList("directory", "employee-list", ("q", "unit", "job_title", "sort")),
            order=10,
        )

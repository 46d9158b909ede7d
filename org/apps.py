from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """The org tree, employees, role assignments and the one scoping mechanism."""

    name = "org"
    verbose_name = _("Organisation")

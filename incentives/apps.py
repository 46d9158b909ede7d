from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    """Bonuses and bonus pools (its issue has not come yet)."""

    name = "incentives"
    verbose_name = _("Incentives")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    """Bonus schemes and payouts computed from assessment results."""

    name = "incentives"
    verbose_name = _("Incentives")

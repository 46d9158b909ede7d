from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardConfig(AppConfig):
    """Indicators, scorecards and their items, cascade, letters and monthly actuals."""

    name = "scorecard"
    verbose_name = _("Scorecards")

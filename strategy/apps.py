from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    """Strategic plans, strategies, themes, perspectives, objectives and the strategy map."""

    name = "strategy"
    verbose_name = _("Strategy")

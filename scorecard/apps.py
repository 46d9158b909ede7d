from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardConfig(AppConfig):
    """Indicators, scorecards and their items, cascade, letters and monthly actuals."""

    name = "scorecard"
    verbose_name = _("Scorecards")

    def ready(self) -> None:
        from scorecard import demo, demo_tracking, generate, nav
        from spm import registry

        registry.menus.register("scorecard", nav.menu, order=30)
        registry.home_panels.register("scorecard", nav.home_panels, order=30)
        registry.demo_seeders.register("scorecard.demo", demo.seed, order=30)
        registry.demo_seeders.register("scorecard.demo_tracking", demo_tracking.seed, order=31)
        registry.generators.register("scorecard.generate", generate.generate, order=30)

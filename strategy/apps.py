from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    """Strategic plans, strategies, themes, perspectives, objectives and the strategy map."""

    name = "strategy"
    verbose_name = _("Strategy")

    def ready(self) -> None:
        from spm import registry
        from strategy import demo, generate, nav

        registry.menus.register("strategy", nav.menu, order=20)
        registry.home_panels.register("strategy", nav.home_panels, order=20)
        registry.demo_seeders.register("strategy.demo", demo.seed, order=20)
        registry.generators.register("strategy.generate", generate.generate, order=20)

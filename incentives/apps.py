from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    """Bonus schemes and payouts computed from assessment results."""

    name = "incentives"
    verbose_name = _("Incentives")

    def ready(self) -> None:
        from incentives import demo, nav
        from spm import registry

        registry.menus.register("incentives", nav.menu, order=60)
        registry.home_panels.register("incentives", nav.home_panels, order=60)
        registry.demo_seeders.register("incentives.demo", demo.seed, order=60)

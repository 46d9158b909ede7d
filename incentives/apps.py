from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    """Bonus schemes and payouts computed from assessment results."""

    name = "incentives"
    verbose_name = _("Incentives")

    def ready(self) -> None:
        from assessment.signals import cycle_finalised
        from incentives import demo, nav
        from incentives.services import on_cycle_finalised
        from incentives.tasks import COMPUTE_KIND, WHATIF_KIND
        from spm import registry

        cycle_finalised.connect(on_cycle_finalised, dispatch_uid="incentives.payouts")

        registry.menus.register("incentives", nav.menu, order=60)
        registry.home_panels.register("incentives", nav.home_panels, order=60)
        registry.demo_seeders.register("incentives.demo", demo.seed, order=60)
        registry.job_kinds.register(COMPUTE_KIND, _("Payout computation"), order=60)
        registry.job_kinds.register(WHATIF_KIND, _("What-if of a bonus scheme"), order=61)

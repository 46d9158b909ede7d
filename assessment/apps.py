from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Assessment cycles, scores, grades and calibration."""

    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from assessment import demo, nav
        from assessment.services import reminders
        from spm import registry

        reminders.register()

        registry.menus.register("assessment", nav.menu, order=50)
        registry.home_panels.register("assessment", nav.home_panels, order=50)
        registry.demo_seeders.register("assessment.demo", demo.seed, order=50)

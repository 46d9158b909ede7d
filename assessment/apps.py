from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Assessment cycles, scores, grades and calibration."""

    name = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_save

        from assessment import demo, nav, tallies
        from assessment.models import AssessmentResult, QualitativeRating
        from assessment.services import reminders
        from spm import registry

        reminders.register()
        # The kept tallies of the units a result or a rating is written in (tallies).
        uid = "assessment.tallies"
        pre_save.connect(tallies.result_saving, sender=AssessmentResult, dispatch_uid=uid)
        post_save.connect(tallies.result_saved, sender=AssessmentResult, dispatch_uid=uid)
        post_delete.connect(tallies.result_deleted, sender=AssessmentResult, dispatch_uid=uid)
        pre_save.connect(tallies.rating_saving, sender=QualitativeRating, dispatch_uid=uid)
        post_save.connect(tallies.rating_saved, sender=QualitativeRating, dispatch_uid=uid)
        post_delete.connect(tallies.rating_deleted, sender=QualitativeRating, dispatch_uid=uid)

        registry.menus.register("assessment", nav.menu, order=50)
        registry.home_panels.register("assessment", nav.home_panels, order=50)
        registry.demo_seeders.register("assessment.demo", demo.seed, order=50)

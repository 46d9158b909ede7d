from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """Assessment cycles, scores, grades and calibration (its issue has not come yet)."""

    name = "assessment"
    verbose_name = _("Assessment")

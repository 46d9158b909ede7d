from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    """360° reviews: the qualitative part of a result, fed to the assessment engine."""

    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from assessment.qualitative import register_qualitative_provider
        from reviews import demo, item_feedback, nav, notify, provider
        from scorecard.item_panels import item_panels
        from spm import registry

        register_qualitative_provider(provider.qualitative_parts)
        notify.register()
        registry.menus.register("reviews", nav.menu, order=55)
        registry.home_panels.register("reviews", nav.home_panels, order=55)
        registry.demo_seeders.register("reviews.demo", demo.seed, order=55)
        item_panels.register("reviews.feedback", item_feedback.feedback_panel, order=55)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardConfig(AppConfig):
    """Indicators, scorecards and their items, cascade, letters and monthly actuals."""

    name = "scorecard"
    verbose_name = _("Scorecards")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from scorecard import generate, nav, summaries
        from scorecard.demo import letters_actuals
        from scorecard.demo import scorecards as demo_scorecards
        from scorecard.models import Scorecard, ScorecardItem
        from spm import registry
        from spm.saved_filters import FilterList

        registry.menus.register("scorecard", nav.menu, order=30)
        registry.home_panels.register("scorecard", nav.home_panels, order=30)
        # Scorecards first: the letters and actuals seeder works on the scorecards it built.
        registry.demo_seeders.register("scorecard.scorecards", demo_scorecards.seed, order=30)
        registry.demo_seeders.register("scorecard.letters_actuals", letters_actuals.seed, order=31)
        registry.generators.register("scorecard.generate", generate.generate, order=30)
        # After every bulk write of items: the alignment flags of what was generated.
        registry.generators.register("scorecard.summaries", summaries.generate, order=39)
        post_save.connect(summaries.on_item_saved, sender=ScorecardItem)
        post_delete.connect(summaries.on_item_deleted, sender=ScorecardItem)
        post_save.connect(summaries.on_scorecard_saved, sender=Scorecard)
        for name, url_name, params in (
            ("scorecards", "scorecard-list", ("year", "unit", "owner", "status", "q")),
            ("actuals", "actual-list", ("year", "month", "q", "unit", "mine", "sort")),
            ("approvals", "actual-approvals", ("unit", "month")),
        ):
            registry.filter_lists.register(name, FilterList(name, url_name, params), order=30)

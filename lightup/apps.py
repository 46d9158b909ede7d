from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LightupConfig(AppConfig):
    """Monthly light-up: item colours, warnings, the light board, colour on the map."""

    name = "lightup"
    verbose_name = _("Light-up")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete

        from lightup import demo, nav, notify, providers, receivers
        from scorecard.lights import register_item_light_provider
        from scorecard.models import ScorecardItem
        from scorecard.signals import actuals_changed
        from spm import registry
        from spm.saved_filters import FilterList
        from strategy.kpis import register_kpi_provider
        from strategy.status import register_status_provider

        notify.register()
        register_status_provider(providers.status_provider)
        register_kpi_provider(providers.kpi_provider)
        register_item_light_provider(providers.item_light_provider)
        actuals_changed.connect(receivers.on_actuals_changed, dispatch_uid="lightup.resweep")
        post_save.connect(
            receivers.on_item_saved, sender=ScorecardItem, dispatch_uid="lightup.tally"
        )
        pre_delete.connect(
            receivers.on_item_deleting, sender=ScorecardItem, dispatch_uid="lightup.tally"
        )
        post_delete.connect(
            receivers.on_item_deleted, sender=ScorecardItem, dispatch_uid="lightup.tally"
        )
        registry.menus.register("lightup", nav.menu, order=40)
        registry.home_panels.register("lightup", nav.home_panels, order=40)
        registry.demo_seeders.register("lightup.demo", demo.seed, order=40)
        registry.job_kinds.register("lightup_sweep", _("Light-up sweep"), order=40)
        registry.job_kinds.register("lightup_board_xlsx", _("Light board (Excel)"), order=41)
        registry.job_kinds.register("lightup_board_pdf", _("Board pack (PDF)"), order=42)
        registry.filter_lists.register(
            "board",
            FilterList(
                "board",
                "lightup-board",
                (
                    *("year", "month", "perspective", "unit", "colour", "owner"),
                    *("only_unit", "indicator", "item", "view"),
                ),
            ),
            order=40,
        )

from django.urls import path

from incentives.views import imports, report, whatif

urlpatterns = [
    path("", report.home, name="incentives-home"),
    path("cycles/<int:pk>/", report.report, name="incentives-report"),
    path("cycles/<int:pk>/compute/", report.compute, name="incentives-compute"),
    path(
        "cycles/<int:pk>/export.csv",
        report.export_file,
        {"fmt": "csv"},
        name="incentives-export-csv",
    ),
    path(
        "cycles/<int:pk>/export.xlsx",
        report.export_file,
        {"fmt": "xlsx"},
        name="incentives-export-xlsx",
    ),
    path("cycles/<int:pk>/what-if/", whatif.whatif, name="incentives-whatif"),
    path("payouts/<int:pk>/", report.payout, name="incentives-payout"),
    path("base-bonuses/", imports.base_bonus_import, name="incentives-base-bonus"),
]

from django.urls import path

from assessment.views import calibration, cycles, results, schemes

urlpatterns = [
    path("", cycles.cycle_list, name="assessment-cycles"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="assessment-cycle"),
    path("cycles/<int:pk>/advance/", cycles.cycle_advance, name="assessment-cycle-advance"),
    path("cycles/<int:pk>/compute/", cycles.cycle_compute, name="assessment-cycle-compute"),
    path("cycles/<int:pk>/export.xlsx", cycles.cycle_export, name="assessment-cycle-export"),
    path("cycles/<int:pk>/calibration/", calibration.calibration, name="assessment-calibration"),
    path("cycles/<int:pk>/team/", calibration.team_results, name="assessment-team"),
    path("cycles/<int:pk>/distribution/", calibration.distribution, name="assessment-distribution"),
    path("schemes/", schemes.scheme_list, name="assessment-schemes"),
    path("schemes/<int:pk>/edit/", schemes.scheme_edit, name="assessment-scheme-edit"),
    path("results/<int:pk>/", results.result_detail, name="assessment-result"),
    path("results/<int:pk>/<slug:action>/", results.result_action, name="assessment-result-action"),
]

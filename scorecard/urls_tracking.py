"""Pages of responsibility letters and monthly actuals, included by ``scorecard.urls``."""

from django.urls import path

from scorecard.views import actuals, letters

urlpatterns = [
    path("letters/", letters.letter_list, name="letter-list"),
    path("letters/<int:pk>/", letters.letter_detail, name="letter-detail"),
    path("letters/<int:pk>/pdf/", letters.letter_pdf_download, name="letter-pdf"),
    path("letters/<int:pk>/sign/", letters.letter_sign, name="letter-sign"),
    path("letters/<int:pk>/countersign/", letters.letter_countersign, name="letter-countersign"),
    path("letters/<int:pk>/acknowledge/", letters.letter_acknowledge, name="letter-acknowledge"),
    path("<int:pk>/letters/", letters.scorecard_letters, name="scorecard-letters"),
    path("<int:pk>/letters/issue/", letters.letter_issue, name="letter-issue"),
    path("<int:pk>/amend/", letters.scorecard_amend, name="scorecard-amend"),
    path("actuals/", actuals.actual_list, name="actual-list"),
    path("actuals/approvals/", actuals.actual_approvals, name="actual-approvals"),
    path("actuals/import/", actuals.actual_import, name="actual-import"),
    path("actuals/import/template/", actuals.actual_import_template, name="actual-import-template"),
    path("actuals/periods/", actuals.period_list, name="actual-periods"),
    path("actuals/items/<int:pk>/<int:month>/", actuals.actual_edit, name="actual-edit"),
    path("actuals/items/<int:pk>/history/", actuals.actual_history, name="actual-history"),
    path("actuals/<int:pk>/approve/", actuals.actual_approve, name="actual-approve"),
    path("actuals/<int:pk>/reject/", actuals.actual_reject, name="actual-reject"),
    path("actuals/<int:pk>/evidence/", actuals.actual_evidence, name="actual-evidence"),
]

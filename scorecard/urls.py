"""Scorecard pages under /scorecards/. Letters and actuals (``scorecard.urls_tracking``)
are included when that module is present."""

from importlib.util import find_spec

from django.urls import include, path

from scorecard.views import alignment, cascade, indicators, items, milestones, scorecards

urlpatterns = [
    path("", scorecards.scorecard_list, name="scorecard-list"),
    path("my/", scorecards.my_targets, name="my-targets"),
    path("new/", scorecards.scorecard_new, name="scorecard-new"),
    path("create/", scorecards.scorecard_create_for, name="scorecard-create-for"),
    path("<int:pk>/", scorecards.scorecard_detail, name="scorecard-detail"),
    path("<int:pk>/items/new/", items.item_new, name="scorecard-item-new"),
    path("units/<int:pk>/", scorecards.unit_page, name="scorecard-unit"),
    path("alignment/", alignment.alignment_view, name="scorecard-alignment"),
    path("items/<int:pk>/", items.item_detail, name="scorecard-item"),
    path("items/<int:pk>/edit/", items.item_edit, name="scorecard-item-edit"),
    path("items/<int:pk>/delete/", items.item_delete, name="scorecard-item-delete"),
    path("items/<int:pk>/plan/", items.item_plan, name="scorecard-item-plan"),
    path("items/<int:pk>/cascade/", cascade.item_cascade, name="scorecard-item-cascade"),
    path("items/<int:pk>/assign/", cascade.item_assign, name="scorecard-item-assign"),
    path("items/<int:pk>/milestones/new/", milestones.milestone_new, name="milestone-new"),
    path("milestones/<int:pk>/edit/", milestones.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/delete/", milestones.milestone_delete, name="milestone-delete"),
    path("milestones/<int:pk>/complete/", milestones.milestone_complete, name="milestone-complete"),
    path("indicators/", indicators.indicator_list, name="indicator-list"),
    path("indicators/new/", indicators.indicator_new, name="indicator-new"),
    path("indicators/<int:pk>/", indicators.indicator_detail, name="indicator-detail"),
    path("indicators/<int:pk>/edit/", indicators.indicator_edit, name="indicator-edit"),
    path("indicators/<int:pk>/evaluate/", indicators.indicator_evaluate, name="indicator-evaluate"),
]

if find_spec("scorecard.urls_tracking") is not None:
    urlpatterns.append(path("", include("scorecard.urls_tracking")))

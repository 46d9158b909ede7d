from django.urls import path

from strategy.views import editing, pages

urlpatterns = [
    path("", pages.strategy_home, name="strategy-home"),
    path("map/", pages.strategy_map_current, name="strategy-map-current"),
    path("plans/", pages.plan_list, name="strategy-plan-list"),
    path("plans/new/", editing.plan_create, name="strategy-plan-create"),
    path("plans/<int:pk>/", pages.plan_detail, name="strategy-plan-detail"),
    path("plans/<int:pk>/edit/", editing.plan_edit, name="strategy-plan-edit"),
    path("plans/<int:pk>/approve/", editing.plan_approve, name="strategy-plan-approve"),
    path("plans/<int:pk>/new-version/", editing.plan_new_version, name="strategy-plan-new-version"),
    path("plans/<int:pk>/delete/", editing.plan_delete, name="strategy-plan-delete"),
    path("plans/<int:pk>/map/", pages.strategy_map, name="strategy-map"),
    path("plans/<int:pk>/map.svg", pages.strategy_map_svg, name="strategy-map-svg"),
    path("plans/<int:pk>/map.pdf", pages.strategy_map_pdf, name="strategy-map-pdf"),
    path(
        "plans/<int:pk>/perspectives/new/",
        editing.perspective_create,
        name="strategy-perspective-create",
    ),
    path("perspectives/<int:pk>/edit/", editing.perspective_edit, name="strategy-perspective-edit"),
    path("perspectives/<int:pk>/move/", editing.perspective_move, name="strategy-perspective-move"),
    path(
        "perspectives/<int:pk>/delete/",
        editing.perspective_delete,
        name="strategy-perspective-delete",
    ),
    path("plans/<int:pk>/themes/new/", editing.theme_create, name="strategy-theme-create"),
    path("themes/<int:pk>/edit/", editing.theme_edit, name="strategy-theme-edit"),
    path("themes/<int:pk>/delete/", editing.theme_delete, name="strategy-theme-delete"),
    path(
        "plans/<int:pk>/strategies/new/", editing.strategy_create, name="strategy-strategy-create"
    ),
    path("strategies/<int:pk>/edit/", editing.strategy_edit, name="strategy-strategy-edit"),
    path("strategies/<int:pk>/delete/", editing.strategy_delete, name="strategy-strategy-delete"),
    path(
        "plans/<int:pk>/objectives/new/", editing.objective_create, name="strategy-objective-create"
    ),
    path("objectives/<int:pk>/", pages.objective_detail, name="strategy-objective-detail"),
    path("objectives/<int:pk>/edit/", editing.objective_edit, name="strategy-objective-edit"),
    path("objectives/<int:pk>/delete/", editing.objective_delete, name="strategy-objective-delete"),
    path("plans/<int:pk>/links/new/", editing.link_create, name="strategy-link-create"),
    path("links/<int:pk>/delete/", editing.link_delete, name="strategy-link-delete"),
]

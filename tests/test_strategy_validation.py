"""Each validation rule of the strategy, through the services that enforce it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from strategy import selectors, services
from strategy.models import PlanStatus, StrategyLevel
from strategy.rules import WarningKind
from strategy.services.plans import REMAPPED
from tests.conftest import Cast
from tests.factories_strategy import PlanKit, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


@pytest.fixture
def kit(cast: Cast) -> PlanKit:
    return make_plan(cast.group)


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- Cause-effect links: errors ------------------------------------------------------------


def test_a_link_from_an_objective_to_itself_is_refused(cast: Cast, kit: PlanKit) -> None:
    objective = kit.objective("internal")
    with pytest.raises(ValidationError) as exc:
        services.link_create(
            actor=cast.executive.user, plan=kit.plan, cause=objective, effect=objective
        )
    assert "cannot drive itself" in _errors(exc)


def test_the_same_link_twice_is_refused(cast: Cast, kit: PlanKit) -> None:
    cause, effect = kit.objective("learning"), kit.objective("internal")
    services.link_create(actor=cast.executive.user, plan=kit.plan, cause=cause, effect=effect)
    with pytest.raises(ValidationError) as exc:
        services.link_create(actor=cast.executive.user, plan=kit.plan, cause=cause, effect=effect)
    assert "already linked" in _errors(exc)


def test_a_link_to_an_objective_of_another_plan_is_refused(cast: Cast, kit: PlanKit) -> None:
    other = make_plan(cast.group, start_year=2031, end_year=2035)
    with pytest.raises(ValidationError) as exc:
        services.link_create(
            actor=cast.executive.user,
            plan=kit.plan,
            cause=kit.objective("learning"),
            effect=other.objective("internal"),
        )
    assert "belong to the plan of the link" in _errors(exc)


# --- Cause-effect links: warnings, not errors ------------------------------------------------


def test_a_link_closing_a_cycle_is_saved_with_a_warning(cast: Cast, kit: PlanKit) -> None:
    a, b = kit.objective("internal"), kit.objective("customer")
    services.link_create(actor=cast.executive.user, plan=kit.plan, cause=a, effect=b)
    back = services.link_create(actor=cast.executive.user, plan=kit.plan, cause=b, effect=a)
    assert back.pk is not None
    warnings = selectors.plan_map(cast.executive.user, kit.plan).warnings
    cycles = [w for w in warnings if w.kind == WarningKind.CYCLE]
    assert len(cycles) == 1 and cycles[0].involves(b.pk, a.pk)


def test_a_link_running_down_the_perspectives_is_saved_with_a_warning(
    cast: Cast, kit: PlanKit
) -> None:
    profit, talent = kit.objective("financial"), kit.objective("learning")
    services.link_create(actor=cast.executive.user, plan=kit.plan, cause=profit, effect=talent)
    strategy_map = selectors.plan_map(cast.executive.user, kit.plan)
    assert [w.kind for w in strategy_map.warnings] == [WarningKind.DOWNWARD]
    assert strategy_map.downward == {(profit.pk, talent.pk)}


def test_a_link_up_the_perspectives_does_not_warn(cast: Cast, kit: PlanKit) -> None:
    services.link_create(
        actor=cast.executive.user,
        plan=kit.plan,
        cause=kit.objective("learning"),
        effect=kit.objective("financial"),
    )
    assert selectors.plan_map(cast.executive.user, kit.plan).warnings == []


# --- Plans and versions ------------------------------------------------------------------------


def test_a_plan_cannot_end_before_it_starts(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=cast.executive.user,
            owner_unit=cast.group,
            name="P",
            start_year=2030,
            end_year=2026,
        )
    assert "last year cannot come before the first" in _errors(exc)


def test_a_new_plan_starts_as_a_draft_with_the_four_bsc_perspectives(cast: Cast) -> None:
    plan = services.plan_create(
        actor=cast.executive.user, owner_unit=cast.group, name="P", start_year=2026, end_year=2030
    )
    assert plan.status == PlanStatus.DRAFT and plan.version == 1
    assert list(plan.perspectives.order_by("order").values_list("code", flat=True)) == [
        "financial",
        "customer",
        "internal",
        "learning",
    ]


def test_approval_needs_mission_vision_and_an_objective(cast: Cast) -> None:
    kit = make_plan(cast.group, mission="", vision="")
    with pytest.raises(ValidationError) as exc:
        services.plan_approve(actor=cast.executive.user, plan=kit.plan)
    text = _errors(exc)
    assert "mission" in text and "vision" in text and "at least one objective" in text


def test_an_approved_plan_is_locked(cast: Cast, kit: PlanKit) -> None:
    objective = kit.objective("customer")
    services.plan_approve(actor=cast.executive.user, plan=kit.plan)
    for attempt in (
        lambda: services.plan_update(actor=cast.executive.user, plan=kit.plan, mission="New"),
        lambda: services.objective_update(actor=cast.executive.user, objective=objective, name="X"),
        lambda: services.theme_create(actor=cast.executive.user, plan=kit.plan, name="T"),
        lambda: services.objective_delete(actor=cast.executive.user, objective=objective),
    ):
        with pytest.raises(ValidationError, match="locked"):
            attempt()


def test_a_new_version_copies_the_plan_and_approving_it_supersedes_the_old(
    cast: Cast, kit: PlanKit
) -> None:
    talent = kit.objective("learning", code="L1")
    delivery = kit.objective("internal", code="P1", parent=None)
    site = kit.objective("internal", unit=cast.site, code="P1-S", parent=delivery)
    kit.link(talent, delivery)
    services.strategy_create(
        actor=cast.executive.user,
        plan=kit.plan,
        level=StrategyLevel.FUNCTIONAL,
        unit=cast.finance,
        function="Finance",
        name="Fund growth",
    )
    old = services.plan_approve(actor=cast.executive.user, plan=kit.plan)

    draft = services.plan_new_version(actor=cast.executive.user, plan=old)
    assert (draft.version, draft.status, draft.previous_id) == (2, PlanStatus.DRAFT, old.pk)
    copied = {o.code: o for o in draft.objectives.all()}
    assert set(copied) == {"L1", "P1", "P1-S"}
    assert copied["P1-S"].parent_id == copied["P1"].pk  # the cascade follows the copy
    assert copied["P1"].carried_from_id == delivery.pk and copied["P1-S"].carried_from_id == site.pk
    assert [(lk.cause.code, lk.effect.code) for lk in draft.links.all()] == [("L1", "P1")]
    assert draft.strategies.get().name == "Fund growth"

    services.plan_approve(actor=cast.executive.user, plan=draft)
    old.refresh_from_db()
    assert old.status == PlanStatus.SUPERSEDED  # still there, still readable
    assert selectors.plan_get(cast.employee.user, old.pk) == old


def test_a_new_version_carries_every_field_an_editor_sets_on_every_row(
    cast: Cast, kit: PlanKit
) -> None:
    actor = cast.executive.user
    services.plan_update(actor=actor, plan=kit.plan, mission="Lead", vision="Far", core_values="Do")
    theme = services.theme_create(actor=actor, plan=kit.plan, name="Green", description="Low CO2")
    customers = kit.objective("customer", code="C1", theme=theme, description="Why it matters")
    kit.link(kit.objective("learning", code="L1"), customers)
    services.strategy_create(
        actor=actor,
        plan=kit.plan,
        level=StrategyLevel.FUNCTIONAL,
        unit=cast.finance,
        function="Finance",
        name="Fund growth",
        mission="Fund it",
        description="How",
    )
    old = services.plan_approve(actor=actor, plan=kit.plan)

    draft = services.plan_new_version(actor=actor, plan=old)
    pairs: list[tuple[Any, Any]] = [(old, draft)]
    for rows in ("perspectives", "themes", "strategies", "objectives", "links"):
        before = getattr(old, rows).order_by("pk")
        after = getattr(draft, rows).order_by("pk")
        assert before.count() == after.count() > 0, rows
        pairs += zip(before, after, strict=True)
    for before, after in pairs:
        for name in type(before).EDITABLE_FIELDS:
            if name in REMAPPED:
                continue
            attname = before._meta.get_field(name).attname
            assert getattr(after, attname) == getattr(before, attname), (type(after), name)
    copy = draft.objectives.get(code="C1")
    assert copy.theme == draft.themes.get() and copy.perspective.plan_id == draft.pk


def test_only_the_approved_version_is_revised_and_only_once_at_a_time(
    cast: Cast, kit: PlanKit
) -> None:
    kit.objective("customer")
    with pytest.raises(ValidationError, match="Only the approved version"):
        services.plan_new_version(actor=cast.executive.user, plan=kit.plan)
    services.plan_approve(actor=cast.executive.user, plan=kit.plan)
    services.plan_new_version(actor=cast.executive.user, plan=kit.plan)
    with pytest.raises(ValidationError, match="already exists"):
        services.plan_new_version(actor=cast.executive.user, plan=kit.plan)


def test_two_approved_plans_cannot_cover_the_same_years(cast: Cast, kit: PlanKit) -> None:
    kit.objective("customer")
    services.plan_approve(actor=cast.executive.user, plan=kit.plan)
    rival = make_plan(cast.group, start_year=2028, end_year=2032)
    rival.objective("customer")
    with pytest.raises(ValidationError, match="already approved for these years"):
        services.plan_approve(actor=cast.executive.user, plan=rival.plan)


# --- Strategies -------------------------------------------------------------------------------


def _strategy(cast: Cast, kit: PlanKit, **kwargs: Any) -> Any:
    fields = {
        "level": StrategyLevel.FUNCTIONAL,
        "unit": cast.finance,
        "function": "Finance",
        "name": "Fund growth",
    }
    return services.strategy_create(
        actor=cast.executive.user, plan=kit.plan, **{**fields, **kwargs}
    )


def test_the_development_strategy_belongs_to_the_plans_own_unit(cast: Cast, kit: PlanKit) -> None:
    with pytest.raises(ValidationError, match="plan's own unit"):
        _strategy(cast, kit, level=StrategyLevel.DEVELOPMENT, unit=cast.hq)
    assert _strategy(cast, kit, level=StrategyLevel.DEVELOPMENT, unit=cast.group).pk


def test_a_functional_strategy_names_its_function(cast: Cast, kit: PlanKit) -> None:
    with pytest.raises(ValidationError, match="Name the function"):
        _strategy(cast, kit, function=" ")


def test_one_department_has_one_strategy_per_level(cast: Cast, kit: PlanKit) -> None:
    _strategy(cast, kit)
    with pytest.raises(ValidationError, match="already has a strategy at this level"):
        _strategy(cast, kit, name="Another")


def test_a_strategy_belongs_to_a_unit_of_the_plans_organisation(cast: Cast) -> None:
    kit = make_plan(cast.engineering)
    with pytest.raises(ValidationError, match="outside the plan's organisation"):
        _strategy(cast, kit, unit=cast.finance)


# --- Objectives -------------------------------------------------------------------------------


def _objective(cast: Cast, kit: PlanKit, **kwargs: Any) -> Any:
    fields = {"perspective": kit.bands["customer"], "owner_unit": cast.engineering, "code": "C1"}
    return services.objective_create(
        actor=cast.executive.user, plan=kit.plan, name="Reliable supply", **{**fields, **kwargs}
    )


def test_an_objective_sits_on_a_perspective_of_its_own_plan(cast: Cast, kit: PlanKit) -> None:
    other = make_plan(cast.group, start_year=2031, end_year=2035)
    with pytest.raises(ValidationError) as exc:
        _objective(cast, kit, perspective=other.bands["customer"])
    assert "perspective" in exc.value.message_dict


def test_objective_codes_are_unique_within_a_plan(cast: Cast, kit: PlanKit) -> None:
    _objective(cast, kit)
    with pytest.raises(ValidationError, match="has this code"):
        _objective(cast, kit)


def test_an_objective_is_cascaded_only_from_its_own_unit_or_one_above(
    cast: Cast, kit: PlanKit
) -> None:
    finance = _objective(cast, kit, owner_unit=cast.finance, code="F")
    with pytest.raises(ValidationError, match="its own unit or a unit above"):
        _objective(cast, kit, owner_unit=cast.engineering, code="E", parent=finance)
    group = _objective(cast, kit, owner_unit=cast.group, code="G")
    assert _objective(cast, kit, owner_unit=cast.site, code="S", parent=group).parent == group


def test_a_cascade_cannot_loop_back_on_itself(cast: Cast, kit: PlanKit) -> None:
    a = _objective(cast, kit, code="A")
    b = _objective(cast, kit, code="B", parent=a)
    with pytest.raises(ValidationError, match="cascade the objective from itself"):
        services.objective_update(actor=cast.executive.user, objective=a, parent=b)


# --- Perspectives -----------------------------------------------------------------------------


def test_perspectives_can_be_added_and_reordered(cast: Cast, kit: PlanKit) -> None:
    risk = services.perspective_create(
        actor=cast.executive.user, plan=kit.plan, name="Risk & compliance"
    )
    assert (risk.code, risk.order) == ("risk-compliance", 5)
    services.perspective_move(actor=cast.executive.user, perspective=risk, offset=-2)
    order = list(kit.plan.perspectives.order_by("order").values_list("code", flat=True))
    assert order == ["financial", "customer", "risk-compliance", "internal", "learning"]


def test_a_perspective_holding_objectives_cannot_be_deleted(cast: Cast, kit: PlanKit) -> None:
    kit.objective("customer")
    with pytest.raises(ValidationError, match="Move or delete the objectives"):
        services.perspective_delete(actor=cast.executive.user, perspective=kit.bands["customer"])


# --- Scope of writes --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["employee", "manager", "sibling_manager", "hr"])
def test_only_executives_write_the_strategy(cast: Cast, kit: PlanKit, role: str) -> None:
    user = cast.member(role).user  # type: ignore[union-attr]
    with pytest.raises(Http404):
        services.objective_create(
            actor=user,
            plan=kit.plan,
            perspective=kit.bands["customer"],
            owner_unit=cast.engineering,
            code="X",
            name="X",
        )
    with pytest.raises(Http404):
        services.plan_approve(actor=user, plan=kit.plan)

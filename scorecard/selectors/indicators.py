"""Reads of the indicator dictionary. Each starts from ``restrict``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from org.models import OrgUnit
from org.scoping import VIEW
from scorecard.models import Indicator
from scorecard.rules import expressions

SMART_FIELDS = (
    "smart_specific",
    "smart_measurable",
    "smart_agreed",
    "smart_realistic",
    "smart_time_bound",
)


def indicators(user: Any, action: str = VIEW) -> QuerySet[Indicator]:
    return Indicator.objects.restrict(user, action)


def indicator_get(user: Any, pk: Any, action: str = VIEW) -> Indicator:
    return get_object_or_404(indicators(user, action).select_related("owner_unit"), pk=pk)


def indicator_search(
    user: Any,
    *,
    text: str = "",
    polarity: str = "",
    frequency: str = "",
    aggregation: str = "",
    owner_unit: OrgUnit | None = None,
    active: bool | None = True,
    smart_incomplete: bool = False,
    expression: bool | None = None,
) -> QuerySet[Indicator]:
    """The library, filtered; ``owner_unit`` means that unit and everything under it."""
    qs = indicators(user).select_related("owner_unit")
    if text:
        qs = qs.filter(
            Q(code__icontains=text) | Q(name__icontains=text) | Q(definition__icontains=text)
        )
    if polarity:
        qs = qs.filter(polarity=polarity)
    if frequency:
        qs = qs.filter(frequency=frequency)
    if aggregation:
        qs = qs.filter(aggregation=aggregation)
    if owner_unit is not None:
        qs = qs.filter(owner_unit__path__startswith=owner_unit.path)
    if active is not None:
        qs = qs.filter(active=active)
    if expression is not None:
        qs = qs.filter(formula_is_expression=expression)
    if smart_incomplete:
        missing = Q()
        for name in SMART_FIELDS:
            missing |= Q(**{name: False})
        qs = qs.filter(missing)
    return qs.order_by("code")


def formula_inputs(indicator: Indicator) -> list[str]:
    """The codes an expression formula uses (empty for text formulas or a broken one)."""
    if not indicator.formula_is_expression:
        return []
    try:
        return sorted(expressions.names_in(expressions.parse(indicator.formula)))
    except expressions.ExpressionError:
        return []


def indicator_evaluate(user: Any, indicator: Indicator, values: Mapping[str, Decimal]) -> Decimal:
    """The value of ``indicator``'s formula given measured ``values``; other expression
    indicators it uses are computed from their own formulas. Raises ``ExpressionError``."""
    formulas: dict[str, expressions.Node] = {}
    stored = indicators(user).filter(formula_is_expression=True).values_list("code", "formula")
    for code, text in stored:
        try:
            formulas[code] = expressions.parse(text)
        except expressions.ExpressionError:
            continue  # a broken formula elsewhere only matters if this one uses it
    formulas[indicator.code] = expressions.parse(indicator.formula)
    measured = {code: value for code, value in values.items() if code != indicator.code}
    return expressions.evaluate_all(formulas, measured, [indicator.code])[indicator.code]

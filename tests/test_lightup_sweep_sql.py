"""On PostgreSQL a chunk is judged by one SQL statement (:mod:`lightup.sweep_sql`); the
pure rules of :mod:`lightup.rules` stay the rules of record. Property test: on generated
items — every polarity and aggregation, with and without a monthly plan or a target,
milestones, thresholds overridden (consistently or not), last month's streaks — and at
every §3.7 boundary (deviation exactly -5 % and -15 % and a hair either side, for higher-
and lower-is-better; a milestone due on the day, in 30 and 31 days, overdue by one; the
grace period's last and first day), both paths write identical rows.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lightup import rules
from lightup.models import ItemLightOverride, LightScheme, LightStatus
from lightup.services import lightup_sweep
from org.scoping import SYSTEM
from scorecard.models import ItemKind, Scorecard
from tests.conftest import Cast, need
from tests.lightup_world import YEAR
from tests.test_lightup_sweep_pg import MONTH, make

pytestmark = [pytest.mark.django_db, pytest.mark.services]

MONTH_END = rules.month_end(YEAR, MONTH)
JAN_1 = datetime.date(YEAR, 1, 1)
# Judged mid-month (as of that day), on the grace period's last day, and on the day after.
TODAYS = [
    datetime.date(YEAR, MONTH, 20),
    MONTH_END + datetime.timedelta(days=9),
    MONTH_END + datetime.timedelta(days=10),
]
# Monthly values that put a plan of 100 (or -100) exactly on a colour boundary, a hair
# either side, on zero, and plain random values.
EDGES = [Decimal(v) for v in ("95", "94.9999", "95.0001", "85", "84.9999", "85.0001")]
EDGES += [Decimal(v) for v in ("105", "104.9999", "105.0001", "115", "114.9999", "115.0001")]
EDGES += [Decimal(v) for v in ("0", "100", "10", "90", "9.9999", "90.0001", "-95", "-105")]
# 0.0128 and 1.28 (= 2^7 / 10^4, 2^7 / 10^2) as a plan put deviations of four-decimal
# actuals exactly half-way between two stored (six-decimal) values.
plan_values = st.sampled_from(
    [Decimal(v) for v in ("100", "-100", "0", "95", "50", "0.0128", "1.28", "-1.28")]
)
# Small whole numbers of the fourth decimal: run rates, averages and trends of these land
# exactly half-way between two stored (four-decimal) forecasts again and again.
units = st.integers(-3000, 3000).map(lambda k: Decimal(k).scaleb(-4))
values = st.one_of(
    st.sampled_from(EDGES),
    units,
    st.decimals(min_value=-100_000, max_value=100_000, places=4, allow_nan=False),
)


@st.composite
def specs(draw: Any) -> dict[str, Any]:
    months = draw(st.sets(st.integers(1, 12), max_size=12))
    as_of_days = (MONTH_END - JAN_1).days
    day = st.sampled_from(
        [as_of_days + k for k in (-41, -40, -11, -10, -1, 0, 1, 29, 30, 31, 60)]
        + [(d - JAN_1).days for d in TODAYS]
    )
    return {
        "kind": draw(st.sampled_from([ItemKind.QUANTITATIVE] * 3 + [ItemKind.MILESTONE])),
        "polarity": draw(st.sampled_from(["higher", "lower", "range"])),
        "aggregation": draw(st.sampled_from(["sum", "average", "last"])),
        "target": draw(st.one_of(st.none(), plan_values, st.sampled_from([Decimal(1200)]))),
        "actuals": {m: (draw(values), draw(st.booleans()) and m % 4 == 0) for m in months},
        "plan": draw(
            st.one_of(
                st.just({}),
                st.dictionaries(st.integers(1, 12), plan_values, min_size=1, max_size=12),
            )
        ),
        "milestones": draw(
            st.lists(st.tuples(day, st.one_of(st.none(), day)), max_size=3),
        ),
        "override": None,
        "thresholds": draw(
            st.one_of(
                st.none(),
                st.fixed_dictionaries(
                    {
                        "yellow_below": st.sampled_from([None, Decimal("-0.1"), Decimal(0)]),
                        "red_below": st.sampled_from([None, Decimal("-0.05"), Decimal("-0.3")]),
                        "milestone_warning_days": st.sampled_from([None, 0, 10]),
                        "grace_days": st.sampled_from([None, 0, 9]),
                        "escalate_after_reds": st.sampled_from([None, 0, 1]),
                    }
                ),
            )
        ),
        "streak": draw(st.sampled_from([0, 0, 1, 2])),
        "strict": draw(st.booleans()),  # follows the stricter scheme
    }


def rows_of(month: int = MONTH) -> list[tuple[Any, ...]]:
    fields = ["item_id", "colour", "deviation", "plan_to_date", "actual_to_date", "forecast"]
    fields += ["predicted_miss", "missing", "red_streak"]
    found = LightStatus.objects.filter(year=YEAR, month=month).order_by("item_id")
    return list(found.values_list(*fields))


@settings(
    max_examples=int(os.environ.get("SPM_SQL_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    items=st.lists(specs(), min_size=1, max_size=12),
    today=st.sampled_from(TODAYS),
    default_scheme=st.booleans(),
)
def test_the_sql_path_writes_the_rows_of_the_pure_rules(
    cast: Cast, items: list[dict[str, Any]], today: datetime.date, default_scheme: bool
) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL")
    assert_both_paths_agree(cast, items, today=today, default_scheme=default_scheme)


def assert_both_paths_agree(
    cast: Cast,
    items: list[dict[str, Any]],
    *,
    today: datetime.date,
    default_scheme: bool = False,
    expected_forecasts: dict[str, Decimal] | None = None,
) -> None:
    """Sweep ``items`` in Python by the pure rules and in SQL: the very same rows (every
    column exact), counts and colours. Rolled back."""
    with transaction.atomic():
        LightScheme.objects.all().delete()
        if default_scheme:  # else the §3.7 defaults apply
            LightScheme.objects.create(
                name="House", is_default=True, yellow_below=Decimal("-0.1"), grace_days=9
            )
        strict = LightScheme.objects.create(
            name="Strict",
            yellow_below=Decimal("-0.02"),
            red_below=Decimal("-0.05"),
            milestone_warning_days=45,
            grace_days=0,
            escalate_after_reds=1,
        )
        card = Scorecard.objects.create(unit=cast.engineering, employee=cast.employee, year=YEAR)
        other = Scorecard.objects.create(unit=cast.finance, year=YEAR)
        for n, spec in enumerate(items):
            make(card if n % 2 else other, spec, n)
            if spec["thresholds"] or spec["strict"]:
                item = (card if n % 2 else other).items.get(name=f"Item {n}")
                ItemLightOverride.objects.create(
                    item=item,
                    scheme=strict if spec["strict"] else None,
                    **(spec["thresholds"] or {}),
                )
        sweep: dict[str, Any] = {
            "actor": SYSTEM,
            "year": YEAR,
            "month": MONTH,
            "today": today,
            "notify": False,
        }
        in_python = lightup_sweep(**sweep, in_sql=False)
        expected = rows_of()
        LightStatus.objects.filter(year=YEAR, month=MONTH).delete()
        in_sql = lightup_sweep(**sweep)  # the default on PostgreSQL
        assert rows_of() == expected
        assert in_sql.colours == in_python.colours and in_sql.items == in_python.items
        if expected_forecasts is not None:
            stored = LightStatus.objects.filter(year=YEAR, month=MONTH)
            found = dict(stored.values_list("item__name", "forecast"))
            assert found == expected_forecasts
        transaction.set_rollback(True)


def reported(values: dict[int, Decimal], aggregation: str, **spec: Any) -> dict[str, Any]:
    """A quantitative item whose ``values`` were all reported and approved."""
    return {
        "kind": ItemKind.QUANTITATIVE,
        "polarity": "higher",
        "aggregation": aggregation,
        "target": Decimal(1),
        "actuals": {m: (v, False) for m, v in values.items()},
        "plan": {},
        "milestones": [],
        "override": None,
        "thresholds": None,
        "streak": 0,
        "strict": False,
    } | spec


@settings(
    max_examples=int(os.environ.get("SPM_SQL_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    items=st.lists(
        st.builds(
            reported,
            st.dictionaries(st.integers(1, MONTH), units, min_size=1),
            st.sampled_from(["sum", "average", "last"]),
            polarity=st.sampled_from(["higher", "lower", "range"]),
            target=st.one_of(st.none(), plan_values),
            plan=st.one_of(st.just({}), st.dictionaries(st.integers(1, 12), plan_values)),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_forecasts_and_deviations_half_way_between_stored_values_round_alike(
    cast: Cast, items: list[dict[str, Any]]
) -> None:
    """Hunts the halves: many small four-decimal values, whose run rates, averages and
    trends (and deviations from the 0.0128 / 1.28 plans) fall exactly between two stored
    values, where a rounding done twice or an inexact division shows."""
    need(connection.vendor == "postgresql", "PostgreSQL")
    assert_both_paths_agree(cast, items, today=MONTH_END)


def test_forecasts_exactly_half_way_round_to_the_even_value_on_both_paths(cast: Cast) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL")
    seven = "84.4637 85.0478 85.0014 84.3502 85.6854 85.9722 84.9617".split()
    last = {4: "0.0108", 5: "-0.0657", 6: "-0.1411", 7: "0.1581"}
    items = [  # exact forecasts 0.00015, 85.42845, 0.22875 and 0.00045
        reported({1: Decimal("0.0018"), 2: Decimal(0)}, "average"),  # (S + 10 x 0) / 12
        reported(dict(enumerate(map(Decimal, seven), 1)), "average"),  # on the trend
        reported({m: Decimal(v) for m, v in last.items()}, "last"),  # the trend at December
        reported({1: Decimal("0.0054"), 2: Decimal(0)}, "average", polarity="lower"),
    ]
    expected = dict(
        zip(
            [f"Item {n}" for n in range(4)],
            map(Decimal, ["0.0002", "85.4284", "0.2288", "0.0004"]),
            strict=True,
        )
    )
    assert_both_paths_agree(cast, items, today=MONTH_END, expected_forecasts=expected)


def test_the_sql_path_sends_the_messages_of_the_pure_rules_and_none_twice(cast: Cast) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL")
    from notifications.models import Notification
    from tests.lightup_world import MONTH as WORLD_MONTH
    from tests.lightup_world import TODAY, build

    def sent() -> set[tuple[Any, ...]]:
        found = Notification.objects.values_list("recipient_id", "kind", "dedupe_key", "link")
        return set(found)

    build(cast)
    sweep: dict[str, Any] = {"actor": SYSTEM, "year": YEAR, "month": WORLD_MONTH, "today": TODAY}
    python = lightup_sweep(**sweep, in_sql=False)
    expected, stored = sent(), rows_of(WORLD_MONTH)
    assert python.messages == len(expected) > 0
    Notification.objects.all().delete()
    LightStatus.objects.filter(month=WORLD_MONTH).delete()
    first = lightup_sweep(**sweep)
    assert sent() == expected and first.messages == len(expected)
    assert rows_of(WORLD_MONTH) == stored and first.colours == python.colours
    again = lightup_sweep(**sweep)
    # The same messages are offered again; the database keeps each one once.
    assert again.messages == len(expected) and Notification.objects.count() == len(expected)
    assert sent() == expected and rows_of(WORLD_MONTH) == stored


def test_a_deviation_of_millions_of_percent_is_stored_by_both_paths(cast: Cast) -> None:
    """A tiny plan and large actuals (a target of 0.0128, ten months of 100,000): the
    deviation is ~10^8, past the first column's 10^6, which failed the whole sweep (found by
    the property test above)."""
    need(connection.vendor == "postgresql", "PostgreSQL")
    item = {
        "kind": ItemKind.QUANTITATIVE,
        "polarity": "higher",
        "aggregation": "sum",
        "target": Decimal("0.0128"),
        "actuals": {m: (Decimal("99999.9999"), False) for m in range(1, 11)},
        "plan": {},
        "milestones": [],
        "override": None,
        "thresholds": None,
        "streak": 0,
        "strict": False,
    }
    assert_both_paths_agree(cast, [item], today=TODAYS[0], default_scheme=True)

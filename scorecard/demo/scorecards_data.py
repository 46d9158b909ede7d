"""The demo group's goals for the demo year as data: the group scorecard with
SASAC's "one profit, five ratios", the cascade to departments, companies and people.

Read by :mod:`scorecard.demo`. Objective codes are those of the strategy demo's plan
"Clean Power 2030" (``strategy.demo.OBJECTIVES``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from typing import Any


def demo_period(today: datetime.date) -> tuple[int, int]:
    """The demo's year and its last month with actuals: the month before ``today``.

    The demo shows the year that last month belongs to, so it always has at least one
    month of actuals: in January it shows last year's twelve months.
    """
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.year, last.month


# The group scorecard: name, indicator, objective, weight, tiers (floor, baseline, target,
# challenge), last year, benchmark. Quantitative 80 + milestone 20 = 100.
GROUP_ITEMS: list[tuple[str, str, str, D, tuple[Any, ...], D | None, D | None]] = [
    (
        "Total profit",
        "TOTAL_PROFIT",
        "F1",
        D(25),
        (D(4300), D(4800), D(5400), D(6000)),
        D(5050),
        None,
    ),
    (
        "Asset-liability ratio",
        "ALR",
        "F4",
        D(10),
        (D(68), D(66), D("64.5"), D(63)),
        D("65.8"),
        D("62.1"),
    ),
    ("Return on equity", "ROE", "F1", D(10), (None, D("7.5"), D("8.2"), D(9)), D("7.8"), D("8.6")),
    (
        "R&D investment intensity",
        "RD_INTENSITY",
        "L3",
        D(10),
        (None, D(2), D("2.5"), D(3)),
        D("2.1"),
        D("2.8"),
    ),
    (
        "Full-staff labour productivity",
        "LABOUR_PRODUCTIVITY",
        "F3",
        D(10),
        (None, D(1150), D(1250), D(1350)),
        D(1180),
        D(1400),
    ),
    (
        "Operating cash ratio",
        "OPERATING_CASH_RATIO",
        "F4",
        D(5),
        (None, D(18), D(20), D(22)),
        D("19.2"),
        None,
    ),
    (
        "New-energy capacity in operation",
        "NE_CAPACITY",
        "P4",
        D(10),
        (None, D(400), D(500), D(600)),
        D(380),
        None,
    ),
]
PROFIT_PLAN = [D(v) for v in (380, 400, 430, 440, 450, 460, 470, 480, 470, 460, 440, 520)]
PROJECT = "Qinghai 500 MW wind-solar project"
PROJECT_WEIGHT = D(20)
# name, due, completion standard, responsible unit, counterpart unit, reached on: (month,
# day) of the demo year; a milestone is only reached once that day has passed.
MonthDay = tuple[int, int]
MILESTONES: list[tuple[str, MonthDay, str, str, str, MonthDay | None]] = [
    (
        "Main equipment bidding",
        (3, 31),
        "Turbine, module and inverter contracts awarded and signed",
        "HQ-EC",
        "WS-QH",
        (3, 28),
    ),
    (
        "Main construction start",
        (6, 30),
        "Foundations poured on site; construction permit and safety plan approved",
        "WS-QH",
        "HQ-EC",
        (7, 20),
    ),
    (
        "Grid connection",
        (12, 20),
        "Grid operator's connection certificate for the full 500 MW",
        "WS-QH",
        "HQ-MKT",
        None,
    ),
]
KEY_TASKS = [
    (
        "Digital dispatch platform, phase 1",
        "L2",
        "Remote dispatch of all wind farms from the group centre.",
    ),
    (
        "Safety culture campaign",
        "L4",
        "Every employee trained; near misses reported and learnt from.",
    ),
]

# Cascades from the group: item, mode, [(unit code, share, weight)].
GROUP_CASCADES: list[tuple[str, str, list[tuple[str, D | None, D | None]]]] = [
    (
        "Total profit",
        "amounts",
        [("WS", D(2100), D(40)), ("TP", D(1900), D(50)), ("HP", D(1400), D(50))],
    ),
    (
        "Asset-liability ratio",
        "same",
        [("HQ-FIN", None, D(40)), ("WS", None, D(20)), ("TP", None, D(20)), ("HP", None, D(20))],
    ),
    ("Operating cash ratio", "same", [("HQ-FIN", None, D(30))]),
    ("R&D investment intensity", "same", [("HQ-ST", None, D(50))]),
    ("Full-staff labour productivity", "same", [("HQ-HR", None, D(50))]),
    ("New-energy capacity in operation", "amounts", [("HQ-EC", D(500), D(40))]),
    (PROJECT, "same", [("HQ-EC", None, D(40))]),
    ("Digital dispatch platform, phase 1", "same", [("HQ-ST", None, None)]),
    ("Safety culture campaign", "same", [("HQ-SE", None, None), ("HQ-EC", None, None)]),
]

# Units' own items: unit code, name, indicator, objective, weight, (floor, baseline, target,
# challenge), last year.
UNIT_ITEMS: list[tuple[str, str, str, str, D, tuple[Any, ...], D | None]] = [
    (
        "HQ-EC",
        "Project cost overrun",
        "COST_OVERRUN",
        "P1",
        D(20),
        (None, D(8), D(5), D(3)),
        D("6.4"),
    ),
    (
        "HQ-FIN",
        "Average financing cost rate",
        "FIN_COST_RATE",
        "P3",
        D(30),
        (None, D("4.2"), D("3.9"), D("3.6")),
        D("4.05"),
    ),
    (
        "HQ-ST",
        "Invention patents filed",
        "PATENTS",
        "L3",
        D(50),
        (None, D(20), D(25), D(30)),
        D(21),
    ),
    (
        "HQ-HR",
        "Key positions with ready successors",
        "SUCCESSION",
        "L1",
        D(50),
        (None, D(70), D(80), D(90)),
        D(72),
    ),
    (
        "WS",
        "Renewable fleet availability",
        "AVAILABILITY",
        "P2",
        D(40),
        (D(94), D(95), D(97), D("98.5")),
        D("96.4"),
    ),
    (
        "TP",
        "Coal consumption of power supply",
        "COAL_RATE",
        "F3",
        D(30),
        (None, D(305), D(300), D(296)),
        D(303),
    ),
    (
        "HP",
        "Hydro generation",
        "HYDRO_GWH",
        "C1",
        D(30),
        (None, D(9000), D(9500), D(10000)),
        D(9320),
    ),
    (
        "HQ-SE",
        "Serious safety accidents",
        "SERIOUS_ACCIDENTS",
        "P2",
        D(60),
        (None, None, D(0), None),
        D(0),
    ),
    (
        "HQ-SE",
        "Safety training coverage",
        "SAFETY_TRAINING",
        "L4",
        D(40),
        (None, D(90), D(95), D(100)),
        D(93),
    ),
    (
        "HQ-MKT",
        "Green power sales",
        "GREEN_SALES",
        "C3",
        D(60),
        (None, D(1800), D(2000), D(2200)),
        D(1650),
    ),
    (
        "HQ-MKT",
        "Key account retention",
        "ACCOUNT_RETENTION",
        "C2",
        D(40),
        (None, D(90), D(95), D(98)),
        D(93),
    ),
    (
        "HQ-AUD",
        "Audit findings closed on time",
        "AUDIT_CLOSURE",
        "P5",
        D(100),
        (None, D(85), D(95), D(100)),
        D(91),
    ),
]

# Engineering & Construction to its people (the demo manager does this).
EC_CAPACITY_SHARES = {"Project engineer": [D(150), D(150)], "Site supervisor": [D(100), D(100)]}
EC_CAPACITY_WEIGHT = D(40)
EC_PROJECT_WEIGHT = D(30)
EC_OVERRUN_WEIGHT = D(30)
EC_TITLES = ("Project engineer", "Site supervisor", "Cost engineer")
COST_ENGINEER_ITEM = (
    "Settlement budget variance",
    "SETTLEMENT_VARIANCE",
    "P3",
    D(70),
    (None, D(3), D(2), D(1)),
    D("2.6"),
)

"""The SMART checklist shown when an indicator is written, and hints from what is filled in.

Pure: takes any object with the indicator's attributes, no ORM.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# (field, letter, question) — the questions whoever writes the indicator answers.
CHECKLIST = [
    (
        "smart_specific",
        "S",
        gettext_lazy("Specific: does the definition say exactly what is counted and what is not?"),
    ),
    (
        "smart_measurable",
        "M",
        gettext_lazy("Measurable: is there a unit, a data source and, if derived, a formula?"),
    ),
    ("smart_agreed", "A", gettext_lazy("Agreed: has the owner unit agreed to report it?")),
    (
        "smart_realistic",
        "R",
        gettext_lazy("Realistic: can the owner influence it with the means it has?"),
    ),
    (
        "smart_time_bound",
        "T",
        gettext_lazy("Time-bound: is the reporting frequency and period clear?"),
    ),
]
MIN_DEFINITION = 20


def hints(indicator: Any) -> list[str]:
    """What still keeps the indicator from being SMART, as sentences for its writer."""
    found: list[str] = []
    unchecked = [letter for field, letter, _q in CHECKLIST if not getattr(indicator, field)]
    if unchecked:
        found.append(
            _("SMART check not confirmed for: %(letters)s.") % {"letters": ", ".join(unchecked)}
        )
    if len((indicator.definition or "").strip()) < MIN_DEFINITION:
        found.append(_("Specific: write a definition of what is counted and what is not."))
    if not indicator.unit_of_measure and not indicator.formula:
        found.append(_("Measurable: give a unit of measure or a formula."))
    if not indicator.data_source:
        found.append(_("Measurable: name the data source the figures come from."))
    return found

"""XLSX export of a cycle's results with their explanation.

Cells that a spreadsheet would read as a formula (starting with = + - @) are written as
text with a leading apostrophe, so a name or a reason can never run as a formula.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessment.models import AssessmentResult
from spm.exports import safe_row

CHUNK = 2000


def results_workbook(rows: Iterable[AssessmentResult]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Results"))
    sheet.append(
        [
            _("Unit"),
            _("Employee"),
            _("Quantitative part"),
            _("Qualitative part"),
            _("Final score"),
            _("Grade"),
            _("Calibrated grade"),
            _("Calibration reason"),
            _("Vetoed"),
            _("Formula"),
            _("Items"),
            _("Key tasks"),
            _("Adjustments"),
            _("Explanation (JSON)"),
        ]
    )
    for r in rows:
        e = r.explanation or {}
        items = "; ".join(
            f"{i['name']}: {i['score_rounded']} x {i['effective_weight']}%"
            + (f" ({i['left_out']})" if i.get("left_out") else "")
            for i in e.get("items", [])
        )
        tasks = "; ".join(f"{t['name']}: {t['points']}" for t in e.get("key_tasks", []))
        adjustments = "; ".join(
            f"{a['kind']} {a['counted']}" + (f" ({a['left_out']})" if a.get("left_out") else "")
            for a in e.get("adjustments", [])
        )
        row = [
            r.unit.name,
            r.employee.name if r.employee else "",
            r.quantitative_part,
            r.qualitative_part,
            r.final_score,
            r.get_grade_display(),
            r.get_calibrated_grade_display(),
            r.calibration_reason,
            r.vetoed,
            e.get("arithmetic", {}).get("formula", ""),
            items,
            tasks,
            adjustments,
            json.dumps(e, ensure_ascii=False),
        ]
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

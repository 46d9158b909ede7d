"""The digest of what a result is computed from, so that a re-run skips unchanged results.

A result's digest covers its :class:`assessment.rules.ScoreInput` (every item, actual,
plan, milestone, key-task grade, confirmation, rating, adjustment, veto and exemption the
computation loaded), the cycle's scheme snapshot and period, and the source of the rules
and of the computation (a changed rule recomputes every result). The computation stores
it together with the computed values (:mod:`assessment.writes`); a later run whose digest
is equal would compute exactly the stored values, so it neither computes nor writes that
result.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import assessment.rules
import scorecard.rules


def _rules_source() -> bytes:
    """The source of the rules and of the computation that applies them."""
    digest = hashlib.blake2b(digest_size=16)
    paths: list[Path] = []
    for package in (assessment.rules, scorecard.rules):
        assert package.__file__ is not None
        paths += sorted(Path(package.__file__).parent.glob("*.py"))
    paths.append(Path(__file__).with_name("compute.py"))
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.digest()


RULES_SOURCE = _rules_source()


class Digests:
    """Digests of one cycle's results: the cycle's part hashed once, each input after it."""

    def __init__(self, period: Any, scheme: Any) -> None:
        self._base = hashlib.blake2b(RULES_SOURCE, digest_size=16)
        self._base.update(repr((period, scheme)).encode())

    def of(self, data: Any, result: Any) -> str:
        """The digest of one result's inputs (``repr`` of frozen dataclasses of plain values:
        ids, names, Decimals, dates, and monthly values in month order) together with the
        result's computed scores and grade: a row whose scores were changed or emptied
        behind the computation's back no longer matches, and is computed again."""
        return self.finish(self.start(data), result)

    def start(self, data: Any) -> Any:
        """The inputs' part of the digest (to :meth:`finish` with the scores, as they are
        stored and again as they are computed)."""
        digest = self._base.copy()
        digest.update(repr(data).encode())
        return digest

    def finish(self, started: Any, result: Any) -> str:
        digest = started.copy()
        digest.update(repr([_cents(getattr(result, name)) for name in SCORES]).encode())
        digest.update(f"{result.grade}|{result.vetoed}".encode())
        return digest.hexdigest()


SCORES = ("quantitative_part", "qualitative_part", "final_score")


def _cents(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"

"""The qualitative part of a result, fed by whoever collects it (DESIGN §3.5).

Assessment does not run 360° reviews itself. A higher app registers a *qualitative
provider* (e.g. in ``AppConfig.ready``) that answers, for a batch of result ids, the
qualitative part (0-100) of those it knows::

    from assessment.qualitative import register_qualitative_provider

    @register_qualitative_provider
    def reviews(result_ids: Sequence[int]) -> Mapping[int, Decimal]:
        ...  # one query for the whole batch, never one per result

A provider's answer replaces the reviewer's direct ``QualitativeRating`` for that result;
results no provider knows keep the direct rating (or none). With several providers the
later registered wins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

QualitativeProvider = Callable[[Sequence[int]], Mapping[int, Decimal]]

_providers: list[QualitativeProvider] = []


def register_qualitative_provider(provider: QualitativeProvider) -> QualitativeProvider:
    """Add ``provider`` (once, however often registered); returns it, to serve as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_qualitative_provider(provider: QualitativeProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def provided_parts(result_ids: Sequence[int]) -> dict[int, Decimal]:
    """``{result id: qualitative part}`` for the results some provider knows."""
    found: dict[int, Decimal] = {}
    if result_ids:
        wanted = set(result_ids)
        for provider in list(_providers):
            found.update({pk: v for pk, v in provider(list(result_ids)).items() if pk in wanted})
    return found

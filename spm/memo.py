"""Answers remembered while one page is built, for the reads its parts repeat.

The home page is built from the panels each app contributes (:func:`spm.nav.home_panels`),
and two of them may ask the same question: the executive's strategy dashboard and the
light panel both colour the plan's objectives from the latest swept month. Inside
``with page_memo():`` (the home view wraps its panels in it) :func:`remember` works an
answer out once; outside it — any other caller, a task, a test — it works it out each time.
Building the panels writes nothing, so nothing remembered can go stale inside the block.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("spm_page_memo", default=None)


@contextmanager
def page_memo() -> Iterator[None]:
    """Remember answers (:func:`remember`) until the block ends."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembering() -> bool:
    return _memo.get() is not None


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per ``key`` inside :func:`page_memo`; every time outside it."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    found: T = memo[key]
    return found

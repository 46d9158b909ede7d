"""Small registries through which each app contributes to the whole, filled in each app's
``AppConfig.ready()``: menu entries, home-page panels, demo seeders and synthetic-data
generators. A lower app never imports a higher one; a renamed module fails loudly at
start-up instead of silently switching a feature off.

Each entry has an ``order`` (apps in dependency order: org 10, strategy 20, scorecard 30,
light-up 40, assessment 50, incentives 60) and a unique name, so registering twice (tests
reload apps) keeps one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass
class Registry(Generic[T]):
    """Named, ordered contributions of one kind."""

    kind: str
    _entries: dict[str, tuple[int, T]] = field(default_factory=dict)
    # moves on with every change: what was built from the entries is stale when it moved
    version: int = 0

    def register(self, name: str, item: T, *, order: int = 100) -> T:
        self._entries[name] = (order, item)
        self.version += 1
        return item

    def unregister(self, name: str) -> None:
        if self._entries.pop(name, None) is not None:
            self.version += 1

    def __iter__(self) -> Iterator[T]:
        for _order, item in sorted(self._entries.values(), key=lambda entry: entry[0]):
            yield item

    def items(self) -> list[tuple[str, T]]:
        ordered = sorted(self._entries.items(), key=lambda entry: entry[1][0])
        return [(name, item) for name, (_order, item) in ordered]

    def names(self) -> list[str]:
        return [name for name, _item in self.items()]


# scope -> menu entries (spm.nav.MenuItem)
menus: Registry[Callable[[Any], list[Any]]] = Registry("menu")
# (request, scope) -> home panels (spm.nav.Panel)
home_panels: Registry[Callable[[Any, Any], list[Any]]] = Registry("home panels")
# demo (org.demo.Demo) -> one-line summary; run by ``seed_demo`` in order
demo_seeders: Registry[Callable[[Any], str]] = Registry("demo seeders")
# generated org (org.generate.Generated) -> one-line summary; run by ``generate_enterprise``
generators: Registry[Callable[[Any], str]] = Registry("generators")
# background job kind (spm.models.Job.kind) -> what its page calls it ("Directory export")
job_kinds: Registry[Any] = Registry("job kinds")
# list name -> spm.saved_filters.FilterList: the list pages whose filters users may save
filter_lists: Registry[Any] = Registry("filter lists")

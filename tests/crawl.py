"""A small crawler over the app's own pages, for the every-form and every-page tests.

It starts at the home page, follows same-site links breadth-first (a few visits per URL
*shape*: ``/scorecards/12/`` and ``/scorecards/13/`` are one shape, and its first
``per_shape`` URLs are visited), and collects every POST form with its fields, read with
the standard library's HTML parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

# Links a crawl does not follow: leaving, switching language, files, the admin, the API.
SKIPPED = re.compile(
    r"^/(accounts/logout|i18n/|admin/|api/|static/|media/|favicon\.ico)"
    r"|\.(pdf|svg|csv|xlsx)$|/download/|/export"
)
NUMBER = re.compile(r"\d+")


@dataclass
class Field:
    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    required: bool = False


@dataclass
class Form:
    page: str
    action: str
    fields: list[Field] = field(default_factory=list)

    @property
    def visible(self) -> list[Field]:
        return [f for f in self.fields if f.kind not in {"hidden", "submit", "button"}]


class PageParser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urldefrag(urljoin(self.url, a["href"]))[0])
        elif tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(self.url, urljoin(self.url, a.get("action") or self.url))
            self.forms.append(self._form)
        elif self._form is None or "name" not in a:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                self._form.fields.append(Field(a["name"], kind, "", [a.get("value", "on")]))
                return
            self._form.fields.append(
                Field(a["name"], kind, a.get("value", ""), [], "required" in a)
            )
        elif tag == "select":
            self._select = Field(a["name"], "select", "", [], "required" in a)
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea", "", [], "required" in a)
            self._form.fields.append(self._textarea)
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def shape(url: str) -> str:
    """``/scorecards/12/items/7/`` -> ``/scorecards/#/items/#/`` (query dropped)."""
    return NUMBER.sub("#", urlsplit(url).path)


def crawl(
    get: Callable[[str], tuple[int, str, str]],
    start: str = "/",
    limit: int = 400,
    per_shape: int = 3,
) -> Iterator[tuple[str, int, PageParser | None]]:
    """Visit pages from ``start``; ``get(url) -> (status, content type, text)``. Yields
    ``(url, status, parsed page or None)`` for every page visited."""
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if SKIPPED.search(path) or path in seen or shapes.get(shape(url), 0) >= per_shape:
            continue
        seen.add(path)
        shapes[shape(url)] = shapes.get(shape(url), 0) + 1
        status, content_type, text = get(url)
        if status >= 300 or "html" not in content_type:
            yield url, status, None
            continue
        parser = PageParser(url)
        parser.feed(text)
        yield url, status, parser
        for link in parser.links:
            parts = urlsplit(link)
            if parts.netloc in {"", "testserver"} and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))

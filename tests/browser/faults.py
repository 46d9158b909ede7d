"""What counts as a fault of a page in the browser tests: a console error (CSP violations
are reported there), an uncaught script error, a failed request or a response of 400 or
more. The crawl (``test_crawl``) and the accessibility pass (``test_a11y``) watch their
pages with :func:`watch` and assert the list it fills is empty."""

from __future__ import annotations

from typing import Any

# The icon every page links to (templates/base.html).
ICON = "/static/spm/favicon.svg"


class Faults(list[str]):
    """The faults seen on a page so far, each prefixed with the URL being visited
    (:attr:`at`, set by the caller before each navigation)."""

    at: str = ""


def watch(page: Any) -> Faults:
    """Listen on ``page`` for faults; the returned list grows as they happen."""
    faults = Faults()

    def on_console(message: Any) -> None:
        if message.type == "error":
            faults.append(f"{faults.at}: console: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            faults.append(
                f"{faults.at}: {response.status} {response.request.method} {response.url}"
                f" ({response.request.resource_type})"
            )

    def on_request_failed(request: Any) -> None:
        # Chromium asks for the icon after the load event; when the test moves on first,
        # that request is aborted by the next navigation, which is no fault of the page.
        # An icon the server cannot give still fails through on_response.
        if request.failure == "net::ERR_ABORTED" and request.url.endswith(ICON):
            return
        faults.append(f"{faults.at}: request failed: {request.url} {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: faults.append(f"{faults.at}: script error: {e}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    return faults

"""Screenshots of five main pages in English and 简体中文 at desktop and phone width.

Run against a running demo (``make demo`` in another terminal)::

    python scripts/screenshots.py [--base-url http://127.0.0.1:8000] [--out var/screenshots]

Each page is opened as the demo login who works on it, signed in through the real login
form, in a browser context whose language is English or Chinese, at 1366x768 and 390x844.
Files are named ``<page>-<language>-<width>.png`` (e.g. ``map-zh-390.png``); they are
for review and are not committed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

DEMO_PASSWORD = "spm-demo-2026!"  # noqa: S105 - the published password of the demo logins
# name -> (demo login, path)
PAGES = {
    "home": ("exec", "/"),
    "map": ("exec", "/strategy/map/"),
    "my-targets": ("employee", "/scorecards/my/"),
    "actuals": ("manager", "/scorecards/actuals/"),
    "directory": ("hr", "/org/people/"),
}
LANGUAGES = {"en": "en-US", "zh": "zh-CN"}
SIZES = ((1366, 768), (390, 844))
CHROMIUM = os.environ.get("SPM_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="var/screenshots", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    written = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for language, locale in LANGUAGES.items():
            for width, height in SIZES:
                for name, (login, path) in PAGES.items():
                    context = browser.new_context(
                        base_url=args.base_url,
                        locale=locale,
                        viewport={"width": width, "height": height},
                    )
                    page = context.new_page()
                    page.goto("/accounts/login/?next=" + path)
                    page.locator("#id_username").fill(login)
                    page.locator("#id_password").fill(DEMO_PASSWORD)
                    page.locator("form button[type=submit]").click()
                    page.wait_for_load_state("networkidle")
                    target = args.out / f"{name}-{language}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written += 1
                    print(target)
                    context.close()
        browser.close()
    print(f"{written} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

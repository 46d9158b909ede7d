"""The Chinese catalogues are complete: every string the code and templates mark for
translation has a real, non-fuzzy Chinese translation, and the compiled ``.mo`` files say
the same as the ``.po`` files they come from.

The first test regenerates the catalogues with ``makemessages`` in a copy of the source,
so a string added without a translation fails here even if nobody ran ``makemessages``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.conftest import need

ROOT = Path(settings.BASE_DIR)
LANGUAGE = "zh_Hans"
# The project-wide catalogue (org, strategy, scorecard, spm, templates) and each app's own.
CATALOGUES = sorted(ROOT.glob(f"locale/{LANGUAGE}/LC_MESSAGES/django.po")) + sorted(
    ROOT.glob(f"*/locale/{LANGUAGE}/LC_MESSAGES/django.po")
)
# What makemessages reads: apps, templates and the project package, not tests or tooling.
SOURCES = ("templates", *sorted(path.parent.name for path in ROOT.glob("*/apps.py")))
PLACEHOLDER = re.compile(r"%\(\w+\)0?\d*[sdr]|%[sdr%]|\{\w*\}")
CJK = re.compile(r"[\u3400-\u9fff]")


def problems(po: polib.POFile) -> list[str]:
    """Untranslated, fuzzy, placeholder-mismatched or plainly English entries."""
    found: list[str] = []
    if po.metadata_is_fuzzy:
        found.append("the header is marked fuzzy")
    for entry in po:
        if entry.obsolete:
            continue
        msgstrs = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        source = entry.msgid_plural or entry.msgid
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif not all(msgstrs):
            found.append(f"untranslated: {entry.msgid!r}")
        elif any(set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(source)) for s in msgstrs):
            found.append(f"placeholders differ: {entry.msgid!r}")
        elif CJK.search(entry.msgid + source) is None and any(
            s == entry.msgid and re.search(r"[a-z]{3}", s) for s in msgstrs
        ):
            found.append(f"copied, not translated: {entry.msgid!r}")
    return found


def test_there_is_a_project_catalogue() -> None:
    assert ROOT / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_entry_of_the_catalogue_is_translated(catalogue: Path) -> None:
    assert problems(polib.pofile(str(catalogue))) == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_matches_its_source(catalogue: Path) -> None:
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr_plural or entry.msgstr
        for entry in polib.mofile(str(catalogue.with_suffix(".mo")))
    }

    def translation(entry: polib.POEntry) -> object:
        if entry.msgid_plural:
            return {int(k): v for k, v in entry.msgstr_plural.items()}
        return entry.msgstr

    stale = [
        entry.msgid
        for entry in polib.pofile(str(catalogue)).translated_entries()
        if compiled.get((entry.msgctxt, entry.msgid)) != translation(entry)
    ]
    assert stale == [], "run `manage.py compilemessages` and commit the .mo file"


def test_no_string_of_the_code_or_templates_is_missing_from_the_catalogues(tmp_path: Path) -> None:
    need(shutil.which("xgettext") is not None, "GNU gettext (xgettext)")
    copy = tmp_path / "src"
    for name in (*SOURCES, "locale", "manage.py"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", LANGUAGE, "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    missing = {
        str(catalogue.relative_to(copy)): problems(polib.pofile(str(catalogue)))
        for catalogue in copy.glob(f"**/locale/{LANGUAGE}/LC_MESSAGES/django.po")
    }
    assert {name: found for name, found in missing.items() if found} == {}


def test_the_checker_sees_untranslated_fuzzy_and_copied_entries() -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Save", msgstr="保存"))
    po.append(polib.POEntry(msgid="Cancel", msgstr=""))
    po.append(polib.POEntry(msgid="Approve", msgstr="批准", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="Approved on %(when)s", msgstr="批准于"))
    po.append(polib.POEntry(msgid="Letters", msgstr="Letters"))
    assert problems(po) == [
        "untranslated: 'Cancel'",
        "fuzzy: 'Approve'",
        "placeholders differ: 'Approved on %(when)s'",
        "copied, not translated: 'Letters'",
    ]

"""Which text encoding an uploaded CSV file uses — decided, or asked, never guessed silently.

A short GBK file can also be valid UTF-8 ("叶片" in GBK reads as "ҶƬ" in UTF-8), so "it
decodes" proves nothing. The rule:

* a byte-order mark decides (Excel's "CSV UTF-8" writes one, so does our template);
* otherwise every encoding a user here plausibly saves (:data:`ENCODINGS`) that decodes the
  bytes strictly is a candidate, and charset-normalizer measures how garbled ("chaos") each
  decoded text is; when all candidates read the same (plain ASCII), or the least garbled one
  is clearly ahead (:data:`MARGIN`), that one is used;
* otherwise :class:`EncodingUncertain` carries a preview of the file as each candidate reads
  it, and the user picks (the import form's and the API's ``encoding``).
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Python codec name -> what a person recognises in a menu.
ENCODINGS = {
    "utf-8": gettext_lazy("UTF-8"),
    "gb18030": gettext_lazy("Chinese, simplified (GB18030 / GBK)"),
    "big5": gettext_lazy("Chinese, traditional (Big5)"),
}
MARGIN = 0.05  # how much less garbled the winner must read than the runner-up
PREVIEW_LINES = 5
PREVIEW_WIDTH = 80


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (format, encoding, header, size)."""


class EncodingUncertain(ImportFileError):
    """More than one encoding reads the file plausibly; ``candidates`` maps each to a
    preview (the first lines with non-ASCII text, as that encoding reads them)."""

    def __init__(self, candidates: dict[str, list[str]]) -> None:
        super().__init__(
            _(
                "It is not certain which text encoding the file uses. Compare the previews "
                "and choose the encoding in which the names read correctly."
            ),
            code="encoding_uncertain",
        )
        self.candidates = candidates


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _chaos(data: bytes, encoding: str) -> float:
    """How garbled ``data`` reads in ``encoding`` (0 = clean); 1 when the detector refuses it."""
    best = from_bytes(data, cp_isolation=[encoding]).best()
    return 1.0 if best is None else float(best.chaos)


def preview(text: str) -> list[str]:
    """The lines of ``text`` a person checks: those with non-ASCII characters, else the first."""
    lines = text.splitlines()
    chosen = [line for line in lines if not line.isascii()] or lines
    return [line[:PREVIEW_WIDTH] for line in chosen[:PREVIEW_LINES]]


def detect(data: bytes) -> str:
    """The encoding of ``data`` when it is certain (a key of :data:`ENCODINGS`).

    Raises :class:`ImportFileError` for bytes no candidate reads, and
    :class:`EncodingUncertain` when the choice is the user's to make.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    decoded = {name: text for name in ENCODINGS if (text := _strict(data, name)) is not None}
    if not decoded:
        raise ImportFileError(_("The file is neither UTF-8, GB18030 nor Big5 text."))
    if len(set(decoded.values())) == 1:
        return next(iter(decoded))
    chaos = {name: _chaos(data, name) for name in decoded}
    ranked = sorted(decoded, key=chaos.__getitem__)
    if chaos[ranked[0]] + MARGIN <= chaos[ranked[1]]:
        return ranked[0]
    plausible = [name for name in ranked if chaos[name] < 1.0] or ranked
    raise EncodingUncertain({name: preview(decoded[name]) for name in plausible})


def decode(data: bytes, encoding: str | None = None) -> str:
    """The text of ``data`` in the chosen ``encoding``, or in the one :func:`detect` finds."""
    name = encoding or detect(data)
    if name not in ENCODINGS:
        raise ImportFileError(_("Unknown text encoding “%(name)s”.") % {"name": name})
    text = _strict(data.removeprefix(codecs.BOM_UTF8) if name == "utf-8" else data, name)
    if text is None:
        raise ImportFileError(_("The file is not %(name)s text.") % {"name": ENCODINGS[name]})
    return text

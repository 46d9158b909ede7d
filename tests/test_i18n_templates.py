"""Every word a template shows goes through the translation tags.

The template lexer splits each template into text and tags; what is left of the text
once markup, entities and punctuation are removed must be empty, and so must the
human-readable attributes (``title``, ``aria-label``, ``placeholder``, ``alt``). A new
English word typed straight into a template fails here, before a Chinese reader sees it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
# Words that read the same in every language: the product's short name, file formats and
# "v" of a version number (v3), which Chinese software writes the same way.
UNTRANSLATED_WORDS = {"SPM", "API", "PDF", "CSV", "XLSX", "KPI", "v"}
COMMENT = re.compile(r"<!--.*?-->", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]*>", re.S)
READABLE_ATTRIBUTE = re.compile(
    r"""\b(?:title|aria-label|placeholder|alt|aria-description)\s*=\s*(["'])(.*?)\1""", re.S
)
ENTITY = re.compile(r"&[#a-zA-Z0-9]+;")
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")


def _text_of(template: Path) -> str:
    """The template's literal text: tags, variables, comments and the insides of
    ``{% blocktranslate %}`` (which the catalogue carries) replaced by a space."""
    source = template.read_text(encoding="utf-8")
    parts: list[str] = []
    translated = False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in {"blocktrans", "blocktranslate"}:
                translated = True
            elif name in {"endblocktrans", "endblocktranslate"}:
                translated = False
        literal = token.token_type == TokenType.TEXT and not translated
        parts.append(token.contents if literal else " ")
    return " ".join(parts)


def untranslated_words(template: Path) -> list[str]:
    text = _text_of(template)
    found: list[str] = []
    for _quote, value in READABLE_ATTRIBUTE.findall(text):
        found += WORD.findall(ENTITY.sub(" ", value))
    text = SCRIPT_OR_STYLE.sub(" ", COMMENT.sub(" ", text))
    text = ENTITY.sub(" ", TAG.sub(" ", text))
    found += WORD.findall(text)
    return [word for word in found if word not in UNTRANSLATED_WORDS]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_template_shows_no_word_outside_the_translation_tags(template: Path) -> None:
    assert untranslated_words(template) == []


def test_the_checker_finds_english_typed_into_a_template(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<h1>{% trans "Fine" %}</h1><p title="Hover text">Approved on</p>'
        "<button aria-label=\"{% trans 'Close' %}\">{{ x }}</button>",
        encoding="utf-8",
    )
    assert untranslated_words(page) == ["Hover", "text", "Approved", "on"]

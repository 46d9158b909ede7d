"""Select and input widgets written in one pass, for forms with hundreds of them.

Django renders each ``<option>`` (and each ``<input>``) through its own template
(``select_option.html``/``input.html`` with the ``attrs.html`` include): at ~760 org units
that is ~35 ms of Python per select, or ~100 ms for the what-if's pool inputs. These write the
same markup — the same ``name``, attributes, ``value``s, ``selected`` marks and labels, escaped
the same way — as one string join. Only the rendering changes: the choices, what a form
accepts and its error messages stay those of the field.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from html import escape
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe


def _esc(value: Any) -> str:
    """``conditional_escape`` without its lazy-string wrapper (~2 µs a call, thousands of
    calls a page): safe text as it is, anything else escaped as ``django.utils.html.escape``
    does."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return escape(str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """What ``django/forms/widgets/attrs.html`` writes: ``name="value"`` pairs, a bare name
    for ``True``, nothing for ``False``."""
    return "".join(
        f" {_esc(key)}" if value is True else f' {_esc(key)}="{_esc(value)}"'
        for key, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """``forms.Select`` rendered in one pass (flat choices; groups fall back to Django)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        chosen = set(self.format_value(value))
        parts = [f'<select name="{_esc(name)}"{_attrs(final)}>']
        multiple = self.allow_multiple_selected
        found = False
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                # an optgroup: keep Django's rendering, which knows them
                return super().render(name, value, attrs, renderer)
            text = "" if option_value is None else str(option_value)
            selected = text in chosen and (multiple or not found)
            found = found or selected
            parts.append(
                f'<option value="{_esc(text)}"'
                f"{' selected' if selected else ''}>{_esc(str(label))}</option>"
            )
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    """``forms.SelectMultiple`` rendered in one pass."""

    allow_multiple_selected = True


class QuickInputMixin:
    """An ``<input>`` written as one string: what ``django/forms/widgets/input.html`` writes
    (type, name, the value when there is one, the attributes)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        own: dict[str, Any] = self.attrs  # type: ignore[attr-defined]
        extra = attrs or {}
        if own.keys() & extra.keys():
            written = _attrs(self.build_attrs(own, extra))  # type: ignore[attr-defined]
        else:
            # the widget's own attributes come first (``build_attrs``), written once for
            # the hundreds of inputs that share them
            written = _own_attrs(own) + _attrs(extra)
        kind = self.input_type  # type: ignore[attr-defined]
        shown = self.format_value(value)  # type: ignore[attr-defined]
        value_attr = "" if shown is None else f' value="{_esc(str(shown))}"'
        return mark_safe(  # noqa: S308 - the name, value and attributes are escaped
            f'<input type="{_esc(kind)}" name="{_esc(name)}"{value_attr}{written}>'
        )


_PLAIN = (str, int, bool, float, Decimal)


def _own_attrs(attrs: dict[str, Any]) -> str:
    """``_attrs`` of a widget's own attributes, remembered by their content when every
    value is plain (a lazy translation is written each time, in the reader's language)."""
    if all(type(v) in _PLAIN for v in attrs.values()):
        return _attrs_of(tuple(attrs.items()))
    return _attrs(attrs)


@lru_cache(maxsize=256)
def _attrs_of(items: tuple[tuple[str, Any], ...]) -> str:
    return _attrs(dict(items))


class QuickNumberInput(QuickInputMixin, forms.NumberInput):
    """``forms.NumberInput`` written in one pass (``bootstrap`` may make it type "text")."""


class QuickHiddenInput(QuickInputMixin, forms.HiddenInput):
    """``forms.HiddenInput`` written in one pass."""

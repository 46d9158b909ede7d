"""Select and input widgets written in one pass, for forms with hundreds of them.

Django renders each ``<option>`` (and each ``<input>``) through its own template
(``select_option.html``/``input.html`` with the ``attrs.html`` include): at ~760 org units
that is ~35 ms of Python per select, or ~100 ms for the what-if's pool inputs. These write the
same markup — the same ``name``, attributes, ``value``s, ``selected`` marks and labels, escaped
the same way — as one string join. Only the rendering changes: the choices, what a form
accepts and its error messages stay those of the field.
"""

from __future__ import annotations

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
        final = self.build_attrs(self.attrs, attrs)  # type: ignore[attr-defined]
        kind = self.input_type  # type: ignore[attr-defined]
        shown = self.format_value(value)  # type: ignore[attr-defined]
        value_attr = "" if shown is None else f' value="{_esc(str(shown))}"'
        return mark_safe(  # noqa: S308 - the name, value and attributes are escaped
            f'<input type="{_esc(kind)}" name="{_esc(name)}"{value_attr}{_attrs(final)}>'
        )


class QuickNumberInput(QuickInputMixin, forms.NumberInput):
    """``forms.NumberInput`` written in one pass (``bootstrap`` may make it type "text")."""


class QuickHiddenInput(QuickInputMixin, forms.HiddenInput):
    """``forms.HiddenInput`` written in one pass."""

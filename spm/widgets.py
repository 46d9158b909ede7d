"""Select and input widgets written in one pass, for forms with hundreds of them.

Django renders each ``<option>`` (and each ``<input>``) through its own template
(``select_option.html``/``input.html`` with the ``attrs.html`` include): at ~760 org units
that is ~35 ms of Python per select, or ~100 ms for the what-if's pool inputs. These write the
same markup — the same ``name``, attributes, ``value``s, ``selected`` marks and labels, escaped
the same way — as one string join. Only the rendering changes: the choices, what a form
accepts and its error messages stay those of the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    """``forms.Select`` rendered in one pass (flat choices; groups fall back to Django)."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        chosen = set(self.format_value(value))
        parts = [f'<select name="{conditional_escape(name)}"{flatatt(final)}>']
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
                f'<option value="{conditional_escape(text)}"'
                f"{' selected' if selected else ''}>{conditional_escape(str(label))}</option>"
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
        value_attr = "" if shown is None else f' value="{conditional_escape(str(shown))}"'
        return mark_safe(  # noqa: S308 - the name, value and attributes are escaped
            f'<input type="{conditional_escape(kind)}" '
            f'name="{conditional_escape(name)}"{value_attr}{flatatt(final)}>'
        )


class QuickNumberInput(QuickInputMixin, forms.NumberInput):
    """``forms.NumberInput`` written in one pass (``bootstrap`` may make it type "text")."""


class QuickHiddenInput(QuickInputMixin, forms.HiddenInput):
    """``forms.HiddenInput`` written in one pass."""

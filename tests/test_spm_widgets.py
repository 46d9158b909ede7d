"""The one-pass widgets (spm.widgets) write the markup Django's widgets write — the same
attributes, values, selected marks and escaped labels — and the cycle form's unit fields and
the what-if's pool fields use them with unchanged validation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from assessment.forms import CycleForm
from incentives.forms import WhatIfForm
from incentives.models import BonusScheme, UnitPool
from spm.widgets import QuickHiddenInput, QuickNumberInput, QuickSelect, QuickSelectMultiple

CHOICES = [
    ("", "---------"),
    (1, "Group"),
    (2, "R&D <east>"),
    ('x"y', "Quote's"),
    (None, "none"),
    (3, mark_safe("<b>safe</b>")),
]


def both(quick: type[forms.Select], plain: type[forms.Select], value: Any, **attrs: Any) -> None:
    rendered = [
        widget(attrs={"class": "form-select"}, choices=CHOICES).render("unit", value, attrs)
        for widget in (quick, plain)
    ]
    assert parse_html(rendered[0]) == parse_html(rendered[1])


@pytest.mark.parametrize("value", [None, "", 1, "2", 'x"y', 99])
def test_a_single_select_writes_what_django_writes(value: Any) -> None:
    both(QuickSelect, forms.Select, value, id="id_unit", required=True, disabled=False, x=None)


@pytest.mark.parametrize("value", [None, [], [1], ["1", "2"], [2, 'x"y', 99]])
def test_a_multiple_select_writes_what_django_writes(value: Any) -> None:
    both(
        QuickSelectMultiple, forms.SelectMultiple, value, id="id_units", **{"aria-invalid": "true"}
    )


def test_labels_and_values_are_escaped() -> None:
    html = QuickSelect(choices=CHOICES).render("unit", 2)
    assert "R&amp;D &lt;east&gt;" in html and 'value="x&quot;y"' in html
    assert '<option value="2" selected>' in html and "<east>" not in html


def test_only_the_first_match_is_selected_in_a_single_select() -> None:
    html = QuickSelect(choices=[(1, "a"), ("1", "b")]).render("unit", 1)
    assert html.count(" selected") == 1


def test_option_groups_fall_back_to_django() -> None:
    grouped = [("Top", [(1, "Group")]), (2, "Headquarters")]
    rendered = [w(choices=grouped).render("unit", 1) for w in (QuickSelect, forms.Select)]
    assert parse_html(rendered[0]) == parse_html(rendered[1])
    assert "<optgroup" in rendered[0]


@pytest.mark.django_db
def test_the_cycle_form_keeps_its_choices_and_its_validation(cast: Any) -> None:
    form = CycleForm(
        {"owner_unit": str(cast.site.pk), "root_units": [str(cast.group.pk), "999999"]},
        user=cast.hr.user,
    )
    assert not form.is_valid()
    # the site team is at depth 3: not a choice, whichever widget shows the list
    assert "owner_unit" in form.errors and "root_units" in form.errors
    html = str(form["root_units"])
    assert f'<option value="{cast.group.pk}" selected>Group</option>' in html
    assert f'value="{cast.site.pk}"' not in html
    assert 'aria-invalid="true"' in html and "is-invalid" in html


@pytest.mark.parametrize("value", [None, "", 0, Decimal("12.50"), "1e3", '"><b>x'])
@pytest.mark.parametrize(
    ("quick", "plain"),
    [(QuickNumberInput, forms.NumberInput), (QuickHiddenInput, forms.HiddenInput)],
)
def test_an_input_writes_what_django_writes(
    quick: type[forms.Widget], plain: type[forms.Widget], value: Any
) -> None:
    rendered = [
        widget(attrs={"class": "form-control", "step": "0.01", "min": 0}).render(
            "pool_7", value, {"id": "id_pool_7", "data-x": mark_safe("&amp;"), "disabled": False}
        )
        for widget in (quick, plain)
    ]
    assert parse_html(rendered[0]) == parse_html(rendered[1])
    assert "<b>" not in rendered[0]


def test_an_input_whose_own_attributes_change_or_are_overridden_writes_them_anew() -> None:
    """The widget's own attributes are written once and remembered by their content: a
    change to them (a field marked invalid), an attribute given again at render, a lazy
    translation, all write what Django writes."""
    from django.utils.translation import gettext_lazy, override

    quick, plain = (
        QuickNumberInput(attrs={"class": "form-control"}),
        forms.NumberInput(attrs={"class": "form-control"}),
    )
    steps = [
        lambda w: None,
        lambda w: w.attrs.update({"class": "form-control is-invalid", "aria-invalid": "true"}),
        lambda w: w.attrs.update({"placeholder": gettext_lazy("Name")}),
    ]
    for step in steps:
        for widget in (quick, plain):
            step(widget)
        for extra in ({"id": "id_a"}, {"id": "id_b", "class": "other"}):
            for language in ("en", "zh-hans"):
                with override(language):
                    got, want = (w.render("a", "1.5", extra) for w in (quick, plain))
                assert parse_html(got) == parse_html(want), (extra, language)


@pytest.mark.django_db
def test_the_whatif_pool_fields_keep_their_checks(cast: Any) -> None:
    scheme = BonusScheme(name="Default", version=0)
    units = [cast.group, cast.hq]
    form = WhatIfForm({f"pool_{cast.group.pk}": "-5", f"pool_{cast.hq.pk}": "abc"},
                      scheme=scheme, units=units)  # fmt: skip
    assert not form.is_valid()
    assert {f"pool_{cast.group.pk}", f"pool_{cast.hq.pk}"} <= set(form.errors)
    field = form[f"pool_{cast.hq.pk}"]
    html = str(field)
    assert 'value="abc"' in html and 'type="text"' in html and "is-invalid" in html
    assert f'type="hidden" name="pool_{cast.hq.pk}" value="abc"' in field.as_hidden()


POOL_TEMPLATE = (
    '{% for unit, field in pool_fields %}<div class="col-md-4"><label class="form-label" '
    'for="{{ field.id_for_label }}">{{ unit.name }}</label>{{ field }}{% if field.errors %}'
    '<div class="invalid-feedback d-block" id="{{ field.auto_id }}-errors">'
    '{{ field.errors|join:" " }}</div>{% endif %}</div>{% endfor %}'
)


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["new", "typed", "wrong"])
def test_the_whatif_pool_inputs_in_one_pass_are_the_per_field_markup(cast: Any, state: str) -> None:
    """Labels tied to their inputs, the values given or typed kept, the errors on the right
    input (``aria-invalid``, described by its message): as the template wrote them field by
    field."""
    from django.template import engines

    cast.hq.name = "HQ & <co>"
    scheme = BonusScheme.objects.create(name="Default", version=1)
    UnitPool.objects.create(scheme=scheme, unit=cast.group, amount=Decimal("1234.50"))
    units = [cast.group, cast.hq, cast.finance]
    data = {
        "new": None,
        "typed": {f"pool_{cast.hq.pk}": "77.25", f"pool_{cast.finance.pk}": ""},
        "wrong": {f"pool_{cast.hq.pk}": "abc", f"pool_{cast.group.pk}": "5"},
    }[state]
    form = WhatIfForm(data, scheme=scheme, units=units)
    if data is not None:
        form.is_valid()
    fast = str(form.pool_inputs())
    pool_fields = [(u, form[f"pool_{u.pk}"]) for u in units]
    slow = engines["django"].from_string(POOL_TEMPLATE).render({"pool_fields": pool_fields})
    assert parse_html(fast) == parse_html(slow)
    assert "HQ &amp; &lt;co&gt;" in fast
    if state == "new":
        assert 'value="1234.50"' in fast
    if state == "typed":
        assert 'value="77.25"' in fast
    if state == "wrong":
        assert 'value="abc"' in fast and 'aria-invalid="true"' in fast
        assert f'id="id_pool_{cast.hq.pk}-errors"' in fast and 'value="5"' in fast


@pytest.mark.django_db
def test_the_cycle_form_lists_what_its_querysets_hold(cast: Any) -> None:
    cast.finance.name = "Finance & <audit>"
    cast.finance.save()
    form = CycleForm(user=cast.hr.user)
    for name, plain in (("owner_unit", forms.Select), ("root_units", forms.SelectMultiple)):
        field = form.fields[name]
        walked = type(field)(queryset=field.queryset, widget=plain)  # type: ignore[attr-defined,call-arg]
        expected = walked.widget.render(name, None, {"id": f"id_{name}", "class": "form-select"})
        assert parse_html(str(form[name])) == parse_html(expected.replace(">", " required>", 1))
    assert "Finance &amp; &lt;audit&gt;" in str(form["owner_unit"])

"""The unit filter's options are rendered in one pass: indented, escaped, the chosen one
selected — as the template loop they replace rendered them."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse

from org.models import OrgUnit
from org.templatetags.org_tags import unit_options


def unit(pk: int, depth: int, name: str) -> SimpleNamespace:
    return SimpleNamespace(pk=pk, depth=depth, name=name)


def test_options_are_indented_by_depth_and_the_chosen_unit_is_selected() -> None:
    units = [unit(1, 0, "Group"), unit(2, 1, "Plant"), unit(3, 2, "Team")]
    html = unit_options(units, units[1])
    assert html == (
        '<option value="1">Group</option>'
        '<option value="2" selected>· Plant</option>'
        '<option value="3">· · Team</option>'
    )


def test_a_primary_key_selects_too_and_nothing_selects_nothing() -> None:
    units = [unit(1, 0, "Group"), unit(2, 1, "Plant")]
    assert 'value="2" selected' in unit_options(units, 2)
    assert "selected" not in unit_options(units, None)


def test_the_query_strings_text_of_a_primary_key_selects_its_unit() -> None:
    units = [unit(1, 0, "Group"), unit(12, 1, "Plant")]
    assert unit_options(units, "12") == (
        '<option value="1">Group</option><option value="12" selected>· Plant</option>'
    )
    assert "selected" not in unit_options(units, "")


def test_unit_names_are_escaped() -> None:
    html = unit_options([unit(1, 0, '<script>alert("x")</script>')])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_tag_renders_in_a_template() -> None:
    template = Template("{% load org_tags %}<select>{% unit_options units chosen %}</select>")
    html = template.render(Context({"units": [unit(7, 0, "A & B")], "chosen": 7}))
    assert html == '<select><option value="7" selected>A &amp; B</option></select>'


@pytest.mark.django_db
def test_a_queryset_renders_as_its_units_do(cast: Any) -> None:
    units = OrgUnit.objects.order_by("path")
    html = unit_options(units, cast.engineering)
    assert html == unit_options(list(units), cast.engineering)
    assert f'value="{cast.engineering.pk}" selected' in html


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["lightup-board", "actual-approvals"])
def test_the_unit_filters_of_the_board_and_the_approvals_select_the_filtered_unit(
    cast: Any, page: str
) -> None:
    response = cast.client("hr").get(reverse(page), {"unit": cast.engineering.pk})
    content = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{cast.engineering.pk}" selected>· · Engineering</option>' in content
    assert f'<option value="{cast.finance.pk}">· · Finance</option>' in content


def test_a_kept_list_serves_the_same_rows_again_with_their_own_selection() -> None:
    units = [unit(1, 0, "Group"), unit(2, 1, "Plant"), unit(21, 2, "Team")]
    first = unit_options(units, 2)
    assert unit_options(units, 21) == (
        '<option value="1">Group</option><option value="2">· Plant</option>'
        '<option value="21" selected>· · Team</option>'
    )
    assert unit_options(units, 2) == first
    assert "selected" not in unit_options(units, '2">x')
    assert "selected" not in unit_options(units, "02")


def test_a_renamed_unit_is_never_shown_by_its_old_name() -> None:
    units = [unit(1, 0, "Group"), unit(2, 1, "Plant")]
    assert "Plant" in unit_options(units)
    units[1] = unit(2, 1, "Works & <co>")
    html = unit_options(units)
    assert "Plant" not in html
    assert "· Works &amp; &lt;co&gt;</option>" in html

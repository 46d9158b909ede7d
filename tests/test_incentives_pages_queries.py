"""The bonus pages and endpoints answer in a constant number of queries at two sizes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incentives.models import Payout
from tests.conftest import Cast
from tests.test_incentives_pages import computed
from tests.test_incentives_queries import add_payouts

PAGES = [
    ("hr", "/incentives/"),
    ("employee", "/incentives/"),
    ("hr", "/incentives/cycles/{cycle}/"),
    ("manager", "/incentives/cycles/{cycle}/"),
    ("hr", "/incentives/cycles/{cycle}/export.csv"),
    ("hr", "/incentives/cycles/{cycle}/export.xlsx"),
    (
        "hr",
        "/incentives/cycles/{cycle}/what-if/?preview=1&excellent=1.5&good=1.2&qualified=1"
        "&basic=0.8&unqualified=0&unit_excellent=1.2&unit_good=1.1&unit_qualified=1"
        "&unit_basic=0.9&unit_unqualified=0.5",
    ),
    ("hr", "/api/v1/payout-summary/?cycle={cycle}"),
    ("hr", "/api/v1/bonus-schemes/"),
    ("employee", "/"),
]


@pytest.mark.parametrize(("role", "path"), PAGES)
def test_bonus_page_query_count_does_not_grow(
    cast: Cast, django_assert_num_queries: Any, role: str, path: str
) -> None:
    world = computed(cast, publish=role == "employee")
    model = Payout.objects.get(result=world.results["employee"])
    client = cast.client(role)
    url = path.format(cycle=world.cycle.pk)
    client.get(url)  # warm the session and scope caches
    add_payouts(cast, model, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_payouts(cast, model, 6)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200

"""The bonus pages and endpoints answer in a constant number of queries at two sizes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from incentives.models import Payout
from incentives.tasks import WHATIF_KIND
from spm.models import Job
from tests.conftest import Cast
from tests.incentives_world import TERMS
from tests.test_incentives_pages import computed
from tests.test_incentives_queries import add_payouts

PAGES = [
    ("hr", "/incentives/"),
    ("employee", "/incentives/"),
    ("hr", "/incentives/cycles/{cycle}/"),
    ("manager", "/incentives/cycles/{cycle}/"),
    ("hr", "/incentives/cycles/{cycle}/export.csv"),
    ("hr", "/incentives/cycles/{cycle}/export.xlsx"),
    ("hr", "/incentives/cycles/{cycle}/what-if/"),
    ("hr", "/incentives/cycles/{cycle}/what-if/?job={job}"),
    ("hr", "/api/v1/what-if-jobs/{job}/"),
    ("hr", "/api/v1/payout-summary/?cycle={cycle}"),
    ("hr", "/api/v1/payout-summary/units/?cycle={cycle}"),
    ("manager", "/api/v1/payout-summary/units/?cycle={cycle}"),
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

    def url() -> str:
        # a what-if job is run anew for each size: it holds the payouts there are then
        job = whatif_done(client, world.cycle.pk) if "{job}" in path else None
        return path.format(cycle=world.cycle.pk, job=job)

    client.get(url())  # warm the session and scope caches
    add_payouts(cast, model, 1)
    small_url = url()
    with CaptureQueriesContext(connection) as small:
        assert client.get(small_url).status_code == 200
    count = len(small.captured_queries)  # now: running the next job resets the log
    add_payouts(cast, model, 6)
    large_url = url()
    with django_assert_num_queries(count):
        assert client.get(large_url).status_code == 200


def whatif_done(client: Any, cycle: int) -> int:
    """A what-if preview run to its end (in-process, on commit): the job's id."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/incentives/cycles/{cycle}/what-if/", {**TERMS, "preview": "1"})
    return int(Job.objects.filter(kind=WHATIF_KIND).latest("pk").pk)

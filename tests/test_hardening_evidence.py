"""Issue 8, finding 12 (evidence): a file uploaded through the API passes the checks the
page makes (kind, size), and the file it replaces leaves the storage."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from scorecard.models import ItemKind, MonthlyActual, ScorecardItem, ScorecardStatus
from scorecard.services.actuals import MAX_EVIDENCE_BYTES
from tests.conftest import Cast
from tests.factories_tracking import unit_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(cast: Cast) -> ScorecardItem:
    card = unit_scorecard(cast.engineering, status=ScorecardStatus.SIGNED)
    return card.items.filter(kind=ItemKind.QUANTITATIVE).get()


def _enter(client: Client, item: ScorecardItem, evidence: Any) -> Any:
    body = {"item": item.pk, "month": 1, "value": "5", "evidence": evidence}
    return client.post("/api/v1/actuals/", body)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("page.html", b"<script>alert(1)</script>", "text/html"),
        SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * MAX_EVIDENCE_BYTES, "application/pdf"),
        SimpleUploadedFile("no-extension", b"x"),
    ],
    ids=["html", "over 10 MB", "no extension"],
)
def test_the_api_refuses_evidence_the_page_refuses(
    cast: Cast, item: ScorecardItem, upload: SimpleUploadedFile
) -> None:
    response = _enter(cast.client("manager"), item, upload)
    assert response.status_code == 400, response.content
    assert "evidence" in response.json()["fields"]
    assert not MonthlyActual.objects.exists()


def test_replaced_evidence_leaves_the_storage(
    cast: Cast, item: ScorecardItem, django_capture_on_commit_callbacks: Any
) -> None:
    client = cast.client("manager")
    with django_capture_on_commit_callbacks(execute=True):
        first = _enter(client, item, SimpleUploadedFile("a.pdf", b"%PDF first"))
    assert first.status_code == 201, first.content
    actual = MonthlyActual.objects.get()
    old = actual.evidence.name
    assert default_storage.exists(old)
    body = {"version": actual.version, "evidence": SimpleUploadedFile("b.pdf", b"%PDF second")}
    with django_capture_on_commit_callbacks(execute=True):
        second = client.patch(
            f"/api/v1/actuals/{actual.pk}/",
            encode_multipart(BOUNDARY, body),
            content_type=MULTIPART_CONTENT,
        )
    assert second.status_code == 200, second.content
    actual.refresh_from_db()
    assert actual.evidence.name != old and default_storage.exists(actual.evidence.name)
    assert not default_storage.exists(old)

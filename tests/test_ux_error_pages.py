"""The icon is served, the error page needs no script, and the development error page is
not broken by the content security policy."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from spm.debug import DebugErrorPageMiddleware


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
def test_favicon_ico_leads_to_a_served_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_every_page_names_its_icon(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "spm/favicon.svg" in page


@pytest.mark.django_db
def test_the_500_page_is_branded_translated_and_has_no_script(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    page = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 500
    html = page.content.decode()
    assert "<script" not in html and " on" + "click" not in html
    assert "出错" in html
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_under_debug_the_technical_page_is_exempt_from_the_policy(settings: Any) -> None:
    settings.DEBUG = True
    middleware = DebugErrorPageMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/boom/")
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        response = middleware.process_exception(request, exc)
    assert response is not None and response.status_code == 500
    assert response._csp_exempt is True  # type: ignore[attr-defined]


def test_without_debug_the_middleware_leaves_errors_to_django(settings: Any) -> None:
    settings.DEBUG = False
    middleware = DebugErrorPageMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(RequestFactory().get("/"), RuntimeError()) is None

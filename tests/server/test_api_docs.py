"""/docs: Swagger UI from this service (swagger-ui-dist, copied by server/assets.py), no CDN.

Rendering in a browser (offline) is tests/browser/test_api_docs.py.
"""

from __future__ import annotations

import re

import httpx
import pytest

from server import assets
from server.ui import STATIC


def test_docs_page_names_only_this_server(client: httpx.Client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    urls = re.findall(r'(?:src|href|data-openapi)="([^"]+)"', response.text)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in urls
    assert "/openapi.json" in urls
    assert "/static/ui/api-docs.css" in urls  # the contrast overrides, after Swagger UI's
    for url in urls:
        assert url.startswith(("/", "data:", "#")), url  # `#main`: the layout's skip link
    assert "<script>" not in response.text  # no inline script: the usual policy holds
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]


def test_docs_in_english(client: httpx.Client) -> None:
    page = client.get("/docs", params={"lang": "en"}).text
    assert '<html lang="en">' in page and "API documentation" in page


SWAGGER = sorted(t for t in assets.ASSETS if t.startswith("swagger-ui/"))


def test_swagger_ui_assets_listed() -> None:
    assert len(SWAGGER) == 5


@pytest.mark.parametrize("target", SWAGGER)
def test_swagger_ui_served(client: httpx.Client, target: str) -> None:
    path = STATIC / "vendor" / target
    if not path.is_file():
        pytest.fail(f"{target} is missing: run `make deps-js` (npm ci + python -m server.assets)")
    response = client.get(f"/static/vendor/{target}")
    assert response.status_code == 200
    assert response.content == path.read_bytes()


def test_cdn_pages_are_off(client: httpx.Client) -> None:
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404
    assert client.get("/openapi.json").json()["paths"]

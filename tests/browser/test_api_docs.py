"""/docs in Debian's Chromium, offline: Swagger UI from this server renders every operation.

The `page` fixture fails the test on any request that is not to 127.0.0.1 (the browser has
no network anyway), so a CDN reference, the validator badge or a font from elsewhere would
show here.
"""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.conftest import Process

pytestmark = pytest.mark.browser

TIMEOUT = 30_000  # ms


def test_docs_render_every_operation_offline(page: Page, curated_server: Process) -> None:
    spec = httpx.get(f"{curated_server.url}/openapi.json").json()
    operations = [
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "head", "post", "put", "delete", "patch", "options")
    ]
    assert len(operations) > 20
    problems: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", note)
    page.goto(f"{curated_server.url}/docs?lang=en")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        spec["info"]["title"], timeout=TIMEOUT
    )
    blocks = page.locator(".opblock")
    expect(blocks).to_have_count(len(operations), timeout=TIMEOUT)
    shown = {
        (
            blocks.nth(i).locator(".opblock-summary-method").inner_text().strip().upper(),
            blocks.nth(i).locator(".opblock-summary-path").get_attribute("data-path"),
        )
        for i in range(len(operations))
    }
    assert shown == set(operations)
    # an operation opens with its parameters (the SPARQL endpoint's format parameters)
    # (found by method and path: operationIds are not what this test is about)
    sparql_get = page.locator(".opblock.opblock-get").filter(
        has=page.locator('.opblock-summary-path[data-path="/sparql"]')
    )
    sparql_get.locator(".opblock-summary").click()
    expect(sparql_get.locator("table.parameters")).to_contain_text(
        "default-graph-uri", timeout=TIMEOUT
    )
    expect(sparql_get.locator("table.parameters")).to_contain_text("output")
    assert not problems, problems

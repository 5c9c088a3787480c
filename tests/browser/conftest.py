"""Browser fixtures: Debian's Chromium driven by Playwright, against a real server.

`chromium` is the system browser (`apt-get install chromium`, done by `make test`);
Playwright never downloads a browser. `curated_server` runs the service on the real
curated sources (built once per session) on 127.0.0.1.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import ROOT, Process

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is not installed: run `make deps-system`")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="da-DK")
    # Nothing but 127.0.0.1: any other request fails the test.
    outside: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    yield tab
    context.close()
    assert not outside, f"the page tried to reach outside addresses: {outside}"


@pytest.fixture(scope="session")
def curated_server(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> Process:
    """The service on the real curated sources (ontology/, data/ttl/, queries/)."""
    data_dir: Path = tmp_path_factory.mktemp("curated-store")
    return live_server({"data_dir": str(data_dir), "query_timeout": 10.0, "workers": 2}, 300)


#: axe-core, installed from npm (package.json) by `make deps-js`
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: the window sizes every page kind is checked at
WIDTHS = {"desktop": (1366, 900), "phone": (375, 740)}


@cache
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make deps-js` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def axe_findings(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core findings on the page as it is now (WCAG 2.1 A and AA)."""
    page.evaluate(axe_source())
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
            resultTypes: ['violations'] });
          return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
        }"""
    )
    return [f for f in result if f["impact"] in ("serious", "critical")]

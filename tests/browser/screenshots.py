"""Screenshots of the portal for docs/screenshots/ (run by hand, not a test):

    .venv/bin/python -m tests.browser.screenshots [URL]

Without URL it starts the service on the curated sources on a free 127.0.0.1 port (as the
browser tests do) and stops it afterwards. Debian's Chromium, driven by Playwright.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_FLAGS, chromium_path
from tests.conftest import ROOT, free_port

OUT = ROOT / "docs" / "screenshots"
NETWORK = "/id/partnership/netvaerk-for-privat-offentlige-bysamarbejder"
#: file name -> (path, language, viewport width, full page)
SHOTS = {
    "home.png": ("/", "da", 1366, True),
    "home-en-phone.png": ("/", "en", 390, False),
    "resource.png": ("/id/municipality/varde", "da", 1366, False),
    "browse.png": ("/browse/pob:Area?region=region/hovedstaden", "en", 1366, False),
    "search.png": ("/search?q=bid", "da", 1366, False),
    "catalog-dataset.png": ("/catalog/dataset/curated", "da", 1366, False),
    "shapes.png": ("/shapes", "en", 1366, False),
}
#: file name -> (path, language, viewport width, element): one part of a page
PARTS = {
    "neighbourhood.png": (NETWORK, "en", 1366, "#neighbourhood"),
    "neighbourhood-phone.png": (NETWORK, "da", 390, "#neighbourhood"),
}


def take(url: str) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        for name, (path, lang, width, full) in SHOTS.items():
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{url}{path}{'&' if '?' in path else '?'}lang={lang}")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)  # the map and charts draw after their data
            page.screenshot(path=str(OUT / name), full_page=full)
            written.append(OUT / name)
            page.close()
        for name, (path, lang, width, selector) in PARTS.items():
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{url}{path}?lang={lang}")
            page.wait_for_load_state("networkidle")
            page.locator(selector).screenshot(path=str(OUT / name))
            written.append(OUT / name)
            page.close()
        browser.close()
    return written


def main() -> int:
    if len(sys.argv) > 1:
        for path in take(sys.argv[1].rstrip("/")):
            print(path.relative_to(ROOT))
        return 0
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        settings = {
            "data_dir": f"{folder}/data",
            "dumps_dir": f"{folder}/dumps",
            "host": "127.0.0.1",
            "port": port,
            "workers": 2,
        }
        server = subprocess.Popen([sys.executable, "-m", "tests.serve", json.dumps(settings)])
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(url + "/sparql?query=ASK%7B%7D", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(1)
            for path in take(url):
                print(path.relative_to(ROOT))
        finally:
            server.terminate()
            server.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

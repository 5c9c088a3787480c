"""Copy the front-end libraries from `node_modules/` to `server/static/vendor/`.

The app serves them itself (never from a CDN). `make run` and `make test` call
``python -m server.assets`` after ``npm ci``. The copy is skipped for files that are current.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from pob.graph.sources import ROOT

NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "server" / "static" / "vendor"

#: target file name under vendor/ -> file under node_modules/
ASSETS: dict[str, str] = {
    "yasgui/yasgui.min.js": "@triply/yasgui/build/yasgui.min.js",
    "yasgui/yasgui.min.css": "@triply/yasgui/build/yasgui.min.css",
    "yasgui/LICENSE.txt": "@triply/yasgui/build/yasgui.min.js.LICENSE.txt",
    "cytoscape/cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "cytoscape/LICENSE": "cytoscape/LICENSE",
    # /docs (server/routes/api_docs.py)
    "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "swagger-ui/LICENSE": "swagger-ui-dist/LICENSE",
    "swagger-ui/NOTICE": "swagger-ui-dist/NOTICE",
    "swagger-ui/bundle.LICENSE.txt": "swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt",
}


class AssetError(RuntimeError):
    """A front-end library that `npm ci` did not install."""


def install(vendor: Path = VENDOR, node_modules: Path = NODE_MODULES) -> list[Path]:
    """Copy every asset that is missing or older than its source; return the copied files."""
    copied: list[Path] = []
    for target, source in ASSETS.items():
        src = node_modules / source
        if not src.is_file():
            raise AssetError(f"{src} is missing: run `npm ci` in {ROOT}")
        dst = vendor / target
        if dst.is_file() and dst.stat().st_mtime >= src.stat().st_mtime:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
        copied.append(dst)
    return copied


def main() -> int:
    try:
        copied = install()
    except AssetError as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in copied:
        print(f"copied {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Copy the front-end libraries from `node_modules/` to `server/static/vendor/`.

The app serves them itself (never from a CDN). `make run` and `make test` call
``python -m server.assets`` after ``npm ci``. The copy is skipped for files that are current.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

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
    # the home page: map (d3-geo; d3-array is what its UMD build needs) and charts
    "d3/d3-array.min.js": "d3-array/dist/d3-array.min.js",
    "d3/LICENSE-d3-array": "d3-array/LICENSE",
    "d3/d3-geo.min.js": "d3-geo/dist/d3-geo.min.js",
    "d3/LICENSE-d3-geo": "d3-geo/LICENSE",
    "chartjs/chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "chartjs/LICENSE.md": "chart.js/LICENSE.md",
    "world-atlas/LICENSE": "world-atlas/LICENSE",
    # /docs (server/routes/api_docs.py)
    "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "swagger-ui/LICENSE": "swagger-ui-dist/LICENSE",
    "swagger-ui/NOTICE": "swagger-ui-dist/NOTICE",
    "swagger-ui/bundle.LICENSE.txt": "swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt",
}
#: derived files: target under vendor/ -> (source under node_modules/, how to make it)
#: the outline of Denmark and its neighbours, cut from Natural Earth's 1:50m countries
#: (npm `world-atlas`, public domain data, ISC package) as GeoJSON: 30 kB instead of 750 kB
NORDIC = {"208": "Danmark", "752": "Sverige", "578": "Norge", "276": "Deutschland"}


def topojson_features(topology: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """The countries `ids` (ISO 3166 numeric → name) of a world-atlas TopoJSON as a GeoJSON
    FeatureCollection (arcs decoded: quantised, delta-encoded, negative = reversed)."""
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([round(x * sx + tx, 5), round(y * sy + ty, 5)])
        arcs.append(points)

    def ring(indexes: list[int]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points[1:] if out else points)
        return out

    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") not in ids:
            continue
        kind, parts = geometry["type"], geometry["arcs"]
        polygons = [parts] if kind == "Polygon" else parts
        coordinates = [[ring(r) for r in polygon] for polygon in polygons]
        features.append(
            {
                "type": "Feature",
                "id": geometry["id"],
                "properties": {"name": ids[geometry["id"]]},
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _derive(vendor: Path, node_modules: Path) -> list[Path]:
    src = node_modules / "world-atlas" / "countries-50m.json"
    if not src.is_file():
        raise AssetError(f"{src} is missing: run `npm ci` in {ROOT}")
    dst = vendor / "world-atlas" / "nordic-50m.geojson"
    if dst.is_file() and dst.stat().st_mtime >= src.stat().st_mtime:
        return []
    features = topojson_features(json.loads(src.read_text(encoding="utf-8")), NORDIC)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(features, separators=(",", ":")), encoding="utf-8")
    return [dst]


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
    return copied + _derive(vendor, node_modules)


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

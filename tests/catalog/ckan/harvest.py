"""Harvest a DCAT catalog as CKAN's DCAT harvester does, with CKAN's own parser.

Run with the Python of .venv-ckan (``make deps-ckan``), which has ckan and ckanext-dcat; it
does not import pob. ``python harvest.py URL [--lang da] [--profile euro_dcat_ap_3]`` prints
JSON: ``{"pages": [...], "datasets": [...]}``, the pages fetched and every dataset dict that
``ckanext.dcat.processors.RDFParser.datasets()`` produced.

The loop is ``DCATRDFHarvester.gather_stage`` (ckanext/dcat/harvesters/rdf.py) without the
database: fetch the page as ``DCATHarvester._get_content_and_type`` does (HEAD, then GET with
requests; the format from the response's Content-Type), stop when a page repeats the previous
one, parse with ``RDFParser`` and follow ``RDFParser.next_page()``. CKAN's configuration is
its default apart from ``ckan.locale_default`` (the portal's language, which decides which
language-tagged literal becomes a title) and ``ckan.site_url``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys


def main() -> int:
    args = argparse.ArgumentParser()
    args.add_argument("url")
    args.add_argument("--lang", default="en")
    args.add_argument("--profile", default="euro_dcat_ap_3")
    args.add_argument("--max-pages", type=int, default=20)
    options = args.parse_args()

    import requests
    from ckan.common import config

    config["ckan.locale_default"] = options.lang
    config["ckan.site_url"] = "http://ckan.example.org"
    from ckanext.dcat.processors import RDFParser

    pages: list[dict[str, object]] = []
    datasets: list[dict[str, object]] = []
    url: str | None = options.url
    last_hash = None
    session = requests.Session()
    while url:
        if len(pages) >= options.max_pages:
            print(f"more than {options.max_pages} pages", file=sys.stderr)
            return 2
        head = session.head(url)
        response = session.get(url)
        response.raise_for_status()
        content_type = (response.headers.get("content-type") or "").split(";", 1)[0]
        content = response.content.decode("utf-8")
        digest = hashlib.md5(content.encode("utf-8")).digest()
        pages.append({"url": url, "status": response.status_code, "head": head.status_code,
                      "content_type": content_type})  # fmt: skip
        if digest == last_hash:
            break  # the harvester stops when a page repeats the previous one
        last_hash = digest
        parser = RDFParser(profiles=[options.profile])
        parser.parse(content, _format=content_type)
        datasets.extend(parser.datasets())
        url = parser.next_page()
    json.dump({"pages": pages, "datasets": datasets}, sys.stdout, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""No broken links: every same-origin link of the home page, the catalog pages (the catalog,
each dataset, distribution and the service, found by following the catalog's own links), a
resource page of each kind (one IRI per `/id/{kind}/` in the store, asked of SPARQL),
/ontology and /shapes answers 200 (after a deliberate redirect at most) with a non-empty
body, and a link with a fragment lands on an element with that id. The catalog pages
also offer a download per distribution whose checksum is the file's own."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pytest

from tests.conftest import Process

HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
BASE = "https://w3id.org/pob/"
KINDS = f"""SELECT DISTINCT ?s WHERE {{
  {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }}
  FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{BASE}id/"))
}}"""
#: redirects a page may answer with on purpose (the target is checked too)
REDIRECTS = (301, 302, 303, 307, 308)


class Links(HTMLParser):
    """The link targets of a page (`a`, `link`, `script`, `img`) and its element ids."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        name = {"a": "href", "link": "href", "script": "src", "img": "src"}.get(tag)
        if name and values.get(name):
            self.hrefs.append(values[name] or "")


def parse(body: str) -> Links:
    parser = Links()
    parser.feed(body)
    return parser


@pytest.fixture(scope="module")
def real(live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory) -> Process:
    settings = {"data_dir": str(tmp_path_factory.mktemp("links-store")), "workers": 2}
    return live_server(settings, wait=300)


@pytest.fixture(scope="module")
def client(real: Process) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=real.url, timeout=60, headers={"Accept": HTML}) as c:
        yield c


def same_origin(client: httpx.Client, page: str, href: str) -> str | None:
    """`href` on `page` as a path (with query and fragment) if it is on this service."""
    absolute = urljoin(str(client.base_url) + page, href)
    parts, origin = urlsplit(absolute), urlsplit(str(client.base_url))
    if parts.scheme != origin.scheme or parts.netloc != origin.netloc:
        return None
    return absolute[len(f"{origin.scheme}://{origin.netloc}") :]


def resource_per_kind(client: httpx.Client) -> dict[str, str]:
    answer = client.get("/sparql", params={"query": KINDS}, headers={"Accept": "*/*"})
    assert answer.status_code == 200, answer.text
    by_kind: dict[str, list[str]] = defaultdict(list)
    for row in answer.json()["results"]["bindings"]:
        path = row["s"]["value"].removeprefix(BASE)
        by_kind[path.split("/")[1]].append("/" + path)
    return {kind: sorted(paths)[0] for kind, paths in by_kind.items()}


def catalog_pages(client: httpx.Client) -> list[str]:
    """/catalog and every /catalog/… page reached from it by links."""
    seen, todo = set(), ["/catalog"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path)
        assert answer.status_code == 200, path
        for href in parse(answer.text).hrefs:
            target = same_origin(client, path, href)
            if target is None:
                continue
            target = urldefrag(target)[0]
            if re.fullmatch(r"/catalog(/[^?.]*)?(/distribution/[^?]*)?", target):
                todo.append(target)
    return sorted(seen)


@pytest.fixture(scope="module")
def pages(client: httpx.Client) -> list[str]:
    kinds = resource_per_kind(client)
    # the kinds the data has (a glob that finds nothing must fail)
    assert {"municipality", "partnership", "source", "model", "challenge"} <= set(kinds)
    catalog = catalog_pages(client)
    assert "/catalog/dataset/curated" in catalog and "/catalog/service/sparql" in catalog
    assert sum("/distribution/" in p for p in catalog) >= 5
    return ["/", *catalog, *sorted(kinds.values()), "/ontology", "/shapes"]


def fetch(client: httpx.Client, path: str) -> httpx.Response:
    answer = client.get(path)
    hops = 0
    while answer.status_code in REDIRECTS and hops < 3:
        answer = client.get(answer.headers["location"])
        hops += 1
    return answer


def test_every_link_answers_with_a_body(client: httpx.Client, pages: list[str]) -> None:
    targets: dict[str, set[str]] = defaultdict(set)  # path -> fragments asked for
    origin: dict[str, str] = {}
    for page in pages:
        answer = client.get(page)
        assert answer.status_code == 200, page
        for href in parse(answer.text).hrefs:
            if href.startswith(("data:", "mailto:")):
                continue
            target = same_origin(client, page, href)
            if target is None:
                continue
            path, fragment = urldefrag(target)
            targets[path].add(fragment)
            origin.setdefault(path, page)
    assert len(targets) > 100, len(targets)
    broken: list[str] = []
    for path, fragments in sorted(targets.items()):
        answer = fetch(client, path)
        if answer.status_code != 200 or not answer.content.strip():
            broken.append(
                f"{path} ({answer.status_code}, {len(answer.content)} bytes) on {origin[path]}"
            )
            continue
        if "html" in answer.headers.get("content-type", ""):
            missing = {f for f in fragments if f} - parse(answer.text).ids
            if missing:
                broken.append(f"{path}#{sorted(missing)} (no such id) on {origin[path]}")
    assert broken == [], "\n".join(broken)


def test_dataset_page_offers_each_file_with_its_checksum(client: httpx.Client) -> None:
    page = client.get("/catalog/dataset/curated")
    cards = re.findall(
        r'<li class="download".*?</li>\s*(?=<li class="download"|</ul>)', page.text, re.S
    )
    assert len(cards) >= 5
    for card in cards:
        href = re.search(r'<a class="button" href="([^"]+)" download', card)
        digest = re.search(r"<code id=\"checksum-\d+\">([0-9a-f]{64})</code>", card)
        size = re.search(r"\((\d+) byte\)", card)
        assert href and digest and size, card
        body = client.get(href.group(1)).content
        assert hashlib.sha256(body).hexdigest() == digest.group(1)
        assert len(body) == int(size.group(1))
        assert re.search(r"<dt>Format</dt><dd><a [^>]+>.+?</a></dd>", card)
        assert re.search(r"<dt>Medietype</dt><dd><code>[a-z]+/[a-z+.-]+</code></dd>", card)


@pytest.mark.parametrize(
    "path", ["/catalog", "/catalog/dataset/curated", "/catalog/service/sparql"]
)
def test_catalog_pages_have_no_empty_sections(client: httpx.Client, path: str) -> None:
    body = client.get(path, params={"lang": "en"}).text
    for empty in ("No sources given.", "No shape targets its class.", "Nothing in the graph"):
        assert empty not in body
    assert "DESCRIBE" not in body  # the catalog is not in the SPARQL store
    sections = re.findall(r"<section[^>]*>(.*?)</section>", body, re.S)
    assert sections and all(re.search(r"<(li|tr|dd|p)\b", s) for s in sections)

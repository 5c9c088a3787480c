"""The portal on the real curated data: home page figures, search, browse facets, the HTML
error pages. Every expected number is asked of the same service's SPARQL endpoint with a
query written here, so a page that counts or filters differently from the store fails."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.conftest import Process

HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
BASE = "https://w3id.org/pob/"
PREFIXES = f"""PREFIX pob: <{BASE}ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX schema: <https://schema.org/>
"""
#: the facets' paths, written again here (not imported), as a reader of the data would
PATHS = {
    "municipality": "pob:municipality",
    "region": "pob:region|pob:municipality/pob:region",
    "challenge": "pob:addressesChallenge",
    "model": "pob:model",
    "status": "pob:caseStatus",
    "country": "pob:country",
}
CLASSES = ["pob:Partnership", "pob:Area", "pob:Municipality", "pob:LocalPartnership"]


@pytest.fixture(scope="module")
def real(live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory) -> Process:
    settings = {"data_dir": str(tmp_path_factory.mktemp("portal-store")), "workers": 2}
    return live_server(settings, wait=300)


@pytest.fixture(scope="module")
def client(real: Process) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=real.url, timeout=60) as c:
        yield c


def select(client: httpx.Client, body: str) -> list[dict[str, str]]:
    response = client.get("/sparql", params={"query": PREFIXES + body})
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def count(client: httpx.Client, body: str) -> int:
    return int(select(client, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {body} }}")[0]["n"])


# -- search -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["hillerod", "Hillerød", "HILLERØD", "hilleroed"])
def test_search_forgives_case_and_diacritics(client: httpx.Client, text: str) -> None:
    results = client.get("/api/search", params={"q": text}).json()["results"]
    iris = [r["iri"] for r in results]
    assert f"{BASE}id/municipality/hilleroed" in iris
    # every result has the words in one of its labels (folded as the user typed them)
    assert all("hiller" in (r["matched"] + r["label"]).casefold() for r in results), results


def test_search_bid_finds_the_model_first(client: httpx.Client) -> None:
    results = client.get("/api/search", params={"q": "bid", "lang": "en"}).json()["results"]
    assert results[0]["iri"] == f"{BASE}id/model/bid"
    assert results[0]["matched"] == "BID"  # its alternative label, matched exactly


def test_search_aarhus_either_spelling(client: httpx.Client) -> None:
    for text in ("aarhus", "århus", "Århus"):
        iris = [r["iri"] for r in client.get("/api/search", params={"q": text}).json()["results"]]
        assert f"{BASE}id/municipality/aarhus" in iris, text


def test_search_page_links_results(client: httpx.Client) -> None:
    page = client.get("/search", params={"q": "hillerod"}, headers={"Accept": HTML})
    assert page.status_code == 200
    assert 'href="/id/municipality/hilleroed"' in page.text
    assert 'value="hillerod"' in page.text  # the box keeps what was asked
    english = client.get("/search", params={"q": "bid", "lang": "en"}, headers={"Accept": HTML})
    assert '<html lang="en">' in english.text and 'href="/id/model/bid?lang=en"' in english.text


def test_search_refuses_a_huge_query_naming_the_parameter(client: httpx.Client) -> None:
    response = client.get("/api/search", params={"q": "x" * 500})
    assert response.status_code == 400
    assert response.json()["error"]["detail"].startswith("q:")


def test_search_nothing_for_nothing(client: httpx.Client) -> None:
    assert client.get("/api/search", params={"q": "  "}).json()["results"] == []
    assert client.get("/api/search", params={"q": "zzqqxx"}).json()["results"] == []


# -- home ---------------------------------------------------------------------------------


def test_home_counts_are_the_stores(client: httpx.Client) -> None:
    page = client.get("/", headers={"Accept": HTML}).text
    shown = re.findall(
        r'<a href="/browse/([^"?]+)"><span class="count">(\d+)</span>',
        page.split('id="holds-heading"')[1].split("</ul>")[0],
    )
    assert len(shown) >= 10, shown
    for key, number in shown:
        prefix, local = key.split(":")
        namespace = {"pob": f"{BASE}ontology#", "org": "http://www.w3.org/ns/org#"}.get(
            prefix, "http://xmlns.com/foaf/0.1/"
        )
        expected = count(
            client, f'?x a <{namespace}{local}> FILTER(STRSTARTS(STR(?x), "{BASE}id/"))'
        )
        assert int(number) == expected, key


def test_home_map_and_network_from_the_store(client: httpx.Client) -> None:
    page = client.get("/", headers={"Accept": HTML}).text
    members = select(
        client,
        "SELECT DISTINCT ?m WHERE { ?n a pob:NationalInitiative ; org:hasMember ?m . "
        "?r pob:finalReportOf ?n . ?m a pob:Municipality }",
    )
    assert len(members) == 11
    listed = re.search(r'<ul class="members"[^>]*>(.*?)</ul>', page, re.S)
    assert listed is not None
    hrefs = re.findall(r'href="([^"]+)"', listed.group(1))
    assert sorted(hrefs) == sorted(m["m"].removeprefix(BASE[:-1]) for m in members)
    # the map's points: exactly those with a point that has a source
    sourced = count(
        client,
        "?n a pob:NationalInitiative ; org:hasMember ?x . ?x a pob:Municipality ; "
        "geo:hasCentroid ?p . ?p schema:latitude ?lat ; dct:source ?s . ?s schema:url ?u",
    )
    data = re.search(r'id="home-data">(.*?)</script>', page, re.S)
    assert data is not None and data.group(1).count('"lat"') == sourced == 11


def test_home_timeline_and_conclusions_from_the_store(client: httpx.Client) -> None:
    page = client.get("/", headers={"Accept": HTML}).text
    dated = count(
        client,
        "{ ?x a pob:Publication ; dct:issued ?d } UNION { ?x a pob:Event ; schema:startDate ?d }",
    )
    assert page.count("<time datetime=") == dated > 5
    conclusions = count(client, "?x a pob:Conclusion ; pob:position ?p")
    assert conclusions == 6
    assert re.search(r'<ol class="conclusions">', page)
    assert page.count('href="/id/conclusion/') == conclusions


# -- browse -------------------------------------------------------------------------------


def facet_links(page: str) -> list[tuple[str, str, int]]:
    """(facet, value, count) of every facet value the page offers."""
    found = re.findall(
        r'data-facet="([a-z]+)" data-value="([^"]+)">[^<]*</a> <span class="count">\((\d+)\)',
        page,
    )
    return [(f, v, int(n)) for f, v, n in found]


@pytest.mark.parametrize("name", CLASSES)
def test_each_facet_counts_as_sparql(client: httpx.Client, name: str) -> None:
    page = client.get(f"/browse/{name}", headers={"Accept": HTML}).text
    of_class = f'?x a {name} FILTER(STRSTARTS(STR(?x), "{BASE}id/"))'
    total = count(client, of_class)
    assert f"{total} ressourcer." in page
    links = facet_links(page)
    if name != "pob:LocalPartnership":
        assert links, name
    for facet, value, shown in links:
        expected = count(client, f"{of_class} ?x {PATHS[facet]} <{BASE}id/{value}> .")
        assert shown == expected, (facet, value)


@pytest.mark.parametrize("name", ["pob:Partnership", "pob:Area"])
def test_each_facet_filters_as_sparql(client: httpx.Client, name: str) -> None:
    page = client.get(f"/browse/{name}", headers={"Accept": HTML}).text
    of_class = f'?x a {name} FILTER(STRSTARTS(STR(?x), "{BASE}id/"))'
    for facet, value, shown in facet_links(page):
        filtered = client.get(f"/browse/{name}", params={facet: value}, headers={"Accept": HTML})
        assert filtered.status_code == 200
        results = re.search(r'<ul class="results columns">(.*?)</ul>', filtered.text, re.S)
        assert results is not None
        hrefs = set(re.findall(r'href="([^"]+)"', results.group(1)))
        expected = select(
            client,
            f"SELECT DISTINCT ?x WHERE {{ {of_class} ?x {PATHS[facet]} <{BASE}id/{value}> }}",
        )
        assert hrefs == {r["x"].removeprefix(BASE[:-1]) for r in expected}, (facet, value)
        assert len(hrefs) == shown
        assert 'id="clear-filters"' in filtered.text


def test_two_facets_together(client: httpx.Client) -> None:
    params = {"region": "region/hovedstaden", "status": "case-status/eksempel-i-hovedrapport"}
    page = client.get("/browse/pob:Area", params=params, headers={"Accept": HTML}).text
    expected = count(
        client,
        f"?x a pob:Area ; pob:municipality/pob:region <{BASE}id/region/hovedstaden> ; "
        f"pob:caseStatus <{BASE}id/case-status/eksempel-i-hovedrapport>",
    )
    assert f"{expected} ressourcer." in page
    # a chosen facet offers its removal, which keeps the other filter
    removal = re.search(r'<a class="remove" href="([^"]+)"', page)
    assert removal is not None
    kept = dict(parse_qsl(urlsplit(unescape(removal.group(1))).query))
    assert len(kept) == 1


def test_browse_index_lists_classes_with_counts(client: httpx.Client) -> None:
    page = client.get("/browse", headers={"Accept": HTML}).text
    assert 'href="/browse/pob:Partnership"' in page
    assert 'href="/browse/pob:Municipality"' in page


@pytest.mark.parametrize(
    ("path", "status", "where"),
    [
        ("/browse/pob:Partnership?region=../../etc", 400, "region"),
        ("/browse/pob:NoSuchClass", 404, "pob:NoSuchClass"),
        ("/browse/nope", 404, "nope"),
    ],
)
def test_browse_refusals_name_the_problem(
    client: httpx.Client, path: str, status: int, where: str
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert where in response.json()["error"]["detail"]


# -- one site -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/no/such/page", "/id/municipality/", "/browse/pob:Nope"])
def test_browsers_get_an_error_page_others_json(client: httpx.Client, path: str) -> None:
    page = client.get(path, headers={"Accept": HTML})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert 'aria-label="Hovedmenu"' in page.text and "Siden findes ikke" in page.text
    english = client.get(path + "?lang=en", headers={"Accept": HTML})
    assert "Page not found" in english.text
    data = client.get(path)
    assert data.headers["content-type"].startswith("application/json")
    assert data.json()["error"]["status"] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=varde",
        "/browse",
        "/browse/pob:Partnership",
        "/query",
        "/validate",
        "/docs",
        "/ontology",
        "/shapes",
        "/catalog",
        "/id/municipality/varde",
    ],
)
def test_every_page_has_the_layout(client: httpx.Client, path: str) -> None:
    page = client.get(path, headers={"Accept": HTML}).text
    menu = re.search(r'<nav aria-label="Hovedmenu" class="main-nav">(.*?)</nav>', page, re.S)
    assert menu is not None, path
    for href in (
        *("/", "/search", "/browse", "/queries", "/query", "/validate", "/catalog"),
        *("/ontology", "/shapes", "/docs"),
    ):
        assert f'href="{href}"' in menu.group(1), (path, href)
    assert 'role="search"' in page and 'class="skip-link"' in page
    assert '<nav aria-label="Sprog" class="languages">' in page


def test_language_switch_keeps_the_page_and_its_parameters(client: httpx.Client) -> None:
    page = client.get("/browse/pob:Area?region=region/hovedstaden", headers={"Accept": HTML})
    switch = re.search(r'<a href="([^"]+)" hreflang="en"', page.text)
    assert switch is not None
    target = unescape(switch.group(1))
    assert target.startswith("/browse/pob:Area?") and "region=region%2Fhovedstaden" in target
    english = client.get(target, headers={"Accept": HTML})
    assert '<html lang="en">' in english.text
    # the chosen language stays on the links between pages
    assert 'href="/search?lang=en"' in english.text

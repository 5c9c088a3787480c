"""POST/GET/DELETE /api/datasets over a real server, embedded store and remote engine."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS

from tests.submissions.conftest import (
    EXAMPLES_DIR,
    Service,
    media_type,
    sources_dataset,
    warned_dataset,
)

GOOD = EXAMPLES_DIR / "good-platssamverkan-gamlestaden.ttl"
BAD = EXAMPLES_DIR / "bad-unknown-term.ttl"


def submit(
    service: Service, body: bytes, content_type: str = "application/n-triples", who: str = "alice"
) -> httpx.Response:
    return service.client.post(
        "/api/datasets",
        content=body,
        headers={"Content-Type": content_type, **service.auth(who)},
    )


def meta(service: Service) -> Graph:
    response = service.client.get(
        "/store", params={"graph": service.graph("meta")}, headers={"Accept": "text/turtle"}
    )
    response.raise_for_status()
    return Graph().parse(data=response.text, format="turtle")


def test_submissions_are_off_without_a_token(slow: Service) -> None:
    """`slow` runs with no POB_SUBMIT_TOKEN."""
    response = slow.client.post(
        "/api/datasets",
        content=sources_dataset(2),
        headers={"Content-Type": "text/turtle", "Authorization": "Bearer anything"},
    )
    assert response.status_code == 403
    assert "submissions are off" in response.json()["error"]["detail"]


def test_missing_token_is_401(service: Service) -> None:
    response = service.client.post(
        "/api/datasets", content=sources_dataset(2), headers={"Content-Type": "text/turtle"}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_wrong_token_is_401(service: Service) -> None:
    response = service.client.post(
        "/api/datasets",
        content=sources_dataset(2),
        headers={"Content-Type": "application/n-triples", "Authorization": "Bearer nope"},
    )
    assert response.status_code == 401


def test_a_non_conforming_dataset_is_rejected_and_nothing_is_stored(service: Service) -> None:
    graphs, before = service.graphs(), len(meta(service))
    response = submit(service, BAD.read_bytes(), "text/turtle")
    assert response.status_code == 422
    report = response.json()
    assert report["accepted"] is False and report["conforms"] is False
    assert report["results"][0]["path"] == "https://w3id.org/pob/ontology#startYear"
    assert service.graphs() == graphs
    assert len(meta(service)) == before


def test_accept_resubmit_read_and_withdraw(service: Service) -> None:
    body = GOOD.read_bytes().replace(
        b"Gamlestaden place", f"Gamlestaden {uuid.uuid4().hex[:6]}".encode()
    )
    response = submit(service, body, "text/turtle")
    assert response.status_code == 201, response.text
    record = response.json()
    sid, graph = record["id"], record["graph"]
    assert graph == service.graph(f"submission/{sid}")
    assert response.headers["location"] == f"/api/datasets/{sid}"
    assert record["submitter"] == "alice" and record["triples"] == 15
    assert len(record["sha256"]) == 64 and len(record["shapesVersion"]) == 64
    assert graph in service.graphs()

    provenance = meta(service)
    node = URIRef(graph)
    agent = provenance.value(node, PROV.wasAttributedTo)
    assert str(provenance.value(agent, FOAF.name)) == "alice"
    assert provenance.value(node, DCTERMS.issued) is not None

    again = submit(service, body, "text/turtle", who="bob")
    assert again.status_code == 200
    assert again.json()["id"] == sid and again.json()["created"] is False

    listed = service.client.get("/api/datasets").json()["datasets"]
    assert sid in {d["id"] for d in listed}
    one = service.client.get(f"/api/datasets/{sid}")
    assert one.json()["sha256"] == record["sha256"]
    data = service.client.get(f"/api/datasets/{sid}", headers={"Accept": "text/turtle"})
    assert len(Graph().parse(data=data.text, format="turtle")) == 15

    assert (
        service.client.delete(f"/api/datasets/{sid}", headers=service.auth("bob")).status_code
        == 403
    )
    assert service.client.delete(f"/api/datasets/{sid}").status_code == 401
    assert service.client.delete(f"/api/datasets/{sid}", headers=service.auth()).status_code == 204
    assert graph not in service.graphs()
    assert (node, None, None) not in meta(service)
    assert service.client.get(f"/api/datasets/{sid}").status_code == 404


def test_a_withdrawal_removes_exactly_its_graph_and_record(service: Service) -> None:
    """The meta graph after the withdrawal is the one before the submission (other records,
    the build's, untouched), its report's results included; the graph is no longer listed."""
    before = meta(service)
    graphs = service.graphs()
    response = submit(service, warned_dataset(2))
    assert response.status_code == 201, response.text
    record = response.json()
    assert len(record["warnings"]) == 2
    assert len(meta(service)) > len(before)
    gone = service.client.delete(f"/api/datasets/{record['id']}", headers=service.auth())
    assert gone.status_code == 204
    assert isomorphic(meta(service), before)
    assert service.graphs() == graphs
    assert service.client.get(f"/api/datasets/{record['id']}").status_code == 404
    assert (
        service.client.delete(f"/api/datasets/{record['id']}", headers=service.auth()).status_code
        == 404
    )


def test_graph_names_in_the_input_are_ignored(service: Service) -> None:
    tag = uuid.uuid4().hex[:8]
    ours = service.graph("data")
    body = b"".join(
        line.rstrip(b" .") + f" <{ours}> .\n".encode()
        for line in sources_dataset(2, tag).splitlines()
    )
    response = submit(service, body, "application/n-quads")
    assert response.status_code == 201, response.text
    record = response.json()
    assert "graph names are ignored" in record["report"]["notes"][0]
    data = service.client.get("/store", params={"graph": ours}, headers={"Accept": "text/turtle"})
    assert tag not in data.text  # the curated graph is untouched
    assert record["graph"].startswith(service.graph("submission/"))


def test_our_graph_iris_cannot_be_described(service: Service) -> None:
    body = f'<{service.graph("meta")}> <http://purl.org/dc/terms/title> "mine" .\n'.encode()
    response = submit(service, body)
    assert response.status_code == 422
    assert "graph IRIs" in response.json()["error"]["detail"]


def test_concurrent_submissions_never_interleave(service: Service) -> None:
    first = submit(service, sources_dataset(50))
    assert first.status_code == 201
    bodies = [sources_dataset(300 + i) for i in range(5)]
    answers: list[httpx.Response] = []
    errors: list[BaseException] = []

    def post(body: bytes) -> None:
        try:
            with httpx.Client(base_url=service.url, timeout=300) as client:
                answers.append(
                    client.post(
                        "/api/datasets",
                        content=body,
                        headers={"Content-Type": "application/n-triples", **service.auth()},
                    )
                )
        except BaseException as exc:
            errors.append(exc)

    def withdraw() -> None:
        with httpx.Client(base_url=service.url, timeout=300) as client:
            answers.append(
                client.delete(f"/api/datasets/{first.json()['id']}", headers=service.auth())
            )

    threads = [threading.Thread(target=post, args=(b,)) for b in bodies]
    threads.append(threading.Thread(target=withdraw))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(r.status_code for r in answers) == [201] * 5 + [204]
    records = {d["id"]: d for d in service.client.get("/api/datasets").json()["datasets"]}
    assert first.json()["id"] not in records
    graphs = service.graphs()
    for response in answers:
        if response.status_code != 201:
            continue
        record = response.json()
        assert record["id"] in records and record["graph"] in graphs
        data = service.client.get(
            "/store", params={"graph": record["graph"]}, headers={"Accept": "application/n-triples"}
        )
        assert len(data.text.strip().splitlines()) == record["triples"]
    # every submission graph has its record and every record its graph
    prefix = service.graph("submission/")
    assert {g for g in graphs if g.startswith(prefix)} == {r["graph"] for r in records.values()}


@pytest.mark.parametrize(
    "path", [GOOD, EXAMPLES_DIR / "good-vejle-bymidte.jsonld"], ids=lambda p: p.name
)
def test_examples_can_be_submitted(service: Service, path) -> None:  # type: ignore[no-untyped-def]
    response = submit(service, path.read_bytes(), media_type(path), who="bob")
    assert response.status_code in (200, 201), response.text
    assert response.json()["accepted"] is True


def _until(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the feed did not follow the store in time")
        time.sleep(0.2)


def test_an_accepted_submission_is_harvestable_until_withdrawn(embedded: Service) -> None:
    """The catalog lists it as a dataset with its submitter and dump; withdrawal removes both."""
    response = submit(embedded, sources_dataset(3), "application/n-triples", who="bob")
    assert response.status_code == 201, response.text
    sid = response.json()["id"]
    dataset = f"/catalog/dataset/submission/{sid}"
    _until(lambda: embedded.client.get(dataset).status_code == 200)

    described = Graph().parse(
        data=embedded.client.get(dataset, headers={"Accept": "text/turtle"}).text, format="turtle"
    )
    node = URIRef(f"{embedded.url}{dataset}")
    assert (node, RDF.type, DCAT.Dataset) in described
    (provenance,) = described.objects(node, DCTERMS.provenance)
    (label,) = described.objects(provenance, RDFS.label)  # one text, both languages named
    assert (
        str(label).startswith("Dansk: Indsendt af bob ") and "\nEnglish: Submitted by bob " in label
    )
    said = {d.language: str(d) for d in described.objects(provenance, DCTERMS.description)}
    assert said["da"].startswith("Indsendt af bob ") and said["en"].startswith("Submitted by bob ")
    dumps = [str(url) for url in described.objects(None, DCAT.downloadURL)]
    assert dumps and all(url.startswith(f"{embedded.url}/dumps/submissions/{sid}") for url in dumps)
    (file,) = described.subjects(DCAT.downloadURL, URIRef(dumps[0]))
    assert "The accepted dataset, 9 triples." in {
        str(d) for d in described.objects(file, DCTERMS.description)
    }
    dump = embedded.client.get(dumps[0].removeprefix(embedded.url))
    assert dump.status_code == 200
    assert len(Graph().parse(data=dump.content, format="turtle")) == 9

    deleted = embedded.client.delete(f"/api/datasets/{sid}", headers=embedded.auth("bob"))
    assert deleted.status_code == 204
    _until(lambda: embedded.client.get(dataset).status_code == 404)
    assert embedded.client.get(dumps[0].removeprefix(embedded.url)).status_code == 404

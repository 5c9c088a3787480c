"""kill -9 in the middle of a submission leaves it fully present or fully absent.

The server runs with write hooks injected into its store (``write_hooks`` in the settings of
:mod:`tests.serve`, :class:`pob.store.base.WriteHooks`): inside the write transaction it
writes ``mark.before``, sleeps, runs the one SPARQL Update that writes the data graph and
the provenance together, writes ``mark.after`` and sleeps again.
The test kills the server (SIGKILL) before the update, during it and after it, restarts it
on the same store, and checks that the submission's graph and its record in the meta graph
are both there or both missing. The same for a withdrawal killed during its update (the
embedded store's ``DELETE …; DROP SILENT GRAPH``; Virtuoso's is
tests/virtuoso/test_withdrawal.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from pob.validation.content import canonical
from pob.validation.submissions import ID_LENGTH
from pob.validation.upload import parse_upload
from tests.conftest import Process
from tests.submissions.conftest import TOKENS, curated_settings, sources_dataset

DELAY = 1.5


def wait_for(path: Path, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never appeared")
        time.sleep(0.01)


def state(url: str, sid: str) -> tuple[bool, bool, int | None, int]:
    """(graph there, record there, triples in the graph, triples the record says)."""
    with httpx.Client(base_url=url, timeout=60) as client:
        records = {d["id"]: d for d in client.get("/api/datasets").json()["datasets"]}
        graph = f"https://w3id.org/pob/graph/submission/{sid}"
        rows = client.get(
            "/sparql",
            params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
            headers={"Accept": "application/sparql-results+json"},
        ).json()["results"]["bindings"]
        count = int(rows[0]["n"]["value"])
        listed = {
            b["g"]["value"]
            for b in client.get(
                "/sparql",
                params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"},
                headers={"Accept": "application/sparql-results+json"},
            ).json()["results"]["bindings"]
        }
        # no other submission graph lacks its record, and no record lacks its graph
        prefix = "https://w3id.org/pob/graph/submission/"
        assert {g for g in listed if g.startswith(prefix)} == {r["graph"] for r in records.values()}
        record = records.get(sid)
        return (
            graph in listed,
            record is not None,
            count or None,
            record["triples"] if record else 0,
        )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [("before the update", False), ("during the update", None), ("after the update", True)],
)
def test_kill_9_mid_submission(
    moment: str,
    expected: bool | None,
    live_server: Callable[..., Process],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data_dir = tmp_path_factory.mktemp("crash")
    mark = data_dir / "mark"
    settings = curated_settings(data_dir)
    server = live_server({**settings, "write_hooks": {"delay": DELAY, "mark": str(mark)}}, 600)
    body = sources_dataset(6000)
    _, digest = canonical(parse_upload(body, "application/n-triples").triples)
    sid = digest[:ID_LENGTH]
    outcome: list[object] = []

    def post() -> None:
        try:
            outcome.append(
                httpx.post(
                    server.url + "/api/datasets",
                    content=body,
                    headers={
                        "Content-Type": "application/n-triples",
                        "Authorization": f"Bearer {TOKENS['alice']}",
                    },
                    timeout=600,
                ).status_code
            )
        except httpx.HTTPError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=post)
    thread.start()
    if moment == "before the update":
        wait_for(mark.with_suffix(".before"))
        time.sleep(DELAY / 3)
    elif moment == "during the update":
        wait_for(mark.with_suffix(".before"))
        time.sleep(DELAY + 0.02)
    else:
        wait_for(mark.with_suffix(".after"))
        time.sleep(DELAY / 3)
    server.process.kill()  # SIGKILL: no shutdown, no flush
    server.process.wait()
    thread.join()
    assert isinstance(outcome[0], httpx.HTTPError), "the request finished before the kill"

    restarted = live_server(settings, 600)
    try:
        graph, record, count, declared = state(restarted.url, sid)
        assert graph == record, f"graph there: {graph}, record there: {record}"
        if graph:
            assert count == declared == 18_000
        if expected is not None:
            assert graph is expected
    finally:
        restarted.stop()


def test_kill_9_mid_withdrawal(
    live_server: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> None:
    data_dir = tmp_path_factory.mktemp("crash-withdrawal")
    mark = data_dir / "mark"
    settings = curated_settings(data_dir)
    server = live_server({**settings, "write_hooks": {"delay": DELAY, "mark": str(mark)}}, 600)
    auth = {"Authorization": f"Bearer {TOKENS['alice']}"}
    body = sources_dataset(6000)
    submitted = httpx.post(
        server.url + "/api/datasets",
        content=body,
        headers={"Content-Type": "application/n-triples", **auth},
        timeout=600,
    )
    assert submitted.status_code == 201, submitted.text
    sid = submitted.json()["id"]
    for path in (mark.with_suffix(".before"), mark.with_suffix(".after")):
        path.unlink()
    outcome: list[object] = []

    def withdraw() -> None:
        try:
            url = f"{server.url}/api/datasets/{sid}"
            outcome.append(httpx.delete(url, headers=auth, timeout=600).status_code)
        except httpx.HTTPError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=withdraw)
    thread.start()
    wait_for(mark.with_suffix(".before"))
    time.sleep(DELAY + 0.02)  # the update has begun
    server.process.kill()
    server.process.wait()
    thread.join()
    assert isinstance(outcome[0], httpx.HTTPError), "the request finished before the kill"

    restarted = live_server(settings, 600)
    try:
        graph, record, count, declared = state(restarted.url, sid)
        assert graph == record, f"graph there: {graph}, record there: {record}"
        if graph:
            assert count == declared == 18_000
    finally:
        restarted.stop()

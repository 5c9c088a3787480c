"""The fast lane's memory of misjudged queries (pob/store/misjudged.py): what it keeps,
what tells two jobs apart, and its bound."""

from __future__ import annotations

from pob.core import formats
from pob.store.base import Dataset
from pob.store.misjudged import MAX_MISJUDGED, Misjudged

QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s <http://example.org/p> ?o }"


def job(query: str = QUERY, dataset: Dataset | None = None) -> tuple[object, ...]:
    return (query, dataset or Dataset(), formats.NTRIPLES, None, "http://127.0.0.1/sparql")


def test_a_job_once_lost_is_known_and_nothing_else() -> None:
    lost = Misjudged()
    assert job() not in lost
    lost.add(job())
    assert job() in lost
    assert job(QUERY + " ") not in lost  # another text
    assert job(dataset=Dataset(default=("http://example.org/g",))) not in lost
    assert "not a job" not in lost


def test_the_oldest_is_forgotten_past_the_bound() -> None:
    lost = Misjudged(size=3)
    for n in range(4):
        lost.add(job(f"{QUERY} LIMIT {n}"))
    assert len(lost) == 3
    assert job(f"{QUERY} LIMIT 0") not in lost
    assert all(job(f"{QUERY} LIMIT {n}") in lost for n in (1, 2, 3))
    lost.add(job(f"{QUERY} LIMIT 1"))  # seen again: the newest now
    lost.add(job(f"{QUERY} LIMIT 4"))
    assert job(f"{QUERY} LIMIT 1") in lost and job(f"{QUERY} LIMIT 2") not in lost
    assert Misjudged().size == MAX_MISJUDGED

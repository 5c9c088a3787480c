"""Roles as ORG means them: only member roles give org:memberOf (issue 14).

Chair, secretariat, research, thanks, initiative and employment are `pob:Involvement`
nodes, not `org:Membership`, so the property chain behind org:hasMember never sees them.
Checked three ways: the `pob infer` command, the curated inferred graph the store is built
from, and a SPARQL ASK on the in-memory store with the service's named graphs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from pob.graph.curated import curated, memory_store, select
from pob.graph.namespaces import ORG

ID = "https://w3id.org/pob/id/"
NETWORK = URIRef(ID + "partnership/netvaerk-for-privat-offentlige-bysamarbejder")
PLB = URIRef(ID + "partnership/partnerskab-for-levende-bymidter")

#: (agent, organisation) pairs the sources give a role for that is not membership
NOT_MEMBERS = {
    # the nine persons the booklet thanks
    **{
        f"thanked {key}": (ID + f"person/{key}", NETWORK)
        for key in (
            "mo-aswat",
            "claus-nygaard",
            "troels-b-andersen",
            "annette-gori",
            "per-andersen",
            "julie-holck",
            "helena-holmberg",
            "marianne-lind",
            "carolina-benjaminsen",
        )
    },
    "secretariat": (ID + "organisation/dansk-byplanlaboratorium", NETWORK),
    "research consultant": (ID + "organisation/living-cities", NETWORK),
    "chair": (ID + "person/maj-green", NETWORK),
    "employment": (ID + "person/maj-green", URIRef(ID + "municipality/gladsaxe")),
    "employment oicc": (
        ID + "person/carolina-benjaminsen",
        URIRef(ID + "organisation/oerestad-innovation-city"),
    ),
}


@pytest.fixture(scope="module")
def cli_inferred(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    out: Path = tmp_path_factory.mktemp("infer") / "inferred.ttl"
    result = subprocess.run(
        [sys.executable, "-m", "pob", "infer", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return Graph().parse(out)


def test_case_list_is_complete() -> None:
    assert len(NOT_MEMBERS) == 14


@pytest.mark.parametrize("case", sorted(NOT_MEMBERS))
def test_pob_infer_gives_no_membership_for_a_non_member_role(
    cli_inferred: Graph, case: str
) -> None:
    agent, organisation = NOT_MEMBERS[case]
    assert (URIRef(agent), ORG.memberOf, organisation) not in cli_inferred
    assert (organisation, ORG.hasMember, URIRef(agent)) not in cli_inferred
    assert (URIRef(agent), ORG.memberOf, organisation) not in curated().inferred


def test_no_person_is_inferred_a_member_of_anything(cli_inferred: Graph) -> None:
    persons = {str(s) for s, _ in cli_inferred.subject_objects(ORG.memberOf)}
    assert not {p for p in persons if "/person/" in p}


def test_store_inferred_graph_agrees() -> None:
    store = memory_store()
    rows = select(
        store,
        "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?a WHERE { GRAPH "
        "<https://w3id.org/pob/graph/inferred> { ?a org:memberOf ?o } "
        "FILTER(?o = <" + str(NETWORK) + ">) }",
    )
    members = {r["a"].strip("<>") for r in rows}
    assert len(members) == 14, members  # 11 municipalities + KL, Realdania By & Byg, TBST
    assert not members & {agent for agent, _ in NOT_MEMBERS.values()}


def test_member_roles_still_give_membership(cli_inferred: Graph) -> None:
    """The chair group and the follow group have their members; the Partnerskab's lists too."""
    chair_group = URIRef(ID + "unit/formandskab")
    follow_group = URIRef(ID + "unit/foelgegruppe")
    assert len(set(cli_inferred.objects(chair_group, ORG.hasMember))) == 3
    assert len(set(cli_inferred.objects(follow_group, ORG.hasMember))) == 9
    assert len(set(cli_inferred.objects(PLB, ORG.hasMember))) == 18

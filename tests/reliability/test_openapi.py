"""schemathesis over the service's own OpenAPI description, writes included.

The CLI (`schemathesis run`, pinned in pyproject's dev extras) runs against a live server on
127.0.0.1: it reads GET /openapi.json, sends the examples, the coverage cases, fuzzed
requests and stateful sequences (a submission, then its GET and DELETE) for every
operation, with the test token in `Authorization` (the write token of /store and a
submitter's token of /api/datasets), and checks every answer (README: what and why).
The seed is fixed, so a run is repeatable; change SEED to explore.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ROOT, Process
from tests.reliability.conftest import TOKEN

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
#: the checks: no 5xx, and every status, content type, header and JSON body as declared
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
SEED = 20260601
MAX_EXAMPLES = 25


def test_the_service_answers_as_its_openapi_description_says(
    service: Process, tmp_path: Path
) -> None:
    command = [
        str(SCHEMATHESIS),
        "--no-color",
        "run",
        f"{service.url}/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--header",
        f"Authorization: Bearer {TOKEN}",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        # one worker: CPython 3.11 can fail `ast.parse` run in two threads at once
        # ("AST constructor recursion depth mismatch"), which schemathesis' coverage phase does
        "--workers",
        "1",
        "--request-timeout",
        "60",
        "--max-failures",
        "50",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
        "--generation-database",
        "none",
        "--output-truncate",
        "false",
    ]
    description = httpx.get(f"{service.url}/openapi.json").raise_for_status().json()
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.reliability.schemathesis_hooks",
        "PYTHONPATH": str(ROOT),
    }
    started = time.monotonic()
    # in tmp_path: schemathesis keeps its replay files in the working directory
    run = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
    )
    elapsed = time.monotonic() - started
    output = run.stdout + run.stderr
    summary = output[output.rfind("SUMMARY") :] if "SUMMARY" in output else output[-3000:]
    print(f"schemathesis: {elapsed:.0f} s\n{summary}")
    assert run.returncode == 0, output[-20000:]
    operations = sum(len(methods) for methods in description["paths"].values())
    assert operations >= 30  # the routes are all there
    assert f"Tested: {operations}\n" in output, summary  # every operation was exercised
    assert service.alive


def test_the_description_names_each_operation_once_and_shows_every_body(service: Process) -> None:
    description = httpx.get(f"{service.url}/openapi.json").raise_for_status().json()
    operations = [
        (method, path, operation)
        for path, methods in description["paths"].items()
        for method, operation in methods.items()
    ]
    ids = [operation["operationId"] for _, _, operation in operations]
    assert len(ids) == len(set(ids)) == len(operations) >= 30
    heads = [(p, o) for m, p, o in operations if m == "head"]
    assert heads and all(o["operationId"].endswith("_head") for _, o in heads)
    assert "HTTPValidationError" not in description["components"]["schemas"]
    bodies = [(m, p, o["requestBody"]) for m, p, o in operations if "requestBody" in o]
    assert {(m, p) for m, p, _ in bodies} == {
        ("post", "/sparql"),
        ("put", "/store"),
        ("post", "/store"),
        ("post", "/api/validate"),
        ("post", "/api/datasets"),
    }
    for method, path, body in bodies:
        for media_type, content in body["content"].items():
            assert "example" in content, (method, path, media_type)
    for method, path, operation in operations:
        assert "408" in operation["responses"], (method, path)


def test_every_example_dataset_is_one_the_service_accepts(service: Process) -> None:
    """The examples of the upload bodies are the same three triples in each syntax, and
    they conform."""
    description = httpx.get(f"{service.url}/openapi.json").raise_for_status().json()
    content = description["paths"]["/api/validate"]["post"]["requestBody"]["content"]
    examples = {m: c["example"] for m, c in content.items() if not m.startswith("multipart/")}
    assert len(examples) == 6
    for media_type, example in examples.items():
        response = httpx.post(
            f"{service.url}/api/validate",
            content=example.encode(),
            headers={"Content-Type": media_type},
            timeout=60,
        )
        assert response.status_code == 200, (media_type, response.text[:300])
        assert response.json()["conforms"] is True, media_type

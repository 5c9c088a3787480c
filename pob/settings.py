"""Service settings: one frozen dataclass, read from `POB_*` environment variables.

Every value is parsed and checked when the object is made (at start-up): a malformed one
raises :class:`SettingsError` naming the variable, so the service never starts half
configured. The CLI overrides single fields with :func:`dataclasses.replace`; tests build a
:class:`Settings` directly. The only other readers of the environment are the client
commands' `--token` options (`pob load --url`: `POB_WRITE_TOKEN`; `pob submit`:
`POB_SUBMIT_TOKEN`), which send a token to a service rather than configure one.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pob.core.tokens import TokenListError, parse_token_list
from pob.graph.iri import normalise_base
from pob.graph.prefixes import CANONICAL_BASE
from pob.graph.sources import DATA_DIR, ONTOLOGY_DIR, QUERIES_DIR

#: the remote engines whose dialects pob knows (pob/store/dialects.py)
ENGINES = ("oxigraph", "virtuoso")

#: the least POB_VALIDATION_MEMORY (MiB) accepted: below it a worker cannot start
MIN_VALIDATION_MEMORY = 256


class SettingsError(ValueError):
    """An environment variable with a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    base: str = CANONICAL_BASE
    #: where the embedded store keeps its directories (`current` → the live store)
    data_dir: Path = Path("var/store")
    #: a remote SPARQL 1.1 engine (unset: the embedded store)
    store_url: str | None = None
    #: the remote engine's kind: "oxigraph" or "virtuoso" (unset: "virtuoso" when
    #: `store_url` ends in /sparql, else "oxigraph"); it picks the endpoint layout and
    #: the engine's dialect (pob/store/dialects.py)
    store_engine: str | None = None
    #: the remote's endpoints; default to the engine's layout under `store_url`
    store_query_url: str | None = None
    store_update_url: str | None = None
    store_gsp_url: str | None = None
    #: credentials for the remote engine's writes (HTTP digest or basic auth, as it asks)
    store_user: str | None = None
    store_password: str | None = field(default=None, repr=False)
    #: seconds the remote engine may take for one write (a Graph Store request, an update,
    #: a staged insert as a whole); not `query_timeout`: a large load takes minutes
    store_write_timeout: float = 3600.0
    #: bearer token for Graph Store writes (unset: writes are off)
    write_token: str | None = None
    query_timeout: float = 10.0
    max_query_bytes: int = 100_000
    max_result_rows: int = 100_000
    max_nesting: int = 64
    #: operators and group keywords in one query (long chains crash Oxigraph too)
    max_operators: int = 1000
    max_upload_bytes: int = 50_000_000
    #: the public address of the service (for the service description); default: the request
    public_url: str | None = None
    #: query worker processes (each runs one query at a time)
    workers: int = 2
    #: MiB the query workers' in-memory replicas of the store may take together (each
    #: worker holds one; pob/store/replica.py); a store that does not fit is read from
    #: disk; 0: never
    replica_memory: int = 2048
    host: str = "127.0.0.1"
    port: int = 8000
    ontology_dir: Path = ONTOLOGY_DIR
    data_ttl_dir: Path = DATA_DIR
    queries_dir: Path = QUERIES_DIR
    #: build (or check the hash and reuse) the curated graphs when the service starts
    build_on_start: bool = True
    #: the open-data dumps (`pob export --all`; rebuilt by the service when the graph
    #: changes); unset: `{data_dir}/dumps`, so every instance has its own (see `dumps_path`)
    dumps_dir: Path | None = None
    #: seconds one piece of the feed's background work (one graph's dump or statistics)
    #: may run; it is not under `query_timeout`, which is the public queries' deadline
    feed_timeout: float = 3600.0
    #: datasets per page of /catalog
    catalog_page_size: int = 50
    #: bearer token(s) for POST /api/datasets: "token" or "name:token,name:token" (unset: off)
    submit_token: str | None = None
    #: most triples one submission may have; validation time limit (s) for /api/validate
    max_triples: int = 500_000
    validation_timeout: float = 60.0
    #: the address space (MiB, RLIMIT_AS) of each validation worker, which reads, parses
    #: and checks uploads; a job that needs more is refused with 413 (docs/security.md)
    validation_memory: int = 2048
    #: uploads read, parsed and checked at once (/api/validate, /api/datasets, /store
    #: writes), and how many more may wait for a turn; past that: 503 with Retry-After
    max_parallel_uploads: int = 2
    upload_queue: int = 8
    #: slow clients (server/http.py): a request's headers complete within this many
    #: seconds, its whole body within `body_timeout` of the headers' end; else 408, closed
    header_timeout: float = 10.0
    body_timeout: float = 60.0
    #: token -> submitter name, parsed from `submit_token` when the settings are made
    submitters: dict[str, str] = field(init=False, repr=False, compare=False)
    #: where the dumps are: `dumps_dir`, else `{data_dir}/dumps`, made absolute
    dumps_path: Path = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", normalise_base(self.base))
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.dumps_dir is not None:
            object.__setattr__(self, "dumps_dir", Path(self.dumps_dir))
        dumps = self.dumps_dir if self.dumps_dir is not None else self.data_dir / "dumps"
        object.__setattr__(self, "dumps_path", dumps.absolute())
        if self.store_url:
            self._remote_layout(self.store_url.rstrip("/"))
        for name in (
            "query_timeout",
            "max_query_bytes",
            "max_result_rows",
            "max_nesting",
            "max_operators",
            "catalog_page_size",
            "max_triples",
            "validation_timeout",
            "max_parallel_uploads",
        ):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{variable(name)}: {name} must be positive")
        if self.upload_queue < 0:
            raise SettingsError(f"{variable('upload_queue')}: upload_queue must not be negative")
        # timers: NaN and inf refused too
        for name in ("header_timeout", "body_timeout", "feed_timeout", "store_write_timeout"):
            if not 0 < getattr(self, name) < math.inf:
                raise SettingsError(f"{variable(name)}: {name} must be positive seconds")
        if self.validation_memory < MIN_VALIDATION_MEMORY:
            raise SettingsError(
                f"{variable('validation_memory')}: validation_memory must be at least "
                f"{MIN_VALIDATION_MEMORY} (MiB; a validation worker needs about 300 to start "
                "and check a small dataset)"
            )
        if self.workers < 1:
            raise SettingsError(f"{variable('workers')}: workers must be at least 1")
        if self.replica_memory < 0:
            raise SettingsError(
                f"{variable('replica_memory')}: replica_memory must be 0 (no replica) or more MiB"
            )
        try:
            submitters = parse_token_list(self.submit_token, "submitter")
        except TokenListError as exc:
            raise SettingsError(f"POB_SUBMIT_TOKEN: {exc}") from exc
        object.__setattr__(self, "submitters", submitters)

    def _remote_layout(self, url: str) -> None:
        """The engine's kind and its endpoints (those not given) from `store_url`."""
        engine = self.store_engine or ("virtuoso" if url.endswith("/sparql") else "oxigraph")
        if engine not in ENGINES:
            raise SettingsError(
                f"POB_STORE_ENGINE: {engine!r} is not one of {', '.join(sorted(ENGINES))}"
            )
        object.__setattr__(self, "store_engine", engine)
        if bool(self.store_user) != bool(self.store_password):
            raise SettingsError(
                "POB_STORE_USER, POB_STORE_PASSWORD: give both (the engine's credentials) "
                "or neither"
            )
        if engine == "virtuoso":  # /sparql, and the /sparql-auth twins with credentials
            root, auth = url.removesuffix("/sparql"), "-auth" if self.store_user else ""
            layout = (url, f"{root}/sparql{auth}", f"{root}/sparql-graph-crud{auth}")
        else:
            layout = (url + "/query", url + "/update", url + "/store")
        for name, value in zip(
            ("store_query_url", "store_update_url", "store_gsp_url"), layout, strict=True
        ):
            if not getattr(self, name):
                object.__setattr__(self, name, value)

    @property
    def embedded(self) -> bool:
        return not self.store_url

    def graph(self, name: str) -> str:
        """The IRI of one of our named graphs (`{base}graph/{name}`)."""
        return f"{self.base}graph/{name}"


_ENV: dict[str, tuple[str, type]] = {
    "POB_BASE": ("base", str),
    "POB_DATA_DIR": ("data_dir", Path),
    "POB_STORE_URL": ("store_url", str),
    "POB_STORE_QUERY_URL": ("store_query_url", str),
    "POB_STORE_UPDATE_URL": ("store_update_url", str),
    "POB_STORE_GSP_URL": ("store_gsp_url", str),
    "POB_STORE_ENGINE": ("store_engine", str),
    "POB_STORE_USER": ("store_user", str),
    "POB_STORE_PASSWORD": ("store_password", str),
    "POB_STORE_WRITE_TIMEOUT": ("store_write_timeout", float),
    "POB_WRITE_TOKEN": ("write_token", str),
    "POB_QUERY_TIMEOUT": ("query_timeout", float),
    "POB_MAX_QUERY_BYTES": ("max_query_bytes", int),
    "POB_MAX_RESULT_ROWS": ("max_result_rows", int),
    "POB_MAX_NESTING": ("max_nesting", int),
    "POB_MAX_OPERATORS": ("max_operators", int),
    "POB_MAX_UPLOAD_BYTES": ("max_upload_bytes", int),
    "POB_PUBLIC_URL": ("public_url", str),
    "POB_WORKERS": ("workers", int),
    "POB_REPLICA_MEMORY": ("replica_memory", int),
    "POB_QUERIES_DIR": ("queries_dir", Path),
    "POB_DUMPS_DIR": ("dumps_dir", Path),
    "POB_CATALOG_PAGE_SIZE": ("catalog_page_size", int),
    "POB_SUBMIT_TOKEN": ("submit_token", str),
    "POB_MAX_TRIPLES": ("max_triples", int),
    "POB_VALIDATION_TIMEOUT": ("validation_timeout", float),
    "POB_VALIDATION_MEMORY": ("validation_memory", int),
    "POB_MAX_PARALLEL_UPLOADS": ("max_parallel_uploads", int),
    "POB_UPLOAD_QUEUE": ("upload_queue", int),
    "POB_HEADER_TIMEOUT": ("header_timeout", float),
    "POB_BODY_TIMEOUT": ("body_timeout", float),
    "POB_FEED_TIMEOUT": ("feed_timeout", float),
}


def variable(field_name: str) -> str:
    """The environment variable of a settings field (for messages)."""
    return next((var for var, (name, _) in _ENV.items() if name == field_name), field_name)


def from_env(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from `POB_*` variables (empty values count as unset), then `overrides`."""
    env = os.environ if env is None else env
    values: dict[str, object] = {}
    for var, (name, kind) in _ENV.items():
        raw = env.get(var, "").strip()
        if not raw:
            continue
        try:
            values[name] = kind(raw.replace("_", "") if kind in (int, float) else raw)
        except ValueError as exc:
            raise SettingsError(f"{var}={raw!r}: expected {kind.__name__}") from exc
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)  # type: ignore[arg-type]

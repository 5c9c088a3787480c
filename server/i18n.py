"""The query UI's words in Danish and English, and the choice between them.

Every string the page shows is in :data:`STRINGS` (one entry, both languages), so a missing
translation fails the test in ``tests/server/test_ui.py``. The language is ``?lang=da|en``
when given, else the best match in ``Accept-Language``, else Danish.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("da", "en")
DEFAULT = "da"
#: the name of each language in itself, for the switch
NAMES = {"da": "Dansk", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "title": {
        "da": "POB-vidensgrafen – SPARQL-forespørgsler",
        "en": "POB Knowledge Graph – SPARQL queries",
    },
    "site": {"da": "POB-vidensgrafen", "en": "POB Knowledge Graph"},
    "skip": {"da": "Spring til indholdet", "en": "Skip to content"},
    "language_nav": {"da": "Sprog", "en": "Language"},
    "heading": {"da": "Forespørg i vidensgrafen", "en": "Query the knowledge graph"},
    "intro": {
        "da": "Skriv en SPARQL 1.1-forespørgsel, eller vælg et færdigt eksempel. "
        "Forespørgslerne sendes til",
        "en": "Write a SPARQL 1.1 query, or pick a ready example. Queries are sent to",
    },
    "read_only": {
        "da": "Tjenesten kan kun læses: opdateringer (SPARQL Update) afvises.",
        "en": "The service is read-only: updates (SPARQL Update) are refused.",
    },
    "examples": {"da": "Færdige forespørgsler", "en": "Ready queries"},
    "example_label": {"da": "Navngiven forespørgsel", "en": "Named query"},
    "load": {"da": "Indsæt i editoren", "en": "Put in the editor"},
    "load_and_run": {"da": "Indsæt og kør", "en": "Put in and run"},
    "no_examples": {
        "da": "Der er ingen navngivne forespørgsler.",
        "en": "There are no named queries.",
    },
    "api_hint": {
        "da": "Hver forespørgsel kan også hentes direkte fra",
        "en": "Each query can also be fetched directly from",
    },
    "editor": {"da": "Editor og resultater", "en": "Editor and results"},
    "editor_help": {
        "da": "Ctrl+Enter kører forespørgslen. Esc forlader editoren, så Tab flytter "
        "fokus videre. Ctrl+Mellemrum foreslår præfikser.",
        "en": "Ctrl+Enter runs the query. Esc leaves the editor, so that Tab moves focus "
        "on. Ctrl+Space suggests prefixes.",
    },
    "tab_name": {"da": "Forespørgsel", "en": "Query"},
    "noscript": {
        "da": "Editoren kræver JavaScript. Uden den kan du sende forespørgsler direkte til "
        "endpointet, fx GET /sparql?query=…",
        "en": "The editor needs JavaScript. Without it, send queries to the endpoint "
        "directly, e.g. GET /sparql?query=…",
    },
    "loading": {"da": "Henter forespørgslen …", "en": "Fetching the query …"},
    "loaded": {
        "da": "Forespørgslen er sat ind i editoren.",
        "en": "The query is in the editor.",
    },
    "linked": {
        "da": "Forespørgslen fra linket er sat ind i editoren; Ctrl+Enter kører den.",
        "en": "The query from the link is in the editor; Ctrl+Enter runs it.",
    },
    "running": {"da": "Kører forespørgslen …", "en": "Running the query …"},
    "done_rows": {"da": "Færdig: {n} rækker.", "en": "Done: {n} rows."},
    "done": {"da": "Færdig.", "en": "Done."},
    "failed": {"da": "Fejl: {message}", "en": "Error: {message}"},
    "more": {"da": "Mere", "en": "More"},
    "network": {
        "da": "Netværket for privat-offentlige bysamarbejder (lænkede data: kommuner, "
        "rapporter, kilder)",
        "en": "The network for private-public urban partnerships (linked data: "
        "municipalities, reports, sources)",
    },
    "docs": {"da": "API-dokumentation (OpenAPI)", "en": "API documentation (OpenAPI)"},
    "query_list": {
        "da": "Navngivne forespørgsler som JSON",
        "en": "Named queries as JSON",
    },
    "description_link": {
        "da": "Tjenestebeskrivelse (SPARQL Service Description, Turtle)",
        "en": "Service description (SPARQL Service Description, Turtle)",
    },
    "footer": {
        "da": "Åbne data om privat-offentlige bysamarbejder (POB).",
        "en": "Open data about private-public urban partnerships (POB).",
    },
}


def strings(lang: str) -> dict[str, str]:
    """Every UI string in `lang` (one of :data:`LANGUAGES`)."""
    return {key: texts[lang] for key, texts in STRINGS.items()}


def _accepted(header: str) -> list[tuple[float, int, str]]:
    ranges = []
    for position, item in enumerate(header.split(",")):
        tag, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag:
            ranges.append((quality, position, tag.lower()))
    return ranges


def choose(asked: str | None, accept_language: str | None) -> str:
    """`asked` (``?lang=``) if we have it, else the client's preference, else Danish."""
    if asked and asked.lower() in LANGUAGES:
        return asked.lower()
    best: tuple[float, int] | None = None
    chosen = DEFAULT
    for quality, position, tag in _accepted(accept_language or ""):
        primary = tag.split("-")[0]
        if quality <= 0 or primary not in LANGUAGES:
            continue
        if best is None or (quality, -position) > (best[0], -best[1]):
            best, chosen = (quality, position), primary
    return chosen

"""The `pob` command: a thin shell over the library.

Commands are grouped by concern in sibling modules, each registering on `app`.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="pob",
    help="POB Knowledge Graph: validate, query, infer, export, build and serve.",
    no_args_is_help=True,
    add_completion=False,
)

# Register command modules (import for side effects).
import pob.cli.graph_cmds  # noqa: E402
import pob.cli.service_cmds  # noqa: E402
import pob.cli.submit_cmds  # noqa: E402,F401

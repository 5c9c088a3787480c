"""The `pob` command: a thin shell over the library.

Commands are grouped by concern in sibling modules, each registering on `app`.
"""

from __future__ import annotations

import typer

from pob import __version__

app = typer.Typer(
    name="pob",
    help="POB Knowledge Graph: validate, query, infer, export, build and serve.",
    no_args_is_help=True,
    add_completion=False,
)


def _version(shown: bool) -> None:
    if shown:
        typer.echo(f"pob {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """POB Knowledge Graph: validate, query, infer, export, build and serve."""


# Register command modules (import for side effects).
import pob.cli.graph_cmds  # noqa: E402
import pob.cli.service_cmds  # noqa: E402
import pob.cli.submit_cmds  # noqa: E402,F401

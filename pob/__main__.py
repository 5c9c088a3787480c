"""`python -m pob` runs the CLI."""

from pob.cli import app

app()

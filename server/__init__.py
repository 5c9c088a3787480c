"""The HTTP service (FastAPI): a thin shell over the `pob` library. See README.md."""

from server.app import create_app

__all__ = ["create_app"]

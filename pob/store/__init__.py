"""Stores of named graphs: one interface (:mod:`pob.store.base`), two implementations.

`make_store(settings)` picks the embedded store, or the remote engine when
`settings.store_url` is set. Imports are lazy so that :mod:`pob.store.errors` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pob.settings import Settings
    from pob.store.base import Store


def make_store(settings: Settings) -> Store:
    """The store the settings ask for (not yet opened)."""
    if settings.store_url:
        from pob.store.remote import RemoteStore

        return RemoteStore(settings)
    from pob.store.embedded import EmbeddedStore

    return EmbeddedStore(settings)

"""Stores of named graphs: one interface (:mod:`pob.store.base`), two implementations.

`make_store(settings)` picks the embedded store, or the remote engine when
`settings.store_url` is set; it is the only place that names either class, and callers
use the interface alone (no private members). Imports are lazy so that
:mod:`pob.store.errors` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pob.settings import Settings
    from pob.store.base import Store, WriteHooks


def make_store(settings: Settings, hooks: WriteHooks | None = None) -> Store:
    """The store the settings ask for (not yet opened); `hooks` are for tests only."""
    if settings.store_url:
        from pob.store.remote import RemoteStore

        return RemoteStore(settings, hooks)
    from pob.store.embedded import EmbeddedStore

    return EmbeddedStore(settings, hooks)

"""The base every request handler shares: access to the content store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from factskill.content import ContentStore

if TYPE_CHECKING:
    from factskill.memory import Memory


class StoreHandler(AbstractRequestHandler):
    """A request handler that answers from the content store (and listener memory, when on)."""

    def __init__(self, store: ContentStore, memory: Memory | None = None) -> None:
        self.store = store
        self.memory = memory

"""The base every request handler shares: access to the content store."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from factskill.content import ContentStore


class StoreHandler(AbstractRequestHandler):
    """A request handler that answers from the content store."""

    def __init__(self, store: ContentStore) -> None:
        self.store = store

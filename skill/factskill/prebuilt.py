"""Pure: a marker for data that is already JSON-ready and never changes."""

from __future__ import annotations

from typing import Any


class Prebuilt(dict[str, Any]):
    """A JSON-ready mapping built once (the APL document): serialized as is, not walked again."""

"""The SDK's serializer, with one shortcut that keeps its results the same.

Data that is already JSON-ready (Prebuilt: the APL document) is returned as it is, not walked
node by node on every request. Only the public ``serialize`` is overridden;
tests/unit/test_serializer.py proves every response equals the SDK's own serializer's.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.serialize import DefaultSerializer

from factskill.prebuilt import Prebuilt


class SkillSerializer(DefaultSerializer):
    """DefaultSerializer that passes Prebuilt data through."""

    def serialize(self, obj: Any) -> Any:
        if type(obj) is Prebuilt:
            return obj
        return super().serialize(obj)

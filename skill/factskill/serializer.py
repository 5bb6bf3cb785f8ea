"""The SDK's serializer, with two shortcuts that keep its results the same.

1. Data that is already JSON-ready (Prebuilt: the APL document) is returned as it is, not walked
   node by node on every request.
2. ISO 8601 timestamps, which is all Alexa sends, are parsed by the standard library. The SDK
   hands every one of them to dateutil's general parser, a quarter of the time it spends per
   request; anything that is not ISO 8601 still goes there.

The second overrides DefaultSerializer's private `__deserialize_datetime` (by its mangled name):
ask-sdk-core is pinned in skill/requirements.txt, and tests/unit/test_serializer.py fails if
the SDK stops calling it or if the results differ.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer

from factskill.prebuilt import Prebuilt


class SkillSerializer(DefaultSerializer):
    """DefaultSerializer with the shortcuts above."""

    def serialize(self, obj: Any) -> Any:
        if type(obj) is Prebuilt:
            return obj
        return super().serialize(obj)

    def _DefaultSerializer__deserialize_datetime(
        self, payload: Any, obj_type: Any
    ) -> Any:  # the SDK's mangled name
        if isinstance(payload, str):
            try:
                parsed = datetime.fromisoformat(payload)
            except ValueError:
                pass
            else:
                return parsed.date() if obj_type is date else parsed
        return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)  # type: ignore[misc]

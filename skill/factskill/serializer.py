"""The SDK's serializer, with its public ``serialize`` made faster and kept exactly equal.

DefaultSerializer.serialize rebuilds a model's attribute map and walks it with two getattr calls
per field, for every node of every response. This one does the same walk with the field list of
each model class computed once, and returns Prebuilt data (the APL document) as it is. Anything
but models, dicts, lists and primitives (tuples, dates, enums, decimals) goes to the SDK's own
method. Only the public method is overridden; tests/unit/test_serializer.py proves the results
equal the SDK's serializer's for every response and for generated model trees.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.serialize import DefaultSerializer

from factskill.prebuilt import Prebuilt
from factskill.session import StateAttributes

Fields = tuple[tuple[str, str], ...]


class SkillSerializer(DefaultSerializer):
    """DefaultSerializer with a faster, equal ``serialize``."""

    def __init__(self) -> None:
        super().__init__()
        self._fields: dict[type, Fields | None] = {}
        self._primitives = tuple(self.PRIMITIVE_TYPES)

    def _fields_of(self, cls: type) -> Fields | None:
        """(attribute, JSON key) of a model class, or None for what the SDK serializes itself."""
        if cls not in self._fields:
            types = getattr(cls, "deserialized_types", None)
            if isinstance(types, dict) and not issubclass(cls, tuple):
                names: dict[str, str] = getattr(cls, "attribute_map", None) or {}
                self._fields[cls] = tuple((str(a), names.get(a) or str(a)) for a in types)
            else:
                self._fields[cls] = None
        return self._fields[cls]

    def serialize(self, obj: Any) -> Any:
        if obj is None or isinstance(obj, self._primitives):
            return obj
        cls = type(obj)
        if cls is Prebuilt:
            return obj
        if cls is list:
            return [self.serialize(item) for item in obj]
        if cls is dict or cls is StateAttributes:
            return {key: self.serialize(value) for key, value in obj.items()}
        fields = self._fields_of(cls)
        if fields is None:
            return super().serialize(obj)
        serialized = {}
        for attr, key in fields:
            value = getattr(obj, attr)
            if value is not None:
                serialized[key] = self.serialize(value)
        return serialized

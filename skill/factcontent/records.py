"""Record: an immutable value with named, typed fields, cheap to define.

typing.NamedTuple and dataclasses generate and compile code for every class they define: about
0.5 ms (NamedTuple) and 0.6 ms (frozen dataclass) of the skill's cold start per class, measured
with Python 3.13. A Record class costs a class statement; type checkers see a frozen dataclass
(PEP 681, dataclass_transform).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, dataclass_transform


@dataclass_transform(frozen_default=True)
class Record:
    """Fields are the class's annotations, in order; a class attribute is a field's default."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    _field_set: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = tuple(name for name in cls.__annotations__ if not name.startswith("_"))
        cls._fields = (*cls._fields, *own)
        cls._defaults = {**cls._defaults, **{n: cls.__dict__[n] for n in own if n in cls.__dict__}}
        cls._field_set = frozenset(cls._fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if not args and kwargs.keys() == self._field_set:  # the common case, made fast
            object.__setattr__(self, "__dict__", kwargs)
            return
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} fields, got {len(args)}")
        values = dict(zip(fields, args, strict=False))
        for name, value in kwargs.items():
            if name not in fields or name in values:
                raise TypeError(f"{type(self).__name__}: unexpected or repeated field {name!r}")
            values[name] = value
        if len(values) < len(fields):
            for name in fields:
                if name not in values:
                    if name not in self._defaults:
                        raise TypeError(f"{type(self).__name__}: missing field {name!r}")
                    values[name] = self._defaults[name]
        object.__setattr__(self, "__dict__", values)

    def _replace(self, **changes: Any) -> Any:
        """Return a copy with `changes` (as NamedTuple._replace)."""
        return type(self)(**{**self.__dict__, **changes})

    def _values(self) -> tuple[Any, ...]:
        return tuple(self.__dict__[name] for name in self._fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

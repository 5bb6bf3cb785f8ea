"""Record: immutable named fields, as NamedTuple gave them, at a class statement's cost."""

from __future__ import annotations

import pytest

from factcontent.records import Record


class Point(Record):
    x: int
    y: int = 0
    label: str = ""


class Point3(Point):
    z: int = 0


def test_record_takes_positional_keyword_and_default_fields() -> None:
    assert Point(1, 2, "a") == Point(x=1, y=2, label="a") == Point(1, label="a", y=2)
    assert Point(5) == Point(x=5, y=0, label="")
    assert Point(1).y == 0 and Point(1, 2).label == ""


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing field 'x'"),
        ((1, 2, "a", 4), {}, "takes 3 fields"),
        ((1,), {"x": 2}, "repeated field 'x'"),
        ((), {"x": 1, "nope": 2}, "unexpected or repeated field 'nope'"),
    ],
)
def test_record_rejects_wrong_fields(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        Point(*args, **kwargs)  # type: ignore[arg-type]


def test_record_is_immutable() -> None:
    point = Point(1)
    with pytest.raises(AttributeError, match="immutable"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del point.x  # type: ignore[misc]


def test_record_equality_hash_iteration_repr_and_replace() -> None:
    assert Point(1, 2) != Point(1, 3)
    assert Point(1, 2) != Point3(1, 2)  # another type is never equal
    assert len({Point(1, 2), Point(1, 2), Point(2, 1)}) == 2
    assert tuple(Point(1, 2, "a")) == (1, 2, "a")
    assert repr(Point(1, 2, "a")) == "Point(x=1, y=2, label='a')"
    assert Point(1, 2)._replace(y=5) == Point(1, 5)


def test_record_subclasses_extend_the_fields_of_their_base() -> None:
    assert Point3(1, 2, "a", 3).z == 3
    assert tuple(Point3(1)) == (1, 0, "", 0)

"""A small vocabulary for writing Domino's documented JSON shapes by hand.

    obj(id=req(STR), title=STR)          an object: `id` required, `title` optional
    arr(STR), enum("asc", "desc"), one_of(STR, obj(revisionId=req(STR)))

An object is closed (an undocumented field is a violation) unless `open_obj` says that
Domino's description of it is incomplete. An optional field may be absent or null (python-
domino sends null for unset optional fields, e.g. `commitId` of a job start); a required one
must be present and, unless `nullable`, not null.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Shape:
    kind: str  # string, integer, number, boolean, object, array, any, one_of
    fields: tuple[tuple[str, Field], ...] = ()
    items: Shape | None = None
    variants: tuple[Shape, ...] = ()
    enum: tuple[str, ...] = ()
    fmt: str = ""  # "date-time": an ISO 8601 string
    open: bool = False

    def field_map(self) -> dict[str, Field]:
        return dict(self.fields)

    def describe(self) -> str:
        if self.kind == "array" and self.items is not None:
            return f"array of {self.items.describe()}"
        if self.kind == "one_of":
            return " or ".join(v.describe() for v in self.variants)
        if self.enum:
            return "one of " + ", ".join(repr(v) for v in self.enum)
        return f"{self.kind} ({self.fmt})" if self.fmt else self.kind


@dataclass(frozen=True)
class Field:
    shape: Shape
    required: bool = False
    nullable: bool = False


FieldLike = Field | Shape

STR = Shape("string")
INT = Shape("integer")
NUM = Shape("number")
BOOL = Shape("boolean")
ANY = Shape("any")
DATE_TIME = Shape("string", fmt="date-time")
# raw bytes (a file upload's body, a file's content): nothing JSON to check
RAW = Shape("any", fmt="raw")


def req(shape: Shape, *, nullable: bool = False) -> Field:
    return Field(shape, required=True, nullable=nullable)


def _field(value: FieldLike) -> Field:
    return value if isinstance(value, Field) else Field(value)


def obj(**fields: FieldLike) -> Shape:
    return Shape("object", fields=tuple((k, _field(v)) for k, v in fields.items()))


def open_obj(**fields: FieldLike) -> Shape:
    """An object whose documented fields are checked; others are allowed, since Domino's
    description of it is incomplete (a README example, a test's mock)."""
    return Shape("object", fields=tuple((k, _field(v)) for k, v in fields.items()), open=True)


def arr(item: Shape) -> Shape:
    return Shape("array", items=item)


def enum(*values: str) -> Shape:
    return Shape("string", enum=values)


def one_of(*variants: Shape) -> Shape:
    return Shape("one_of", variants=variants)


@dataclass(frozen=True)
class Flavored:
    """A shape that differs between Domino versions: keyed by API flavor ("5.0", "latest")."""

    by_flavor: dict[str, Shape] = field(default_factory=dict)

    def get(self, flavor: str) -> Shape | None:
        # 5.10 answers in 5.0's shapes where no 5.10 entry says otherwise (local/api/flavor.py)
        if flavor not in self.by_flavor and flavor == "5.10":
            flavor = "5.0"
        return self.by_flavor.get(flavor)


FLAVORS = ("5.0", "latest")


def for_flavor(shape: Shape | Flavored | None, flavor: str) -> Shape | None:
    return shape.get(flavor) if isinstance(shape, Flavored) else shape

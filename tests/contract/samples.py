"""The smallest value a shape accepts: every required field, nothing else. The checker's
unit tests start from it and break one thing at a time."""

from __future__ import annotations

from typing import Any

from .shapes import Shape

_SCALARS: dict[str, Any] = {"string": "x", "integer": 1, "number": 1.5, "boolean": False}


def sample(shape: Shape) -> Any:
    if shape.kind == "one_of":
        return sample(shape.variants[0])
    if shape.enum:
        return shape.enum[0]
    if shape.fmt == "date-time":
        return "2024-01-02T03:04:05.678Z"
    if shape.kind == "array":
        return [sample(shape.items)] if shape.items is not None else []
    if shape.kind == "object":
        return {name: sample(f.shape) for name, f in shape.fields if f.required}
    return _SCALARS.get(shape.kind)

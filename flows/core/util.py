"""Small helpers shared by the stages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def unique_in_order(values: Iterable[T]) -> list[T]:
    """The truthy values, first occurrence of each, in their original order."""
    out: list[T] = []
    for v in values:
        if v and v not in out:
            out.append(v)
    return out

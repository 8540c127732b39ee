"""Linking stage: evidence mentions of one incident, within and across articles, become one incident.

`link_mentions` is loaded on first use (PEP 562): `flows.link.groups`, which extraction workers
use, needs no pandas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flows.link.keys import link_mentions

__all__ = ["link_mentions"]


def __getattr__(name: str) -> Any:
    if name == "link_mentions":
        from flows.link.keys import link_mentions

        return link_mentions
    raise AttributeError(f"module 'flows.link' has no attribute {name!r}")

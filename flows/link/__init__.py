"""Linking stage: evidence mentions of one incident, within and across articles, become one incident."""

from flows.link.keys import link_mentions

__all__ = ["link_mentions"]

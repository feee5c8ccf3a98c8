"""Matching: link service items to powers (catalogue matching) and pair two power lists one to one."""

from __future__ import annotations

from quanze.match.catalogue import match_catalogue
from quanze.match.model import (
    Decision,
    DecisionBook,
    Link,
    MatchOptions,
    MatchResult,
    Method,
    Status,
    power_key,
    service_key,
)
from quanze.match.pairing import Pair, Pairing, match_lists
from quanze.match.scoring import action_stem, similarity, twin_clash

__all__ = [
    "Decision",
    "DecisionBook",
    "Link",
    "MatchOptions",
    "MatchResult",
    "Method",
    "Pair",
    "Pairing",
    "Status",
    "action_stem",
    "match_catalogue",
    "match_lists",
    "power_key",
    "service_key",
    "similarity",
    "twin_clash",
]

"""The candidate index (match.candidates): fuzzy candidates are the targets sharing the most weighted bigrams."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from quanze.match.candidates import Index, _grams
from quanze.match.scoring import prepare

WORDS = [
    "食品",
    "生产",
    "经营",
    "许可",
    "燃气",
    "道路",
    "运输",
    "登记",
    "企业",
    "设立",
    "变更",
    "审批",
    "药品",
]
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map("".join)


def _by_hand(index: Index, text: str, k: int) -> list[int]:
    """Every target's weight summed gram by gram, sorted heaviest first and ties by index: the first k."""
    n = max(len(index.targets), 1)
    weights: dict[int, float] = {}
    for g in _grams(text):
        holders = [i for i, t in enumerate(index.targets) if g in _grams(t.core) | _grams(t.alt_core or "")]
        for i in holders:
            weights[i] = weights.get(i, 0.0) + math.log(1 + n / len(holders))
    return sorted(weights, key=lambda i: (-weights[i], i))[:k]


@settings(max_examples=200, deadline=None)
@given(st.lists(names, min_size=1, max_size=12), names, st.integers(1, 6))
def test_fuzzy_candidates_are_the_heaviest_targets_and_asking_again_gives_the_same(
    powers: list[str], query: str, k: int
) -> None:
    index = Index([prepare(p, None, None, None) for p in powers])
    first = index.fuzzy_candidates(query, k)
    assert list(first) == _by_hand(index, query, k)
    assert index.fuzzy_candidates(query, k) == first
    assert list(index.fuzzy_candidates(query, k + 1))[:k] == list(first)


def test_a_code_extends_a_power_code_only_past_its_main_item() -> None:
    # 000522010000 is the main item 000522010 padded: its handling items are 000522010xxx. 000522013000 is
    # another main item (临时救助 beside 特困人员认定), not under it, though it starts with 00052201.
    powers = [
        prepare("特困人员认定", None, "000522010000", None),
        prepare("临时救助", None, "000522013000", None),
    ]
    index = Index(powers)
    assert list(index.code_hits("000522010001")) == [(0, False)]
    assert list(index.code_hits("000522013002")) == [(1, False)]
    assert list(index.code_hits("000522013000")) == [(1, True)]
    # A province's own style behaves the same: 42GF055023001 is not under 42GF055020000.
    index = Index([prepare("特困人员认定", None, "42GF055020000", None)])
    assert list(index.code_hits("42GF055023001")) == []
    assert list(index.code_hits("42GF055020001")) == [(0, False)]

"""The one candidate collector: codes, exact core names and a bigram index over a partition's targets."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache

from quanze.match import memo
from quanze.match.abbrev import Vocabulary
from quanze.match.scoring import Candidate, Finished, Prepared, Scorer, action_stem, target_key


@lru_cache(maxsize=memo.PAIRS)
def _grams(text: str) -> frozenset[str]:
    """A name's character bigrams, worked out once a name: units share most of their names."""
    if len(text) < 2:
        return frozenset((text,)) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


@lru_cache(maxsize=memo.NAMES)
def _target_grams(core: str, alt_core: str | None) -> frozenset[str]:
    """A target's bigrams, of its own name and its main item's: every unit indexes the same powers."""
    return _grams(core) | _grams(alt_core) if alt_core else _grams(core)


class Index:
    """Lookups over one partition's targets: by code, by core name, and a character-bigram index."""

    def __init__(self, targets: Sequence[Prepared]) -> None:
        self.targets = targets
        self.by_code: dict[str, list[int]] = defaultdict(list)
        self.by_stem: dict[str, list[int]] = defaultdict(list)
        self.by_core: dict[str, list[int]] = defaultdict(list)
        self.by_stem_name: dict[str, list[int]] = defaultdict(list)
        self.by_main: dict[str, list[int]] = defaultdict(list)  # sub-items by their main item's name
        self.keys = [target_key(t) for t in targets]  # what scoring remembers each target's links by
        postings: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(targets):
            if t.code:
                self.by_code[t.code].append(i)
            if t.code_stem:
                self.by_stem[t.code_stem].append(i)
            self.by_core[t.core].append(i)
            self.by_stem_name[t.stem].append(i)
            if t.alt_core:
                self.by_core[t.alt_core].append(i)
                self.by_main[t.alt_core].append(i)
            for part in t.parts:
                self.by_core[part].append(i)
            for g in _target_grams(t.core, t.alt_core):
                postings[g].append(i)
        # Stem lengths present, longest first: a code is cut only to lengths some target's stem has.
        self.stem_lengths = sorted({len(s) for s in self.by_stem}, reverse=True)
        n = max(len(targets), 1)
        # Bigrams found in most targets (许可, 管理 …) say little; their weight falls with frequency.
        self.postings = {g: (ids, math.log(1 + n / len(ids))) for g, ids in postings.items()}
        self._fuzzy: dict[tuple[str, int], tuple[int, ...]] = {}

    def code_hits(self, code: str | None) -> Iterable[tuple[int, bool]]:
        """Targets whose code equals this one (True) or whose code this one extends (False)."""
        if not code:
            return
        seen: set[int] = set()
        for i in self.by_code.get(code, ()):
            seen.add(i)
            yield i, True
        # This code extends a target's code without its zero padding (a handling item under its power):
        # only the longest such stem counts, as shorter ones belong to neighbouring items.
        for cut in self.stem_lengths:
            if cut >= len(code):
                continue
            hits = [i for i in self.by_stem.get(code[:cut], ()) if i not in seen]
            if hits:
                for i in hits:
                    yield i, False
                return

    def fuzzy_candidates(self, text: str, k: int) -> tuple[int, ...]:
        """The k targets sharing the most (weighted) bigrams with `text`, worked out once a text."""
        known = self._fuzzy.get((text, k))
        if known is not None:
            return known  # the handling items of one power (新办, 变更 …) ask with the same core
        weights: dict[int, float] = {}
        weight = weights.get
        postings = self.postings
        for g in _grams(text):
            hit = postings.get(g)
            if hit is None:
                continue
            ids, w = hit
            for i in ids:
                weights[i] = weight(i, 0.0) + w
        # The k heaviest, ties by index: what sorting them all and keeping the first k gives.
        found = tuple(i for _, i in heapq.nsmallest(k, [(-w, i) for i, w in weights.items()]))
        self._fuzzy[(text, k)] = found
        return found


@lru_cache(maxsize=memo.PAIRS)
def _lookups(vocab: Vocabulary, forms: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The names a source is looked up by (its name forms, and each read with abbreviations in full or
    shortened), each with its action stem, in the order `collect` tries them: worked out once a source."""
    cores: Collection[str] = set(forms) - {""} if len(forms) > 1 else forms
    # A name written with an abbreviation (社保卡补领) is looked up in full too, and a full name shortened.
    read = [v for core in cores for v, _ in vocab.variants(core)]
    if read:
        cores = {*cores, *read}
    return tuple((core, action_stem(core)) for core in cores)


def collect(
    src: Prepared,
    index: Index,
    scorer: Scorer,
    *,
    parent: Prepared | None = None,
    rejected: Collection[int] = (),
    handling_forms: bool = True,
) -> dict[int, Candidate]:
    """The targets worth scoring for one source, each with its best candidate link (target index → candidate).

    Codes first (the source's and the parent's it names), then equal core names and action stems, and only
    when none of those is strong, the targets sharing the most name bigrams. A service item is also looked
    up by its name with the handling word put back and taken out (`handling_forms`); a power of another list
    by its core name alone. Rejected targets are never scored.
    """
    options = scorer.options
    found: dict[int, Finished] = {}  # the best finished link of each target scored so far
    score = scorer.keyed(src, parent)
    targets, keys = index.targets, index.keys

    # Targets already scored by name alone: found again by another name form or query, they score the same.
    tried: set[int] = set()

    def consider(t: int, code_exact: bool | None) -> None:
        if t in rejected:
            return
        done = score(keys[t], targets[t], code_exact)
        if done is not None:
            best = found.get(t)
            if best is None or done[0] > best[0]:
                found[t] = done

    for code in {src.code, parent.code if parent else None} - {None}:
        for t, exact in index.code_hits(code):
            consider(t, exact)
    by_core, by_stem_name = index.by_core, index.by_stem_name
    forms = (
        (src.core, src.full, src.bare or "", parent.core if parent else "") if handling_forms else (src.core,)
    )
    for core, stem in _lookups(scorer.vocabulary, forms):
        for hits in (by_core.get(core, ()), by_stem_name.get(stem, ())):
            for t in hits:
                if t not in tried:
                    tried.add(t)
                    consider(t, None)
    if not any(done[0] >= options.match_threshold for done in found.values()):
        for q in [src.core] + ([parent.core] if parent else []):
            for t in index.fuzzy_candidates(q, options.candidates):
                if t not in tried:
                    tried.add(t)
                    consider(t, None)
    return {t: Candidate(t, *done) for t, done in found.items()}

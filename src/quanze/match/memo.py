"""How much matching remembers: the bounds of its memos (names, pairs of names, option sets), in one place."""

from __future__ import annotations

from typing import Final

# Distinct names and what one name says (its parts, its held words): a province holds tens of thousands.
NAMES: Final = 65_536
# Pairs of names, and texts derived from a name (stems, near forms, bigrams): several per name.
PAIRS: Final = 262_144
# Option sets (vocabularies, compiled rules): one per configuration a process matches with.
OPTION_SETS: Final = 64

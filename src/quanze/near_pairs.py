"""Whether an uncertain pairing of a devolved item with a unit's acceptance row has the evidence to stand.

The acceptance check pairs a unit's rows with the devolved items as two versions of a list are paired; a
pairing under review (a near name) counts the item as 已承接. Near names of one item differ by characters
slipped into the middle of the name (档案材料补充 / 档案材相关料补充) or by a shared code; names that differ
by words added at an end (结婚登记 / 结婚登记预约) or by words swapped (定点医疗机构 / 定点零售药店) name
another item, and pairing them would close a gap on an item the unit never listed.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from quanze.match import Pair
from quanze.models import PowerItem
from quanze.normalize import code_key, split_name


def _core(item: PowerItem) -> str:
    return split_name(item.title).core


def slipped_in(a: str, b: str) -> bool:
    """The longer name is the shorter with characters inserted strictly inside it (no end changed, none swapped)."""
    if a == b:
        return True
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    ops = [op for op in Levenshtein.opcodes(shorter, longer) if op.tag != "equal"]
    return (
        len(shorter) >= 4
        and all(op.tag == "insert" for op in ops)
        and all(0 < op.src_start < len(shorter) for op in ops)
    )


def stands(pair: Pair, devolved: PowerItem, listed: PowerItem) -> bool:
    """Whether a pairing under review is kept: the same code, or a name with characters slipped into it."""
    code = code_key(devolved.code)
    if code is not None and code == code_key(listed.code):
        return True
    return slipped_in(_core(devolved), _core(listed))

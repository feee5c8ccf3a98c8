"""Sub-items a handling item ties by their main item's name, told apart by the act each names.

护士延续执业注册 resembles 1.护士执业首次注册, 2.护士执业延续注册 and 3.护士执业注销注册 of 护士执业注册许可 equally
(the words are the same, the order differs), so all three went to review. The act the item names settles most of
it: a sub-item naming the same act (延续) is kept alone; failing one, the sub-items naming a contradicting act (注销
against 新办) are dropped. Links stay in review; only sub-items of one main item are narrowed, and an item naming
no act, or one every sub-item contradicts, is left as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Final

from quanze.match.acts import acts_contradict, named_acts
from quanze.match.model import Status
from quanze.match.scoring import Prepared
from quanze.match.settle import Found, carried

NARROWED_NOTE: Final = "；同一主项下与该办理项所称办理动作不合的子项已排除（{names}）"


def narrow_by_act(
    in_unit: Sequence[int],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
) -> None:
    """Drop, from an item's review links to sub-items of one main item, those its act rules out (see the module)."""
    for si in in_unit:
        found = found_by[si]
        if len(found) < 2 or any(f[3] is Status.MATCHED for f in found):
            continue
        tied = [f for f in found if targets[f[0]].alt_core]
        if len(tied) < 2 or len({targets[f[0]].alt_core for f in tied}) != 1:
            continue
        item = items[si].full
        acts = named_acts(item)
        if not acts:
            continue
        keep = [f for f in tied if named_acts(targets[f[0]].full) & acts] or [
            f for f in tied if not acts_contradict(item, targets[f[0]].full)
        ]
        if not keep or len(keep) == len(tied):
            continue
        dropped = {f[0] for f in tied} - {f[0] for f in keep}
        note = NARROWED_NOTE.format(names="、".join(sorted(targets[t].core for t in dropped)))
        found_by[si] = [
            carried(f, (*f[:4], f[4] + note)) if f in keep else f for f in found if f[0] not in dropped
        ]

"""Whether a rule after the first links may propose a power for an item: one test for every pass that proposes.

A pass that proposes a power on evidence of its own (a code family, a run of words, a kind, a short form read in
full) proposes nothing an analyst rejected for the item, nor a penalty-like power for a licence-like item (or a
penalty's item for anything but a penalty). A pass that proposes on the item's own wording also leaves alone:
- an information service (…信息查询) for a power that is not one (see `inquiries`): wording is all it has, and a
  service naming a power's subject is no act of it; a code family's link to one is the catalogue's own word;
- a power of another department, unless either department is one that implements others' items (行政审批局,
  `vocab.CONCENTRATING_DEPARTMENTS`): scoring reads such a pair as no evidence either way, so no pass may read
  it as evidence against.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from quanze.match.inquiries import inquiry_for_another
from quanze.match.scoring import Prepared
from quanze.vocab import CONCENTRATING_DEPARTMENTS


def departments_apart(mine: str | None, theirs: str | None) -> bool:
    """Whether two known departments differ and neither implements others' items (the 行政审批局 exception)."""
    return bool(mine and theirs and mine != theirs) and not {mine, theirs} & CONCENTRATING_DEPARTMENTS


def proposable(
    item: Prepared,
    t: int,
    targets: Sequence[Prepared],
    refused: Collection[int] = (),
    *,
    inquiry: bool,
    department: bool,
) -> bool:
    """Whether nothing rules out proposing power `t` for the item (see the module).

    `inquiry` and `department`: whether the information-service and the department tests apply, as they do to
    a pass proposing on the item's wording and not to one proposing on a code family's word.
    """
    target = targets[t]
    if t in refused or item.kind_clash(target):
        return False
    if inquiry and inquiry_for_another(item.full, target.full):
        return False
    return not (department and departments_apart(item.dept, target.dept))

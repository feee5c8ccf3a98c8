"""Members of a code family named unlike their power: the one power their linked siblings point at is proposed.

Handling items of one power share the main-item stem of their codes, but not always its words: 城乡居民养老保险
丧葬补助金申领 sits beside …待遇申领 and …待遇暂停、恢复 under 城乡居民基本养老保险待遇给付, and only the last two
resemble it. When every linked member of a family points at one power and nothing else, even in review and with a
key word differing (so the stronger family rules stay silent), the family's unlinked members are proposed for that
power: in review, never matched, since their own names say little for it; but they must share a word with it
(two characters running: 气象 of 气象证明出具 and 历史气象资料查询服务), for a stem may gather a department's
unrelated items (开具无欠税证明 beside 个人所得税递延纳税报告). Two powers among the siblings' links
(a stem two powers share), a few linked members of a large family, a penalty-like power for a licence-like item,
or a power an analyst rejected for the item: nothing is proposed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from typing import Final

from quanze.match.evidence import shared_word
from quanze.match.families import MIN_LINKED_SHARE
from quanze.match.model import MatchOptions, Method, Status
from quanze.match.scoring import Prepared
from quanze.match.settle import Found

SIBLINGS_NOTE: Final = (
    "同一编码族（{stem}）中已有{n}个办理项只指向该事项（含待复核）；该办理项名称与之仅共有“{word}”，"
    "凭编码族提出，需人工确认"
)


def propose_for_unlinked(
    families: Mapping[str, Sequence[int]],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
    rejected: Callable[[int], Collection[int]] = lambda si: (),
) -> None:
    """Propose, for each family's unlinked members, the one power its linked members point at (see the module)."""
    for stem, members in sorted(families.items()):
        linked = [si for si in members if found_by[si]]
        if not linked or len(linked) == len(members):
            continue
        if len(linked) * MIN_LINKED_SHARE < len(members):
            continue  # one linked item of eight says little of the other seven
        owners = {f[0] for si in linked for f in found_by[si]}
        if len(owners) != 1:
            continue  # siblings pointing at two powers: the stem may be shared, a person decides
        (owner,) = owners
        target = targets[owner]
        for si in members:
            if found_by[si] or owner in rejected(si) or items[si].kind_clash(target):
                continue
            word = shared_word(items[si].core, target.full, beyond_generic=True)
            if word is None:
                continue  # nothing in common but the stem: a stem may gather unrelated items
            note = SIBLINGS_NOTE.format(stem=stem, n=len(linked), word=word)
            found_by[si] = [(owner, options.review_threshold, Method.CODE, Status.REVIEW, note)]

"""An item nothing links, among catalogue rows that belong to one power: the catalogue's row order is evidence.

A catalogue lists the handling items of one power together, in a block of rows under one organ (政务服务事项目录
exports list 事项 by 事项): 养犬登记（初次）, 养犬登记证延续, 犬只转让变更登记, 养犬登记证注销. Without codes, an
item named only by its case (犬只转让变更登记, 死亡注销户口 under 户口登记、注销、迁移) has no family to follow, and its
name alone is too unlike the power. Its rows say what a code would:

- **between two rows of one power**: the nearest linked rows above and below it (the same organ, the same sheet,
  rows with nothing linked between) both point at one power and nothing else: that power is proposed;
- **at the edge of a power's rows**: the nearest linked row on one side points at one power, and the item shares a
  word of its subject with that power (two characters running outside acts, licence and closing words: 户口 of
  死亡注销户口 and 户口登记、注销、迁移) that no other power it could be of holds (工伤 of 工伤认定 and 工伤保险待遇
  给付 says neither): that power is proposed. Where a block ends another begins, so the word is
  what says which side the item belongs to; an item sharing a word with both sides' powers is proposed for both.

Always in review, never matched: the rows say where to look, a person confirms. Only items with no code (a
code of one's own that no sibling shares says the item is of another main item; a shared one makes a family,
which speaks for its members), only rows in order (rows of one organ and sheet, row numbers rising), only
neighbours whose links all point at one power and are in no doubt (a key word differing, a tie), at most
MAX_BETWEEN rows between two rows of one power, never a public service (公共服务) beside a power's items
(catalogues list a department's public services next to them), and never a power ruled out for the item: a
proof of facts (…证明开具) for a power not about proofs, a penalty-like power for a licence-like item, a filing
against a licence, an information service against a power that is none, another department's power, one an
analyst rejected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from typing import Final

from quanze.match.distinct_runs import _fits
from quanze.match.families import GENERIC_RUN
from quanze.match.model import MatchOptions, Method, Status
from quanze.match.scoring import KEY_WORD_NOTE, Prepared
from quanze.match.settle import Found, is_tied
from quanze.models import Category, ServiceItem

# The most rows with nothing linked that two rows of one power may hold between them and speak for: a longer gap
# is more often another power's block, or items with no power, than one power's items named unlike it.
MAX_BETWEEN: Final = 2
BETWEEN_NOTE: Final = (
    "目录中该办理项前后相邻的办理项（{above}；{below}）均只指向该事项；凭目录行序提出，需人工确认"
)
EDGE_NOTE: Final = "目录中与该办理项相邻的办理项（{beside}）只指向该事项，该办理项名称与该事项共有“{word}”；凭目录行序提出，需人工确认"


# What a bracket holds says how or for whom (（包括注销、恢复、变更）, （县级）, （含报名）), not what about.
_BRACKETED: Final = re.compile(r"\([^()]*\)|（[^（）]*）")


# An item that issues a proof of facts (…证明开具, …证明出具) is a service of its own, not a handling item of a power
# beside it that is not about proofs (居住证明开具 beside 居住证办理).
_PROOF: Final = re.compile(r"证明(?:开具|出具|办理|申请)?$")


def _proof_for_another(item: str, power: str) -> bool:
    return _PROOF.search(_BRACKETED.sub("", item)) is not None and "证明" not in power


def _pieces(name: str) -> list[str]:
    return GENERIC_RUN.split(_BRACKETED.sub("、", name))


def subject_word(item: str, power: str) -> str | None:
    """The first two characters running that both names hold outside acts, licence and closing words, else None.

    死亡注销户口 and 户口登记、注销、迁移 share 户口; 犬只转让变更登记 and 养犬登记 share nothing but 登记, which is no
    subject. Both names are read without those words and without what brackets hold (（包括临时） and （包括注销、
    恢复、变更） share 包括), so no word straddles one of them.
    """
    theirs = {piece[i : i + 2] for piece in _pieces(power) for i in range(len(piece) - 1)}
    for piece in _pieces(item):
        for i in range(len(piece) - 1):
            word = piece[i : i + 2]
            if word in theirs and word.isalnum():
                return word
    return None


def _held_elsewhere(
    word: str,
    t: int,
    item: Prepared,
    targets: Sequence[Prepared],
    postings: Mapping[str, tuple[Sequence[int], float]],
) -> bool:
    """Whether a power other than `t` (or a sub-item of its main item) that the item could be of holds the word:
    工伤 of 工伤认定 and 工伤保险待遇给付 says neither."""
    main = targets[t].alt_core
    for h in postings.get(word, ((), 0.0))[0]:
        if h == t or (main is not None and targets[h].alt_core == main):
            continue
        if not item.kind_clash(targets[h]):
            return True
    return False


def _owner(found: Sequence[Found]) -> int | None:
    """The one power a row's links point at, none when two or when its link is in doubt (a key word differs,
    a tie): such a row is no evidence for its neighbours."""
    owners = {f[0] for f in found}
    if len(owners) != 1 or any(KEY_WORD_NOTE in f[4] or is_tied(f) for f in found):
        return None
    return next(iter(owners))


def propose_by_row_order(
    in_unit: Sequence[int],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
    rejected: Callable[[int], Collection[int]],
    services: Sequence[ServiceItem],
    postings: Mapping[str, tuple[Sequence[int], float]],
) -> None:
    """Propose, for each unlinked item with no code, the power of the catalogue rows around it (see the module).

    `in_unit` is in catalogue row order; rows of two organs, sheets or files are never neighbours.
    """
    # Neighbours as matching left them: a proposal made here is no neighbour's evidence for the next row.
    owner = {si: _owner(found_by[si]) for si in in_unit if found_by[si]}
    proposals: dict[int, list[Found]] = {}
    n = len(in_unit)
    i = 0
    while i < n:
        if in_unit[i] in owner:
            i += 1
            continue
        j = i
        while j < n and in_unit[j] not in owner and _same_block(in_unit[i], in_unit[j], items, services):
            j += 1
        run = in_unit[i:j]  # rows with nothing linked, one organ and sheet
        above = in_unit[i - 1] if i > 0 and _same_block(in_unit[i - 1], run[0], items, services) else None
        below = in_unit[j] if j < n and _same_block(run[-1], in_unit[j], items, services) else None
        i = j
        for si in run:
            if services[si].code:
                continue  # a code of its own that no sibling shares: an item of another main item
            sides = [
                (b, t)
                for b in (above, below)
                if b is not None and (t := owner[b]) is not None and _same_kind(services[si], services[b])
            ]
            found = _proposed(
                si, sides, len(run) <= MAX_BETWEEN, items, targets, options, rejected(si), postings
            )
            if found:
                proposals[si] = found
    found_by.update(proposals)


def _same_block(a: int, b: int, items: Mapping[int, Prepared], services: Sequence[ServiceItem]) -> bool:
    """Whether rows `a` and `b` (a before b) are rows of one organ on one sheet, in that order: items that carry
    no row of their own (the same row number, as a library caller may give them) have no order to read."""
    sa, sb = services[a].source, services[b].source
    if a == b:
        return True
    return items[a].dept == items[b].dept and (sa.file, sa.sheet) == (sb.file, sb.sheet) and sa.row < sb.row


def _same_kind(item: ServiceItem, beside: ServiceItem) -> bool:
    """A public service (公共服务) beside a power's handling items is not one of them: catalogues list a
    department's public services next to its powers' items."""
    return not (
        item.category is Category.PUBLIC_SERVICE
        and beside.category is not None
        and beside.category is not Category.PUBLIC_SERVICE
    )


def _proposed(
    si: int,
    sides: Sequence[tuple[int, int]],
    between: bool,
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
    rejected: Collection[int],
    postings: Mapping[str, tuple[Sequence[int], float]],
) -> list[Found]:
    """The proposals for one row from its linked neighbours (`sides`: row, the one power it points at)."""
    item = items[si]
    line = options.review_threshold
    sides = [(b, t) for b, t in sides if not _proof_for_another(item.full, targets[t].full)]
    if between and len(sides) == 2 and sides[0][1] == sides[1][1]:
        (above, t), (below, _) = sides
        if not _fits(item, t, targets, rejected):
            return []
        note = BETWEEN_NOTE.format(above=items[above].full, below=items[below].full)
        return [(t, line, Method.FUZZY, Status.REVIEW, note)]
    out: list[Found] = []
    for beside, t in sides:
        if any(f[0] == t for f in out):
            continue
        word = subject_word(item.full, targets[t].full)
        if (
            word is None
            or not _fits(item, t, targets, rejected)
            or _held_elsewhere(word, t, item, targets, postings)
        ):
            continue
        note = EDGE_NOTE.format(beside=items[beside].full, word=word)
        out.append((t, line, Method.FUZZY, Status.REVIEW, note))
    return out

"""An item written with a short form and a handling act of its own: 社保卡首次申领 under 社会保障卡发放.

Abbreviations count in scoring only when the names then agree (社保卡补领 = 社会保障卡补领). Most handling items
that use a short form also name another act than the power (首次申领, 补领、换领, 临时挂失及解挂 under 社会保障卡
发放; 驾驶证遗失补证 under 机动车驾驶证核发、审验), so the names never agree and the item went unlinked. Here the
item is read in full and split into a subject and what follows: when the subject is the whole subject of a power
that names only its subject and closing acts (社会保障卡 + 发放), and what follows is handling words only, the item
is proposed for that power, in review (the act differs, a person confirms). A power naming more than acts on its
subject (社会保障卡密码修改与重置) is not proposed, nor one whose subject is shorter than four characters (three
when it is a certificate or card: 居住证). An item no name links (a code family may have proposed it) is read the
same way without a short form: 居住证办理 under 居住证核发.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from functools import lru_cache
from typing import Final

from quanze.match.acts import JOINS, acts_contradict, named_acts, only_words, other_act_and_thing
from quanze.match.model import MatchOptions, Method, Status
from quanze.match.proposable import proposable
from quanze.match.scoring import UMBRELLA_HANDLING, Prepared
from quanze.match.settle import HANDLING_ACTS, Found

# Words a power closes its subject with (社会保障卡发放, 机动车驾驶证核发、审验): what it does with the subject.
CLOSING_ACTS: Final = (
    "发放",
    "核发",
    "签发",
    "审验",
    "审批",
    "许可",
    "登记",
    "备案",
    "办理",
    "确认",
    "认定",
    "管理",
)
# Handling words an item may add after the subject: the handling acts and the words around them that name no
# other thing (首次申领, 临时挂失及解挂, 有效期满换证, 遗失补证, 审验(延期审验)).
ITEM_HANDLING: Final = (
    *HANDLING_ACTS,
    *CLOSING_ACTS,
    "首次",
    "申领",
    "换领",
    "临时",
    "挂失",
    "解挂",
    "有效期满",
    "期满",
    "遗失",
    "损坏",
    "申请",
)
_POWER_CLOSE: Final = re.compile("(?:" + "|".join((*CLOSING_ACTS, *map(re.escape, JOINS))) + ")+$")
_ITEM_WORDS: Final = tuple(sorted({*ITEM_HANDLING, *JOINS}, key=len, reverse=True))
_END_BRACKETS: Final = re.compile(r"(?:\([^()]*\)|（[^（）]*）)+$")
MIN_READ_SUBJECT: Final = 4

SHORT_FORM_NOTE: Final = "{note}后为该事项主体（{subject}）加办理动作（{act}），动作与该事项不同，需人工确认"
OWN_NAME_NOTE: Final = "名称为该事项主体（{subject}）加办理动作（{act}），动作与该事项不同，需人工确认"
HELD_SUBJECT_NOTE: Final = "名称为主体（{subject}）加办理动作（{act}），仅该事项名称含此主体，需人工确认"


# A certificate or card a subject of three characters may be (居住证, 残疾证): short, but it names one thing.
_DOCUMENT_ENDS: Final = ("证", "卡", "照")


def _long_enough(subject: str) -> bool:
    return len(subject) >= MIN_READ_SUBJECT or (len(subject) == 3 and subject.endswith(_DOCUMENT_ENDS))


@lru_cache(maxsize=65536)
def power_subject(core: str) -> str | None:
    """A power's subject when its name is a subject and closing acts only (社会保障卡发放 → 社会保障卡), else None."""
    m = _POWER_CLOSE.search(core)
    if m is None or not _long_enough(core[: m.start()]):
        return None
    return core[: m.start()]


def _fits(item: Prepared, t: int, targets: Sequence[Prepared], refused: Collection[int], name: str) -> bool:
    """Whether nothing rules the pair out, the item read as `name`: a rejected power, a licence and a penalty
    (`proposable`), a 子项 naming another act (…（变更） for …新办), another act on another thing (公章刻制业注销
    备案登记 against 公章刻制业特种行业许可证核发)."""
    if not proposable(item, t, targets, refused, inquiry=False, department=False):
        return False
    target = targets[t]
    if (
        target.handling is not None
        and target.handling not in UMBRELLA_HANDLING
        and acts_contradict(name, target.full)
    ):
        return False
    return not other_act_and_thing(name, target.full)


def handling_words(rest: str) -> bool:
    """Whether what an item adds after a subject is handling words only (首次申领; 补领、换领)."""
    rest = _END_BRACKETS.sub("", rest)
    return bool(rest) and only_words(rest, _ITEM_WORDS)


def propose_read_in_full(
    in_unit: Sequence[int],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
    rejected: Callable[[int], Collection[int]] = lambda si: (),
    postings: Mapping[str, tuple[Sequence[int], float]] | None = None,
) -> None:
    """Propose, for each item with no matched link that uses a short form, the powers it names read in full.

    With `postings` (the partition's bigram index), an item nothing links that is a subject and handling words
    is also proposed for the one power whose name holds that subject.
    """
    vocab = options.abbreviation_vocabulary()
    subjects: dict[str, list[int]] | None = None
    for si in in_unit:
        found = found_by[si]
        if any(f[3] is Status.MATCHED for f in found):
            continue
        variants = vocab.variants(items[si].full)
        if all(f[2] is Method.CODE for f in found):
            # An item no name links (a code family may have proposed it): its own name is read the same way
            # (居住证办理 under 居住证核发).
            variants = (*variants, (items[si].full, ""))
        if not variants:
            continue
        if subjects is None:  # indexed once a unit, and only when an item uses a short form
            subjects = {}
            for t, target in enumerate(targets):
                for name in {target.full, target.core, target.alt_core or target.core}:
                    subject = power_subject(name)
                    if subject is not None:
                        subjects.setdefault(subject, []).append(t)
        held = {f[0] for f in found}
        added: list[Found] = []
        for name, note in variants:
            for cut in range(len(name) - 1, 2, -1):
                owners = subjects.get(name[:cut])
                if not owners or not handling_words(name[cut:]):
                    continue
                act = _END_BRACKETS.sub("", name[cut:])
                reason = (
                    SHORT_FORM_NOTE.format(note=note, subject=name[:cut], act=act)
                    if note
                    else OWN_NAME_NOTE.format(subject=name[:cut], act=act)
                )
                for t in owners:
                    if t in held or not _fits(items[si], t, targets, rejected(si), name):
                        continue
                    held.add(t)
                    added.append((t, options.review_threshold, Method.FUZZY, Status.REVIEW, reason))
                break
        if not found and not added and postings is not None:
            held_by = _held_subject(items[si].full, targets, postings)
            if held_by is not None:
                t, subject, act = held_by
                if _fits(items[si], t, targets, rejected(si), items[si].full):
                    reason = HELD_SUBJECT_NOTE.format(subject=subject, act=act)
                    added.append((t, options.review_threshold, Method.FUZZY, Status.REVIEW, reason))
        if added:
            found_by[si] = [*found, *added]


@lru_cache(maxsize=65536)
def subject_and_acts(name: str) -> tuple[str, str] | None:
    """(subject, handling words) of a name that is a subject of four characters or more naming no act, followed
    by handling words only (临时救助申请（依申请） → 临时救助, 申请), else None. The handling words are taken off the
    end, longest first (公司设立登记 → 公司设立, which names an act: None)."""
    plain = _END_BRACKETS.sub("", name)
    cut = len(plain)
    while cut > MIN_READ_SUBJECT:
        word = next((w for w in _ITEM_WORDS if plain.endswith(w, 0, cut)), None)
        if word is None or cut - len(word) < MIN_READ_SUBJECT:
            break
        cut -= len(word)
    if cut == len(plain) or named_acts(plain[:cut]):
        return None
    return plain[:cut], plain[cut:]


# A subject a power holds must open its name, after a qualifier of two characters at most (城乡医疗救助…): a power
# that names the subject further in (煤矿建设项目初步设计文件审批) is about a narrower thing than the item.
_QUALIFIER_ROOM: Final = 2


def _opens(subject: str, name: str) -> bool:
    # (对农业机械事故损害赔偿纠纷的调解 acts on the subject, it is not the subject's item: 对 is no qualifier.)
    return 0 <= name.find(subject) <= _QUALIFIER_ROOM and not name.startswith("对")


def _held_subject(
    name: str, targets: Sequence[Prepared], postings: Mapping[str, tuple[Sequence[int], float]]
) -> tuple[int, str, str] | None:
    """(power, subject, act) when a name is a subject and handling words and one power alone holds the subject.

    临时救助申请（依申请） → 临时救助对象审核确认及救助金给付; 医疗救助申请 → 城乡医疗救助对象认定. The subject needs
    four characters and names no act, and must open the power's name (after a qualifier of two characters at
    most); two powers holding it (医疗救助 in two powers' names) propose nothing.
    """
    split = subject_and_acts(name)
    if split is None:
        return None
    subject, act = split
    grams = [subject[i : i + 2] for i in range(len(subject) - 1)]
    if not all(g in postings for g in grams):
        return None
    rarest = min(grams, key=lambda g: len(postings[g][0]))
    holders = {
        t
        for t in postings[rarest][0]
        if _opens(subject, targets[t].core) or _opens(subject, targets[t].alt_core or "")
    }
    if len(holders) != 1:
        return None
    return holders.pop(), subject, act

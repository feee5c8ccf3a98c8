"""Scoring one item against one power: names prepared once, then code, name and structural evidence."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from quanze.match import memo
from quanze.match.abbrev import Vocabulary
from quanze.match.acts import acts_contradict, other_act_and_thing
from quanze.match.contrasts import contrast
from quanze.match.evidence import (
    ACTIONS,
    MIN_SUBJECT,
    business_kind,
    entity_cover,
    fused_parts,
    is_enforcement,
    is_grant,
    listed_parts,
    subject_action,
    thing_between,
    unqualified,
)
from quanze.match.model import MatchOptions, Method
from quanze.match.pieces import (
    PIECES_MOST,
    Letters,
    closes_with_act,
    could_find_letters,
    letters,
    parent_only_clash,
    piece_evidence,
)
from quanze.models import Category, PowerItem
from quanze.normalize import code_key, department_key, split_name
from quanze.vocab import CONCENTRATING_DEPARTMENTS

# ---------------------------------------------------------------------------------------------- prepared

# The note a reason carries when two names differ in a key word: such a link is never taken as support.
KEY_WORD_NOTE = "名称中有关键字不同，可能是相近的另一事项"
# How a reason from a general kind of entity (内资企业 covering 合伙企业…) begins.
ENTITY_REASON = "主体类别"


_BRACKETS = re.compile(r"\(([^()]*)\)")


# Words that end a name and name the same act in other words: 某某审批 and 某某许可 are one item.
_ACTION_WORDS = (
    "许可证核发",
    "审批",
    "许可",
    "核准",
    "审核",
    "批准",
    "核发",
    "发放",
    "办理",
    "审查",
)
_NEGATIONS = frozenset("非不无未")
# A power named with one of these covers all its handling items (燃气经营许可证核发 → 新办, 变更 …).
UMBRELLA_HANDLING = frozenset({"核发"})


@lru_cache(maxsize=memo.PAIRS)
def action_stem(core: str) -> str:
    """A core name without its closing act words (审批, 许可, 许可办理 …), when enough of it remains."""
    original = core
    for _ in range(2):
        for word in _ACTION_WORDS:
            if core.endswith(word) and len(core) - len(word) >= 4:
                core = core[: -len(word)]
                break
        else:
            break
    # 的 before the act word joins, it names nothing: 水产养殖证的审核 is 水产养殖证审核.
    return core[:-1] if core.endswith("的") and core != original and len(core) > 5 else core


@lru_cache(maxsize=memo.PAIRS)
def twin_clash(a: str, b: str) -> bool:
    """Whether two similar names differ in a way that makes them different items.

    A word swapped inside the name (食品生产许可 / 食品经营许可, 备案 / 核准) or a negation added
    ((主要农作物) / (非主要农作物)) changes the item; swapping one act word for another, or words
    added or left out, is how the same item drifts between lists.
    """
    inserted = deleted = False
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "replace":
            left, right = a[op.src_start : op.src_end], b[op.dest_start : op.dest_end]
            if left in _ACTION_WORDS and right in _ACTION_WORDS:
                continue
            return True
        if op.tag in ("insert", "delete"):
            added = b[op.dest_start : op.dest_end] if op.tag == "insert" else a[op.src_start : op.src_end]
            if set(added) <= _NEGATIONS:
                return True
            if added not in _ACTION_WORDS:
                inserted |= op.tag == "insert"
                deleted |= op.tag == "delete"
    # Words left out in one place and others put in elsewhere: 客运站 … 客运站 / 道路客运 … 道路客运.
    return inserted and deleted


@dataclass(frozen=True, slots=True)
class Prepared:
    core: str
    stem: str
    alt_core: str | None  # the main item's name for sub-items
    code: str | None
    code_stem: str | None
    dept: str | None
    qualifiers: frozenset[str]
    handling: str | None = None
    bare: str | None = None  # the core without a handling word written inside it (护士延续执业注册)
    parts: tuple[str, ...] = ()  # the items a name that enumerates actions stands for
    enforcement: bool = False  # a penalty, coercive measure or inspection
    grant: bool = False  # a licence, filing, certificate …: what an enforcement power never links to by name
    # Equal for items whose core, main-item name and handling word are equal: what scoring remembers by.
    name_id: int = field(default=-1, compare=False)

    def kind_clash(self, power: Prepared) -> bool:
        """This item and a power differ in kind: a licence-like item and a penalty, or the other way round."""
        return (power.enforcement and self.grant and not self.enforcement) or (
            self.enforcement and not power.enforcement
        )

    @property
    def full(self) -> str:
        """The core with its handling word put back: 宗教活动场所变更, not 宗教活动场所."""
        return self.core + self.handling if self.handling else self.core


def _stem(code: str | None) -> str | None:
    """A code without its trailing zero padding, used to find codes that extend it (sub-item codes).

    Padding is cut in whole three-digit segments (a code's handling-item and sub-item parts are three digits):
    the power 000522010000 stands for the main item 000522010, so 000522013000 (another main item) does not
    extend it, as it would if every trailing zero were cut (00052201).
    """
    if not code:
        return None
    padding = len(code) - len(code.rstrip("0"))
    stem = code[: len(code) - padding // 3 * 3]
    return stem if len(stem) >= 8 else None


def prepare(
    name: str,
    alt: str | None,
    code: str | None,
    dept: str | None,
    category: Category | None = None,
) -> Prepared:
    # Remembered by the code's basic part and the department's key: an implementation code and a department
    # written with the county's name differ in every unit, what matching compares of them does not.
    return _prepared(name, alt, code_key(code), department_key(dept), category)


@lru_cache(maxsize=memo.PAIRS)
def _prepared(
    name: str, alt: str | None, ck: str | None, dept: str | None, category: Category | None
) -> Prepared:
    named = _prepare_name(name, alt, category)
    return Prepared(
        core=named.core,
        stem=named.stem,
        alt_core=named.alt_core,
        code=ck,
        code_stem=_stem(ck),
        dept=dept,
        qualifiers=named.qualifiers,
        handling=named.handling,
        bare=named.bare,
        parts=named.parts,
        enforcement=named.enforcement,
        grant=named.grant,
        name_id=named.name_id,
    )


@lru_cache(maxsize=memo.NAMES)
def _prepare_name(name: str, alt: str | None, category: Category | None) -> Prepared:
    """What a name says, prepared once for every unit and department that uses it (no code, no department)."""
    parts = split_name(name)
    core, handling = parts.core, parts.handling
    if handling and core.endswith(_LIST_JOINS):
        core, handling = (
            core + handling,
            None,
        )  # the last of acts the name lists (…换发、补发、变更), not a 子项
    alt_core = split_name(alt).core if alt else None
    listed = listed_parts(core) + (listed_parts(alt_core) if alt_core and alt_core != core else ())
    return Prepared(
        core=core,
        stem=action_stem(core),
        alt_core=alt_core if alt_core != core else None,
        code=None,
        code_stem=None,
        dept=None,
        qualifiers=frozenset(_BRACKETS.findall(core)),
        handling=handling,
        bare=_without_inner_handling(core),
        parts=listed,
        enforcement=is_enforcement(category, name) or bool(alt and is_enforcement(None, alt)),
        grant=is_grant(category, name),
        name_id=_name_id(core, alt_core if alt_core != core else None, handling),
    )


_LIST_JOINS = ("、", ",", "，", "及", "和", "或")
_name_ids = itertools.count()


@lru_cache(maxsize=memo.PAIRS)
def _name_id(core: str, alt_core: str | None, handling: str | None) -> int:
    # A number evicted and asked for again is a new number: scoring then forgets, it never confuses.
    return next(_name_ids)


_INNER_HANDLING = ("新办", "变更", "延续", "注销", "补办", "换发", "首次")


def _without_inner_handling(core: str) -> str | None:
    """A core with one handling word taken out of its middle, when it has one: 护士延续执业注册 → 护士执业注册."""
    for word in _INNER_HANDLING:
        pos = core.find(word)
        if pos >= 2 and pos + len(word) < len(core) - 1:
            return core[:pos] + core[pos + len(word) :]
    return None


def prepare_power(p: PowerItem) -> Prepared:
    return prepare(p.title, p.name if p.sub_item else None, p.code, p.department, p.category)


@lru_cache(maxsize=memo.PAIRS)
def similarity(a: str, b: str) -> float:
    """Similarity of two core names, 0-100: indel ratio, lifted when one name contains the other.

    A handling item often names one clause of a long power (历史建筑实施原址保护 inside 历史文化街区…历史建筑
    实施原址保护或者…审批): a name found almost whole inside the other lifts the score into the review band,
    never above it, so a person confirms such links.
    """
    if not a or not b:
        return 0.0
    score = float(fuzz.ratio(a, b))
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 4 and short in long_:
        return max(score, 80.0 + 10.0 * len(short) / len(long_))
    stem = action_stem(short)
    # With the cutoff, rapidfuzz stops early on the many pairs far below it (and answers 0 for them).
    if (
        len(stem) >= 5
        and score < 70.0
        and _may_align(stem, long_)
        and fuzz.partial_ratio(stem, long_, score_cutoff=90.0) >= 90.0
    ):
        score = max(score, 70.0 + 8.0 * len(stem) / len(long_))
    return score


def _may_align(short: str, long_: str) -> bool:
    """False when `fuzz.partial_ratio(short, long_)` surely stays below 90 (a cheap test tried first).

    partial_ratio is the best indel ratio of `short` against a window of `long_`. A window scoring 90 has
    2·LCS >= 0.9·(len(short) + len(window)) with LCS <= len(window), so the window is 9/11 of `short` long at
    least and LCS >= 9/11·len(short); every character of the LCS is one of `short`'s found in `long_`.
    """
    found = sum(ch in long_ for ch in short)
    return found * 11 >= len(short) * 9


# ---------------------------------------------------------------------------------------------- scoring


@dataclass(slots=True)
class Candidate:
    target: int
    score: float
    method: Method
    reason: str


def _dept_adjust(src: Prepared, tgt: Prepared, options: MatchOptions) -> tuple[float, str]:
    if src.dept and tgt.dept:
        if src.dept == tgt.dept:
            return options.same_department_bonus, "同部门"
        if src.dept in CONCENTRATING_DEPARTMENTS or tgt.dept in CONCENTRATING_DEPARTMENTS:
            return 0.0, "行政审批局集中实施"
        return -options.other_department_penalty, f"部门不同（{src.dept}/{tgt.dept}）"
    return 0.0, ""


# An item that is the power's subject with a variant in brackets (农药经营许可证核发（其他农药） against the
# 农药经营 of 农药生产经营审批): a strong name, always reviewed (a qualifier can make another item).
_VARIANT_SIM = 95.0
# Only a name that would not stand on its own is read as a variant: a close name keeps its own score.
_VARIANT_BELOW = 85.0


def _variant_of(src: Prepared, tgt: Prepared) -> tuple[str, str, str] | None:
    """(item name compared, power name or part, note) when the item is one variant of the power's subject.

    The item without its variant in brackets (农药经营许可证核发（其他农药）), or one of two activities a power
    writes as one word (…生产经营…), says the same thing as the power up to act words (a power that names a
    variant of its own never does: its act words are not last).
    """
    return _variant_in(
        src, _item_side(src.core, src.handling), _power_side(tgt.core, tgt.alt_core, tgt.parts)
    )


def _variant_in(src: Prepared, item: _ItemSide, power: _PowerSide) -> tuple[str, str, str] | None:
    """`_variant_of` with both names' sides worked out (what of it depends on one name alone is there)."""
    plain = item.plain
    if plain is None and not power.fused:
        return None
    stems = _variant_stems(item.variant_name)
    for name, stem in (*(power.own_stems if plain else ()), *power.fused):
        if stem in stems:
            if plain is not None:
                return item.variant_name, name, f"办理项名称限定了该事项的主体：{src.core[len(plain) :]}"
            return item.variant_name, name, f"该事项名称合写两项活动，办理项为其一：{name}"
    return None


@lru_cache(maxsize=memo.NAMES)
def _variant_stems(name: str) -> frozenset[str]:
    # The handling act before the variant goes too (…许可证延续（其他农药）), and a licence is its certificate.
    core = split_name(name).core
    return frozenset({action_stem(name), action_stem(core), action_stem(core.removesuffix("证"))})


def _qualifier_clash(src: Prepared, tgt: Prepared) -> bool:
    """Both names carry bracketed qualifiers and they differ: (主要农作物) vs (非主要农作物)."""
    return bool(src.qualifiers and tgt.qualifiers and src.qualifiers != tgt.qualifiers)


def score_pair(
    src: Prepared,
    tgt: Prepared,
    options: MatchOptions,
    *,
    code_exact: bool | None,
    parent: Prepared | None,
    prune: bool = True,
) -> Candidate | None:
    """Score one source (service item) against one target (power); None when below the review band."""
    evidence = _name_evidence(src, tgt, _rules(options), code_exact=code_exact, parent=parent, prune=prune)
    return None if evidence is None else _finish(evidence, src, tgt, options)


class Scorer:
    """`score_pair` for one run, remembering what the names say about each pair of names.

    In a province the same service item name meets the same power name in unit after unit; only the
    departments differ. What the names say (similarity, near-exact forms, clashes, structural evidence) is
    worked out once per pair of names; the department's adjustment is applied per link.
    """

    def __init__(self, options: MatchOptions) -> None:
        self.options = options
        self.rules = _rules(options)
        self.vocabulary = self.rules.vocabulary  # the abbreviations, built once for the run
        self._memo: dict[tuple[object, ...], _NameEvidence | None] = {}
        # The finished link of a pair of names between two departments: units repeat these, and the reason
        # strings are built once. By source; then by target key (`target_key`) for a pair found by name, by
        # (target key, code agreement, the power's code) for one found by code.
        self._finished: dict[tuple[object, ...], dict[object, Finished | None]] = {}
        self._finished_pairs = 0  # the finished links remembered, in all the sources' dicts together

    @property
    def remembered(self) -> int:
        """How many pairs this Scorer remembers: what the names say and the finished links."""
        return len(self._memo) + self._finished_pairs

    def __call__(
        self, src: Prepared, tgt: Prepared, *, code_exact: bool | None, parent: Prepared | None
    ) -> Candidate | None:
        return self.source(src, parent)(tgt, code_exact)

    def source(
        self, src: Prepared, parent: Prepared | None
    ) -> Callable[[Prepared, bool | None], Candidate | None]:
        """Scoring of one source (and the parent it names) against targets: `score(target, code_exact)`."""
        keyed = self.keyed(src, parent)

        def score(tgt: Prepared, code_exact: bool | None) -> Candidate | None:
            done = keyed(target_key(tgt), tgt, code_exact)
            return None if done is None else Candidate(-1, *done)

        return score

    def keyed(
        self, src: Prepared, parent: Prepared | None
    ) -> Callable[[int, Prepared, bool | None], Finished | None]:
        """`source` for targets with their keys known (`Index.keys`): `score(key, target, code_exact)`, giving
        the finished link's (score, method, reason), or None below the review band (no Candidate made)."""
        options, rules = self.options, self.rules
        memo = self._memo
        parent_core = None if parent is None else parent.core
        head = (src.name_id, src.enforcement, src.grant, parent_core, src.dept)
        # The source's finished links by target: one small dict per source, found once per source.
        done_by = self._finished.get(head)
        if done_by is None:
            done_by = self._finished[head] = {}

        def score(key: int, tgt: Prepared, code_exact: bool | None) -> Finished | None:
            done_key: object = key if code_exact is None else (key, code_exact, tgt.code)
            if done_key in done_by:
                return done_by[done_key]
            memo_key = (
                src.name_id,
                src.enforcement,
                src.grant,
                tgt.name_id,
                tgt.enforcement,
                tgt.grant,
                parent_core,
                code_exact,
            )
            if memo_key in memo:
                evidence = memo[memo_key]
            else:
                evidence = memo[memo_key] = _name_evidence(
                    src, tgt, rules, code_exact=code_exact, parent=parent
                )
            cand = None if evidence is None else _finish(evidence, src, tgt, options)
            done = done_by[done_key] = None if cand is None else (cand.score, cand.method, cand.reason)
            self._finished_pairs += 1
            return done

        return score


Finished = tuple[float, Method, str]  # a finished link's score, method and reason
# Targets by what scoring tells them apart by (name, kind, department): one number each, never reused in a
# process (a table cleared when large hands out new numbers: scoring then forgets, it never confuses).
_TARGET_KEYS: dict[tuple[int, bool, bool, str | None], int] = {}
_target_numbers = itertools.count()


def target_key(tgt: Prepared) -> int:
    """The number scoring remembers a target's finished links by (see `_TARGET_KEYS`)."""
    key = (tgt.name_id, tgt.enforcement, tgt.grant, tgt.dept)
    number = _TARGET_KEYS.get(key)
    if number is None:
        if len(_TARGET_KEYS) >= memo.PAIRS:
            _TARGET_KEYS.clear()
        number = _TARGET_KEYS[key] = next(_target_numbers)
    return number


_SHARED: list[tuple[str, Scorer]] = []
SHARED_MEMO_LIMIT = 1_000_000
"""Pairs a shared Scorer remembers before it is replaced by an empty one (a long-lived process's bound)."""


def shared_scorer(options: MatchOptions) -> Scorer:
    """The Scorer of the last matching in this process when its options were the same, else a new one.

    A province reconciled unit by unit (`quanze units run`, Dask) matches the same names in every unit, as
    one whole run does: the pairs worked out for one unit serve the next, not only within one run. What a
    Scorer remembers depends on the names and the options alone (names are told apart by `name_id`, which
    is never reused in a process), so sharing it changes no link.
    """
    key = options.model_dump_json()
    if _SHARED and _SHARED[0][0] == key:
        scorer = _SHARED[0][1]
        if scorer.remembered <= SHARED_MEMO_LIMIT:
            return scorer
    _SHARED[:] = [(key, Scorer(options))]
    return _SHARED[0][1]


@dataclass(frozen=True, slots=True)
class _NameEvidence:
    """What two names (and a code agreement) say about a link, before the departments are compared."""

    method: Method
    base: float  # the score before the department's adjustment
    code: str | None  # how the codes agree; code evidence takes a department's penalty but not its bonus
    reason: str
    structural: tuple[float, str] | None  # for fuzzy links: a score and reason from the names' shape
    notes: tuple[str, ...]
    clash: bool
    handling_note: str | None


def _name_evidence(
    src: Prepared,
    tgt: Prepared,
    rules: _Rules,
    *,
    code_exact: bool | None,
    parent: Prepared | None,
    prune: bool = True,
) -> _NameEvidence | None:
    """The name part of a pair's score; it depends on names, kinds and the code agreement only.

    With `prune`, a pair that no rule could lift into the review band is dropped before the costly rules
    (contrasts, clashes, structural evidence) run: `score_pair(..., prune=False)` gives the same answers.
    What depends on one name alone (its near forms, variants, letters, head) is its side, worked out once a
    name (`_item_side`, `_power_side`): a pair's checks are lookups and set operations on the two sides.
    """
    options = rules.options
    item = _item_side(src.core, src.handling)
    power = _power_side(tgt.core, tgt.alt_core, tgt.parts)
    pairs = [(src.core, tgt.core, 0.0)]
    if tgt.alt_core:
        pairs.append((src.core, tgt.alt_core, 2.0))
    if parent is not None:
        pairs.append((parent.core, tgt.core, 0.0))
        if tgt.alt_core:
            pairs.append((parent.core, tgt.alt_core, 0.0))
    # A power that lists its actions (企业设立、变更、注销登记) is compared part by part, the handling word kept.
    for part in tgt.parts:
        pairs.append((src.full, part, 0.0))
        if src.full != src.core:
            pairs.append((src.core, part, 0.0))
    x, y, cost = pairs[0]
    sim, a, b = similarity(x, y) - cost, x, y
    for x, y, cost in pairs[1:]:  # the first of the best comparisons
        value = similarity(x, y) - cost
        if value > sim:
            sim, a, b = value, x, y
    if sim < 100.0:
        same_stem = [(x, y) for x, y, _ in pairs if action_stem(x) == action_stem(y)]
        if same_stem:
            sim, (a, b) = 97.0, same_stem[0]
        elif sim < 97.0 and src.bare and item.bare_stem in (tgt.stem, power.alt_stem):
            sim, a, b = 92.0, src.bare, tgt.core  # the handling word sits inside the name
    abbreviation: str | None = None
    if sim < 97.0:
        read = _abbreviated(src, tgt, rules.vocabulary)
        if read is not None:  # equal once an abbreviation is read in full (社保卡 = 社会保障卡)
            sim, a, b, abbreviation = read
    near = _near_in(item, tgt) if sim < 97.0 else None
    variant = (
        _variant_in(src, item, power)
        if near is None and sim < _VARIANT_BELOW and (src.qualifiers or power.fused)
        else None
    )
    if variant is not None:  # an item on a variant (…（其他农药）) of the very subject the power names
        sim, a, b = _VARIANT_SIM, variant[0], variant[1]
    if (
        prune
        and code_exact is None
        and near is None
        and sim < 97.0
        and _beyond(src, tgt, sim, rules, item, power)
    ):
        return None  # no evidence left could lift the pair into the review band: the rules below reject it
    if src.kind_clash(tgt) and sim < 100.0 and code_exact is None:
        # A penalty, coercive measure or inspection and a licence-like item share nouns, not an item.
        return None
    if code_exact is None and contrast(src.core, tgt.core, rules.contrasts):
        return None  # 道路货物运输经营许可 is not 道路旅客运输经营许可, however many words they share
    if (
        code_exact is None
        and tgt.handling is not None
        and tgt.handling not in UMBRELLA_HANDLING
        and acts_contradict(src.full, tgt.full)
    ):
        return None  # a 子项 that names its act (…（变更）) does not take an item naming another (…新办审批)
    via_part = b in tgt.parts
    clash = (
        sim < 97.0
        and (twin_clash(a, b) or _qualifier_clash(src, tgt))
        and not (parent is not None and parent.core in (tgt.core, tgt.alt_core))
    ) or (
        code_exact is None
        and (variant is not None or (sim < 97.0 and thing_between(src.full, tgt.full) is not None))
    )
    main = parent.core if parent is not None and parent.core not in (src.core, src.full) else None
    if clash and code_exact is None and parent_only_clash(main, a, sim):
        return None  # the item's main item is another item of a similar name (企业设立… / 股权出质设立…)
    notes: list[str] = []
    if abbreviation is not None:
        notes.append(abbreviation)
    if via_part:
        notes.append(f"名称中列举的事项之一：{b}")
    if variant is not None:
        notes.append(variant[2])
    if code_exact is not None and src.kind_clash(tgt) and sim < 100.0:
        notes.append("事项类别不同（处罚、强制、检查类与其他类），编码一致也需人工确认")
        clash = True
    structural: tuple[float, str] | None = None
    code: str | None = None
    if code_exact is not None:
        # A code agreement is strong evidence, not proof: with names far apart the link goes to review.
        # Code and name both agreeing is the strongest evidence short of a decision.
        if sim >= 100.0:
            base = 100.0 if code_exact else 99.5
        else:
            base = 60.0 + 0.4 * sim if code_exact else 58.0 + 0.4 * sim
        method, code = Method.CODE, ("编码一致" if code_exact else "编码包含上级编码")
        reason = "名称一致" if sim >= 100.0 else f"名称相似度{sim:.0f}"
    elif sim >= 100.0:
        method, base = Method.EXACT, 96.0
        reason = f"名称去除办理项和层级后一致：{b}"
    elif sim >= 97.0:
        method, base = Method.EXACT, 93.0
        reason = f"名称去除办理项、层级和审批/许可等字样后一致：{action_stem(b)}"
    elif near is not None and not clash:
        # Below an equal name and an equal stem, so that an item with its own exact power never ties.
        method, base = Method.EXACT, 91.0
        reason = near
    elif code_exact is None and sim < _WEAK_NAME and not tgt.parts and _contradicting_acts(src, tgt.full):
        return None  # a shared subject, another act: 某驾驶证核发 is not 某注销抵押登记
    else:
        method, base = Method.FUZZY, sim
        reason = f"名称相似度{sim:.0f}"
        structural = _structural_evidence(src, tgt, options, above=sim if prune else None)
        if structural is not None and structural[1].startswith(ENTITY_REASON):
            clash = False  # a general kind of entity covering a specific one differs in that word by design
    handling_note = None
    if (
        src.handling
        and tgt.handling
        and tgt.handling not in UMBRELLA_HANDLING
        and src.handling != tgt.handling
    ):
        # The power is itself one handling item (子项 …（变更）): another handling word is another item.
        handling_note = f"办理项不同（{src.handling}/{tgt.handling}）"
    return _NameEvidence(method, base, code, reason, structural, tuple(notes), clash, handling_note)


def _abbreviated(src: Prepared, tgt: Prepared, vocab: Vocabulary) -> tuple[float, str, str, str] | None:
    """(similarity, item name, power name, note) when the names agree once an abbreviation is read, else None.

    Only agreement counts (the same name, or the same name up to 审批/许可 words): an abbreviation read in
    full never lifts a merely similar name, so that a short form shared by different items (驾驶证) adds
    nothing but the equivalence itself.
    """
    variants = vocab.variants(src.core)
    if variants:
        names = (tgt.core, tgt.alt_core) if tgt.alt_core else (tgt.core,)
        for name, note in variants:
            if name in names:
                return 100.0, name, name, note
        for name, note in variants:
            stem = action_stem(name)
            for other in names:
                if action_stem(other) == stem:
                    return 97.0, name, other, note
    if tgt.parts:
        for name, note in vocab.variants(src.full):
            if name in tgt.parts:
                return 100.0, name, name, note
    return None


def _out_of_reach(src: Prepared, tgt: Prepared, sim: float, options: MatchOptions) -> bool:
    """Whether a fuzzy pair (no code, no near-exact form) surely ends below the review band.

    Its score is at most the larger of its similarity and the structural evidence it could have, plus the
    department's bonus; the structural evidence is bounded by cheap tests each rule needs to pass (a general
    entity kind in the power and a specific one in the item; the item's first five characters in the power;
    enough of one name's characters in the other for pieces). Everything else only lowers the score.
    """
    item = _item_side(src.core, src.handling)
    return _beyond(src, tgt, sim, _rules(options), item, _power_side(tgt.core, tgt.alt_core, tgt.parts))


def _beyond(
    src: Prepared, tgt: Prepared, sim: float, rules: _Rules, item: _ItemSide, power: _PowerSide
) -> bool:
    """`_out_of_reach` with the options' rules and both names' sides worked out."""
    if _reaches(sim, rules.bonus, rules.review):
        return False
    # The pair is out of reach unless a rule it could pass lifts it: each rule's score is a ceiling, so the
    # answer does not depend on the order the rules are tried in, and the cheapest go first.
    if (
        rules.subject
        and sim < _SUBJECT_SCORE
        and (
            item.head in tgt.core
            or (tgt.alt_core is not None and item.head in tgt.alt_core)
            or (power.business and business_kind(src.core, tgt.core) is not None)
        )
    ):
        return False  # (one kind of a business scores _KIND_SCORE, below _SUBJECT_SCORE)
    if rules.entity and sim < _ENTITY_SCORE and rules.kind_table.possible(item.full, tgt):
        return False
    if not rules.pieces or sim >= PIECES_MOST:
        return True
    # Whether `piece_evidence` could hold for any of the power's names `_structural_evidence` tries.
    found = item.letters
    return not any(could_find_letters(found, name, bare=bare) for name, bare in power.pieces)


@lru_cache(maxsize=memo.PAIRS)
def _reaches(score: float, bonus: float, review: float) -> bool:
    """Whether a pair scoring `score` by name, with the department's bonus at most, is in the review band."""
    return max(0.0, min(100.0, round(score + max(bonus, 0.0) + 1e-6, 1))) >= review


@lru_cache(maxsize=memo.OPTION_SETS)
def _rules_reaching(bonus: float, review: float) -> tuple[bool, bool, bool]:
    """Whether entity kinds, subject + action and pieces could each lift a pair into the review band."""
    return (
        _reaches(_ENTITY_SCORE, bonus, review),
        _reaches(_SUBJECT_SCORE, bonus, review),
        _reaches(PIECES_MOST, bonus, review),
    )


class _KindTable:
    """Which general entity kinds a name holds, and which a name's specific kinds fall under, remembered.

    `_entity_possible` asks, for a pair, whether a general kind named by the power has a specific kind named
    by the item: the two sides are worked out once a name, and the pair is one set intersection.
    """

    def __init__(self, kinds: Mapping[str, Sequence[str]]) -> None:
        self.kinds = kinds
        self.generals: dict[tuple[str, str | None, tuple[str, ...]], frozenset[str]] = {}
        self.covered: dict[str, frozenset[str]] = {}

    def possible(self, item: str, tgt: Prepared) -> bool:
        key = (tgt.core, tgt.alt_core, tgt.parts)
        generals = self.generals.get(key)
        if generals is None:
            names = [tgt.core, *((tgt.alt_core,) if tgt.alt_core is not None else ()), *tgt.parts]
            generals = self.generals[key] = frozenset(
                g for g in self.kinds if any(g in name for name in names)
            )
        if not generals:
            return False
        covered = self.covered.get(item)
        if covered is None:
            covered = self.covered[item] = frozenset(
                g for g, specifics in self.kinds.items() if any(k in item for k in specifics)
            )
        return not generals.isdisjoint(covered)


# One table per vocabulary (the options give the same mapping object for the same configured kinds); the
# mapping is kept with its table, so that its id is not reused while the table lives.
_KIND_TABLES: dict[int, tuple[Mapping[str, Sequence[str]], _KindTable]] = {}


def _entity_kinds_met(item: str, tgt: Prepared, kinds: Mapping[str, Sequence[str]]) -> bool:
    """`_entity_possible` for the item's full name, remembered by name (the same answer, see `_KindTable`)."""
    return _kind_table(kinds).possible(item, tgt)


def _kind_table(kinds: Mapping[str, Sequence[str]]) -> _KindTable:
    held = _KIND_TABLES.get(id(kinds))
    if held is None or held[0] is not kinds:
        if len(_KIND_TABLES) > memo.OPTION_SETS:
            _KIND_TABLES.clear()
        held = _KIND_TABLES[id(kinds)] = (kinds, _KindTable(kinds))
    return held[1]


def _entity_possible(src: Prepared, tgt: Prepared, kinds: Mapping[str, Sequence[str]]) -> bool:
    """Whether `entity_cover` could hold for any of the power's names: it needs both kinds named."""
    item = src.full
    for general, specifics in kinds.items():
        if (
            general in tgt.core
            or (tgt.alt_core is not None and general in tgt.alt_core)
            or any(general in part for part in tgt.parts)
        ):
            for kind in specifics:
                if kind in item:
                    return True
    return False


def _subject_possible(item: str, tgt: Prepared) -> bool:
    """Whether `subject_action` could hold: the item's subject (five characters at least) is in the power."""
    head = item[:MIN_SUBJECT]
    return head in tgt.core or (tgt.alt_core is not None and head in tgt.alt_core)


# Below this similarity names that share a subject but name contradicting acts are different items.
_WEAK_NAME = 80.0


def _contradicting_acts(src: Prepared, power: str) -> bool:
    """The item names another act than the power (注销 / 核发) on another thing (see acts.other_act_and_thing).

    拖拉机/联合收割机驾驶证核发 and 拖拉机/联合收割机注销抵押登记 share a subject, not an item; under
    互联网上网服务营业场所经营单位设立审批, an item naming the whole subject and 变更 is still proposed.
    """
    return other_act_and_thing(src.full, power)


def _finish(evidence: _NameEvidence, src: Prepared, tgt: Prepared, options: MatchOptions) -> Candidate | None:
    """A pair's candidate link: the name evidence with the departments' adjustment, capped by its doubts."""
    adjust, dept_note = _dept_adjust(src, tgt, options)
    if evidence.code is not None:
        score = evidence.base + min(adjust, 0.0)
        reason = f"{evidence.code}（{tgt.code}），{evidence.reason}"
    else:
        score = evidence.base + adjust
        reason = evidence.reason
    structural = evidence.structural
    if structural is not None and structural[0] + adjust > score:
        # Subject + action and entity kinds propose a link; a person confirms it.
        score = min(structural[0] + adjust, options.match_threshold - 1.0)
        reason = structural[1]
    notes = [dept_note, *evidence.notes] if dept_note else list(evidence.notes)
    if evidence.clash:
        score = min(score, options.match_threshold - 1.0)
        notes.append(KEY_WORD_NOTE)
    if evidence.handling_note is not None:
        score = min(score - 10.0, options.match_threshold - 1.0)
        notes.append(evidence.handling_note)
    score = max(0.0, min(100.0, round(score, 1)))
    if score < options.review_threshold:
        return None
    return Candidate(target=-1, score=score, method=evidence.method, reason="；".join([reason, *notes]))


_INSERTED_ACTIONS = tuple(sorted(ACTIONS, key=len, reverse=True))
_TRAILING_QUALIFIER = re.compile(r"^(.{4,})\(([^()]+)\)$")


def _near_exact(src: Prepared, tgt: Prepared) -> str | None:
    """How a handling item is its power's name with one thing added, or None.

    护士**变更**执业注册 is 护士执业注册 with a handling action inside; 兽药经营许可证核发**（普通兽药）** is the
    power with a qualifier of its own (the power has none); 危险废物经营许可**申请** is the application for it.
    """
    return _near_in(_item_side(src.core, src.handling), tgt)


def _near_in(item: _ItemSide, tgt: Prepared) -> str | None:
    """`_near_exact` with the item's near forms worked out: the first form, in the order tried, that fits."""
    at = min(item.near_names.get(tgt.core, _NO_FORM), item.near_stems.get(tgt.stem, _NO_FORM))
    if at < _NO_FORM:
        return item.near_how[at]
    qualified = item.qualified
    if qualified is not None and not tgt.qualifiers:
        name, core, name_stem, core_stem, how = qualified
        if tgt.core in (name, core) or tgt.stem in (name_stem, core_stem):
            return how
    return None


_NearForm = tuple[str, str, str, str, str]  # a name, its core, their action stems, and how it was made


def _near_form(name: str, how: str) -> _NearForm:
    core = split_name(name).core
    return name, core, action_stem(name), action_stem(core), how


@lru_cache(maxsize=memo.PAIRS)
def _near_forms(text: str) -> tuple[_NearForm, ...]:
    """The text with one action word taken out of its middle, or with 申请 taken off its end, in the order tried."""
    forms = [
        _near_form(text[:at] + text[at + len(word) :], f"名称去除办理动作（{word}）后与该事项一致")
        for word in _INSERTED_ACTIONS
        if (at := text.find(word, 2)) > 0 and at + len(word) < len(text)
    ]
    if text.endswith("申请"):
        forms.append(_near_form(text[:-2], "名称为该事项加“申请”"))
    return tuple(forms)


@lru_cache(maxsize=memo.PAIRS)
def _qualified_form(core: str) -> _NearForm | None:
    """A core that is a name with a bracketed qualifier of its own at the end, as that name."""
    m = _TRAILING_QUALIFIER.match(core)
    return _near_form(m.group(1), f"名称为该事项加限定（{m.group(2)}）") if m else None


# ---------------------------------------------------------------------------------------------- sides

_NO_FORM = 1 << 30  # past every near form's place


@dataclass(frozen=True, slots=True, eq=False)
class _ItemSide:
    """What the checks of a pair need from the item's name alone, worked out once a name (`_item_side`)."""

    full: str
    head: str  # the subject `subject_action` would need in the power
    bare_stem: str | None  # the core without its inner handling word, without its act words
    # Near forms (`_near_forms` of the core and of the full name, in the order tried) by name and by stem:
    # the place of the first form holding it, and how each form was made.
    near_names: dict[str, int]
    near_stems: dict[str, int]
    near_how: tuple[str, ...]
    qualified: _NearForm | None
    plain: str | None  # the name without its end qualifier, when it has qualifiers (`_variant_of`)
    variant_name: str  # the plain name, or the core when it has none
    letters: Letters  # of the core, for the pieces bound


@lru_cache(maxsize=memo.NAMES)
def _item_side(core: str, handling: str | None) -> _ItemSide:
    full = core + handling if handling else core
    names: dict[str, int] = {}
    stems: dict[str, int] = {}
    hows: list[str] = []
    for text in {core, full}:  # in the order `_near_exact` tried them
        for name, name_core, name_stem, core_stem, how in _near_forms(text):
            at = len(hows)
            hows.append(how)
            names.setdefault(name, at)
            names.setdefault(name_core, at)
            stems.setdefault(name_stem, at)
            stems.setdefault(core_stem, at)
    plain = unqualified(core) if _BRACKETS.search(core) else None
    bare = _without_inner_handling(core)
    return _ItemSide(
        full=full,
        head=full[:MIN_SUBJECT],
        bare_stem=action_stem(bare) if bare else None,
        near_names=names,
        near_stems=stems,
        near_how=tuple(hows),
        qualified=_qualified_form(core),
        plain=plain,
        variant_name=plain or core,
        letters=letters(core),
    )


@dataclass(frozen=True, slots=True, eq=False)
class _PowerSide:
    """What the checks of a pair need from the power's names alone, worked out once a name (`_power_side`)."""

    alt_stem: str  # the main item's name without its act words ("" for none)
    business: bool  # the name could name a kind of business (`business_kind` needs 业务 or 类 in it)
    own_stems: tuple[tuple[str, str], ...]  # the core and its listed parts, each with its action stem
    fused: tuple[tuple[str, str], ...]  # the activities the core fuses (生产经营), each with its action stem
    pieces: tuple[tuple[Letters, bool], ...]  # the names pieces are sought in, and whether bare forms count


@lru_cache(maxsize=memo.NAMES)
def _power_side(core: str, alt_core: str | None, parts: tuple[str, ...]) -> _PowerSide:
    pieces = [(letters(core), True)]
    if alt_core:
        pieces.append((letters(alt_core), True))
    pieces += [(letters(part), False) for part in parts if closes_with_act(part)]
    return _PowerSide(
        alt_stem=action_stem(alt_core or ""),
        business="业务" in core or "类" in core,
        own_stems=tuple((name, action_stem(name)) for name in (core, *parts)),
        fused=tuple((name, action_stem(name)) for name in fused_parts(core)),
        pieces=tuple(pieces),
    )


@dataclass(frozen=True, slots=True, eq=False)
class _Rules:
    """What one set of options makes of the rules, worked out once: vocabularies and the bound's reach."""

    options: MatchOptions
    vocabulary: Vocabulary
    contrasts: tuple[tuple[str, ...], ...]
    kind_table: _KindTable
    bonus: float  # the department's bonus at most (never below 0)
    review: float
    entity: bool  # whether entity kinds, subject + action and pieces could each lift a pair to review
    subject: bool
    pieces: bool


# One set of rules per options object, kept with it so that its id is not reused while the rules live.
_RULES: dict[int, tuple[MatchOptions, _Rules]] = {}


def _rules(options: MatchOptions) -> _Rules:
    held = _RULES.get(id(options))
    if held is None or held[0] is not options:
        if len(_RULES) > memo.OPTION_SETS:
            _RULES.clear()
        bonus, review = options.same_department_bonus, options.review_threshold
        rules = _Rules(
            options,
            options.abbreviation_vocabulary(),
            options.contrast_groups(),
            _kind_table(options.entity_vocabulary()),
            max(bonus, 0.0),
            review,
            *_rules_reaching(bonus, review),
        )
        held = _RULES[id(options)] = (options, rules)
    return held[1]


# The scores structural evidence gives: an entity kind covers the item, subject + action, pieces (at most).
_ENTITY_SCORE = 86.0
_SUBJECT_SCORE = 80.0
_KIND_SCORE = 75.0  # one kind of a business the power names: proposed, a person confirms


def _structural_evidence(
    src: Prepared, tgt: Prepared, options: MatchOptions, *, above: float | None = None
) -> tuple[float, str] | None:
    """A score and reason from the shape of the names: a general entity kind, or subject + action.

    Subject + action and pieces that could not score above `above` (the name similarity they compete with)
    are not looked for: `_finish` takes their score only when it beats the similarity. Entity kinds always
    are, as they also settle a key-word clash.
    """
    kinds = options.entity_vocabulary()
    # Entity kinds are always looked for: they also settle a key-word clash (see `_name_evidence`).
    # (A power whose name ends in a handling word, 参保单位注销, is compared with that word: its core is 参保单位.)
    whole = (tgt.full,) if tgt.handling else ()
    for name in (tgt.core, *tgt.parts, *((tgt.alt_core,) if tgt.alt_core else ()), *whole):
        general = entity_cover(src.full, name, kinds)
        if general is not None:
            return _ENTITY_SCORE, f"{ENTITY_REASON}“{general}”涵盖该办理项（{name}）"
    if above is not None and above >= _SUBJECT_SCORE:
        return None
    kind = business_kind(src.core, tgt.core)
    if kind is not None:
        return _KIND_SCORE, f"该事项为一类业务（{kind}），办理项为其中一种"
    for name in (tgt.core, *((tgt.alt_core,) if tgt.alt_core else ())):
        found = subject_action(src.full, name)
        if found is not None and not _contradicting_acts(src, name + (tgt.handling or "")):
            subject, action = found
            return _SUBJECT_SCORE, f"主体相同（{subject}），办理动作：{action}"
    if above is not None and above > PIECES_MOST + 1e-6:
        return None
    names = [(name, True) for name in (tgt.core, *((tgt.alt_core,) if tgt.alt_core else ()))]
    for name, bare in [*names, *((part, False) for part in tgt.parts if closes_with_act(part))]:
        # A listed part without its act is its bare subject (宗教活动场所): parts are compared whole, and only
        # those that keep the power's closing act (企业变更登记, not 个体工商户变更).
        by_pieces = piece_evidence(src.core, name, bare=bare)
        if by_pieces is not None:
            return by_pieces
    return None

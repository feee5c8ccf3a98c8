"""Link powers to service items (and powers to powers): exact keys first, then n-gram candidates scored by rapidfuzz."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from quanze.addressing import DEFAULT, Addressing
from quanze.addressing import addressed_to as addressed_to  # re-exported: unit addressing lives there
from quanze.addressing import applies_to as applies_to
from quanze.contrasts import DEFAULT_CONTRASTS, contrast
from quanze.evidence import (
    ACTIONS,
    DEFAULT_ENTITY_KINDS,
    DEFAULT_SERVICE_CATEGORIES,
    entity_cover,
    family_stem,
    is_enforcement,
    is_grant,
    is_placeholder,
    listed_parts,
    subject_action,
)
from quanze.families import unanimous_owner
from quanze.models import Category, PowerItem, ServiceItem
from quanze.normalize import code_key, department_key, name_key, split_name
from quanze.pieces import parent_only_clash, piece_evidence
from quanze.vocab import CONCENTRATING_DEPARTMENTS


class Method(StrEnum):
    DECISION = "decision"
    CODE = "code"
    EXACT = "exact"
    FUZZY = "fuzzy"


class Status(StrEnum):
    MATCHED = "matched"
    REVIEW = "review"
    UNMATCHED = "unmatched"


class MatchOptions(BaseModel):
    """Thresholds and weights of the matcher; the defaults suit real lists."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    match_threshold: float = Field(
        90.0, ge=0, le=100, description="score at or above which a link is matched"
    )
    review_threshold: float = Field(
        65.0, ge=0, le=100, description="score at or above which a link is reviewed"
    )
    margin: float = Field(4.0, ge=0, le=50, description="two candidates closer than this are ambiguous")
    same_department_bonus: float = Field(3.0, ge=0, le=20)
    other_department_penalty: float = Field(6.0, ge=0, le=50)
    candidates: int = Field(12, ge=1, le=200, description="fuzzy candidates scored per item")
    service_categories: tuple[Category, ...] = Field(
        DEFAULT_SERVICE_CATEGORIES,
        description="categories of power expected to have service items; the no-service-item gap follows it",
    )
    contrasts: tuple[tuple[str, ...], ...] = Field(
        (),
        description="more groups of words that set items apart (旅客 / 货物): names holding different ones never link",
    )
    entity_kinds: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="more kinds of legal entity: a general kind and the specific kinds it covers",
    )

    def contrast_groups(self) -> tuple[tuple[str, ...], ...]:
        """The built-in contrasting words with the configured groups added."""
        return DEFAULT_CONTRASTS + self.contrasts

    def entity_vocabulary(self) -> Mapping[str, tuple[str, ...]]:
        """The built-in entity kinds with the configured ones added."""
        return _entity_vocabulary(tuple(sorted(self.entity_kinds.items())))

    @model_validator(mode="after")
    def _ordered(self) -> MatchOptions:
        if self.review_threshold > self.match_threshold:
            raise ValueError("review_threshold must not exceed match_threshold")
        return self


def power_key(item: PowerItem) -> str:
    """Identity of a power across runs: its code and name as compared (a changed name is a new item)."""
    return f"{code_key(item.code) or ''}|{name_key(item.title)}"


def service_key(item: ServiceItem) -> str:
    return f"{item.unit or ''}|{code_key(item.code) or ''}|{name_key(item.name)}"


@dataclass(frozen=True, slots=True)
class Link:
    """One candidate link between a power (by index) and a service item (by index)."""

    power: int
    service: int
    score: float
    method: Method
    status: Status
    reason: str


@dataclass(slots=True)
class MatchResult:
    """Links found, plus the powers (per unit) and service items that nothing links."""

    links: list[Link] = field(default_factory=list)
    unmatched: list[tuple[int, str | None]] = field(default_factory=list)  # (power index, unit)
    orphans: list[int] = field(default_factory=list)  # service indices with no matched or review link
    ambiguous: int = 0


class Decision(StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"


@lru_cache(maxsize=64)
def _entity_vocabulary(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> Mapping[str, tuple[str, ...]]:
    merged = {k: tuple(v) for k, v in DEFAULT_ENTITY_KINDS.items()}
    for general, specifics in extra:
        merged[general] = tuple(dict.fromkeys((*merged.get(general, ()), *specifics)))
    return merged


# Analysts' decisions: service key → {power key → decision}.
DecisionBook = Mapping[str, Mapping[str, Decision]]


# ---------------------------------------------------------------------------------------------- prepared


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


@lru_cache(maxsize=262144)
def action_stem(core: str) -> str:
    """A core name without its closing act words (审批, 许可, 许可办理 …), when enough of it remains."""
    for _ in range(2):
        for word in _ACTION_WORDS:
            if core.endswith(word) and len(core) - len(word) >= 4:
                core = core[: -len(word)]
                break
        else:
            break
    return core


@lru_cache(maxsize=262144)
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
class _Prepared:
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

    def kind_clash(self, power: _Prepared) -> bool:
        """This item and a power differ in kind: a licence-like item and a penalty, or the other way round."""
        return (power.enforcement and self.grant and not self.enforcement) or (
            self.enforcement and not power.enforcement
        )

    @property
    def full(self) -> str:
        """The core with its handling word put back: 宗教活动场所变更, not 宗教活动场所."""
        return self.core + self.handling if self.handling else self.core


def _stem(code: str | None) -> str | None:
    """A code without its trailing zero padding, used to find codes that extend it (sub-item codes)."""
    if not code:
        return None
    stem = code.rstrip("0")
    return stem if len(stem) >= 8 else None


@lru_cache(maxsize=262144)
def _prepare(
    name: str,
    alt: str | None,
    code: str | None,
    dept: str | None,
    category: Category | None = None,
) -> _Prepared:
    parts = split_name(name)
    core = parts.core
    alt_core = split_name(alt).core if alt else None
    ck = code_key(code)
    listed = listed_parts(core) + (listed_parts(alt_core) if alt_core and alt_core != core else ())
    return _Prepared(
        core=core,
        stem=action_stem(core),
        alt_core=alt_core if alt_core != core else None,
        code=ck,
        code_stem=_stem(ck),
        dept=department_key(dept),
        qualifiers=frozenset(_BRACKETS.findall(core)),
        handling=parts.handling,
        bare=_without_inner_handling(core),
        parts=listed,
        enforcement=is_enforcement(category, name) or bool(alt and is_enforcement(None, alt)),
        grant=is_grant(category, name),
    )


_INNER_HANDLING = ("新办", "变更", "延续", "注销", "补办", "换发", "首次")


def _without_inner_handling(core: str) -> str | None:
    """A core with one handling word taken out of its middle, when it has one: 护士延续执业注册 → 护士执业注册."""
    for word in _INNER_HANDLING:
        pos = core.find(word)
        if pos >= 2 and pos + len(word) < len(core) - 1:
            return core[:pos] + core[pos + len(word) :]
    return None


def _prepare_power(p: PowerItem) -> _Prepared:
    return _prepare(p.title, p.name if p.sub_item else None, p.code, p.department, p.category)


def _grams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


class _Index:
    """Lookups over one partition's targets: by code, by core name, and a character-bigram index."""

    def __init__(self, targets: Sequence[_Prepared]) -> None:
        self.targets = targets
        self.by_code: dict[str, list[int]] = defaultdict(list)
        self.by_stem: dict[str, list[int]] = defaultdict(list)
        self.by_core: dict[str, list[int]] = defaultdict(list)
        self.by_stem_name: dict[str, list[int]] = defaultdict(list)
        self.by_main: dict[str, list[int]] = defaultdict(list)  # sub-items by their main item's name
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
            for g in _grams(t.core) | (_grams(t.alt_core) if t.alt_core else set()):
                postings[g].append(i)
        n = max(len(targets), 1)
        # Bigrams found in most targets (许可, 管理 …) say little; their weight falls with frequency.
        self.postings = {g: (ids, math.log(1 + n / len(ids))) for g, ids in postings.items()}

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
        for cut in range(len(code) - 1, 7, -1):
            hits = [i for i in self.by_stem.get(code[:cut], ()) if i not in seen]
            if hits:
                for i in hits:
                    yield i, False
                return

    def fuzzy_candidates(self, text: str, k: int) -> list[int]:
        weights: dict[int, float] = defaultdict(float)
        for g in _grams(text):
            hit = self.postings.get(g)
            if hit is None:
                continue
            ids, w = hit
            for i in ids:
                weights[i] += w
        if not weights:
            return []
        return [i for i, _ in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


@lru_cache(maxsize=262144)
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
    if len(stem) >= 5 and score < 70.0 and fuzz.partial_ratio(stem, long_) >= 90.0:
        score = max(score, 70.0 + 8.0 * len(stem) / len(long_))
    return score


# ---------------------------------------------------------------------------------------------- scoring


@dataclass(slots=True)
class _Candidate:
    target: int
    score: float
    method: Method
    reason: str


def _dept_adjust(src: _Prepared, tgt: _Prepared, options: MatchOptions) -> tuple[float, str]:
    if src.dept and tgt.dept:
        if src.dept == tgt.dept:
            return options.same_department_bonus, "同部门"
        if src.dept in CONCENTRATING_DEPARTMENTS or tgt.dept in CONCENTRATING_DEPARTMENTS:
            return 0.0, "行政审批局集中实施"
        return -options.other_department_penalty, f"部门不同（{src.dept}/{tgt.dept}）"
    return 0.0, ""


def _qualifier_clash(src: _Prepared, tgt: _Prepared) -> bool:
    """Both names carry bracketed qualifiers and they differ: (主要农作物) vs (非主要农作物)."""
    return bool(src.qualifiers and tgt.qualifiers and src.qualifiers != tgt.qualifiers)


def _score_pair(
    src: _Prepared,
    tgt: _Prepared,
    options: MatchOptions,
    *,
    code_exact: bool | None,
    parent: _Prepared | None,
) -> _Candidate | None:
    """Score one source (service item) against one target (power); None when below the review band."""
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
    sim, a, b = max(((similarity(x, y) - cost, x, y) for x, y, cost in pairs), key=lambda t: t[0])
    if sim < 100.0:
        same_stem = [(x, y) for x, y, _ in pairs if action_stem(x) == action_stem(y)]
        if same_stem:
            sim, (a, b) = 97.0, same_stem[0]
        elif sim < 97.0 and src.bare and action_stem(src.bare) in (tgt.stem, action_stem(tgt.alt_core or "")):
            sim, a, b = 92.0, src.bare, tgt.core  # the handling word sits inside the name
    via_part = b in tgt.parts
    near = _near_exact(src, tgt) if sim < 97.0 else None
    if src.kind_clash(tgt) and sim < 100.0 and code_exact is None:
        # A penalty, coercive measure or inspection and a licence-like item share nouns, not an item.
        return None
    if code_exact is None and contrast(src.core, tgt.core, options.contrast_groups()):
        return None  # 道路货物运输经营许可 is not 道路旅客运输经营许可, however many words they share
    adjust, dept_note = _dept_adjust(src, tgt, options)
    clash = (
        sim < 97.0
        and (twin_clash(a, b) or _qualifier_clash(src, tgt))
        and not (parent is not None and parent.core in (tgt.core, tgt.alt_core))
    )
    main = parent.core if parent is not None and parent.core not in (src.core, src.full) else None
    if clash and code_exact is None and parent_only_clash(main, a, sim):
        return None  # the item's main item is another item of a similar name (企业设立… / 股权出质设立…)
    notes = [n for n in (dept_note,) if n]
    if via_part:
        notes.append(f"名称中列举的事项之一：{b}")
    if code_exact is not None and src.kind_clash(tgt) and sim < 100.0:
        notes.append("事项类别不同（处罚、强制、检查类与其他类），编码一致也需人工确认")
        clash = True
    if code_exact is not None:
        # A code agreement is strong evidence, not proof: with names far apart the link goes to review.
        # Code and name both agreeing is the strongest evidence short of a decision.
        if sim >= 100.0:
            base = 100.0 if code_exact else 99.5
        else:
            base = 60.0 + 0.4 * sim if code_exact else 58.0 + 0.4 * sim
        method, what = Method.CODE, ("编码一致" if code_exact else "编码包含上级编码")
        score = base + min(adjust, 0.0)
        reason = f"{what}（{tgt.code}），" + ("名称一致" if sim >= 100.0 else f"名称相似度{sim:.0f}")
    elif sim >= 100.0:
        method = Method.EXACT
        score = 96.0 + adjust
        reason = f"名称去除办理项和层级后一致：{b}"
    elif sim >= 97.0:
        method = Method.EXACT
        score = 93.0 + adjust
        reason = f"名称去除办理项、层级和审批/许可等字样后一致：{action_stem(b)}"
    elif near is not None and not clash:
        # Below an equal name and an equal stem, so that an item with its own exact power never ties.
        method = Method.EXACT
        score = 91.0 + adjust
        reason = near
    else:
        method = Method.FUZZY
        score = sim + adjust
        reason = f"名称相似度{sim:.0f}"
        structural = _structural_evidence(src, tgt, options)
        if structural is not None and structural[0] + adjust > score:
            # Subject + action and entity kinds propose a link; a person confirms it.
            score = min(structural[0] + adjust, options.match_threshold - 1.0)
            reason = structural[1]
    if clash:
        score = min(score, options.match_threshold - 1.0)
        notes.append("名称中有关键字不同，可能是相近的另一事项")
    if (
        src.handling
        and tgt.handling
        and tgt.handling not in UMBRELLA_HANDLING
        and src.handling != tgt.handling
    ):
        # The power is itself one handling item (子项 …（变更）): another handling word is another item.
        score = min(score - 10.0, options.match_threshold - 1.0)
        notes.append(f"办理项不同（{src.handling}/{tgt.handling}）")
    score = max(0.0, min(100.0, round(score, 1)))
    if score < options.review_threshold:
        return None
    return _Candidate(target=-1, score=score, method=method, reason="；".join([reason, *notes]))


_INSERTED_ACTIONS = tuple(sorted(ACTIONS, key=len, reverse=True))
_TRAILING_QUALIFIER = re.compile(r"^(.{4,})\(([^()]+)\)$")


def _near_exact(src: _Prepared, tgt: _Prepared) -> str | None:
    """How a handling item is its power's name with one thing added, or None.

    护士**变更**执业注册 is 护士执业注册 with a handling action inside; 兽药经营许可证核发**（普通兽药）** is the
    power with a qualifier of its own (the power has none); 危险废物经营许可**申请** is the application for it.
    """

    def same(name: str) -> bool:
        core = split_name(name).core
        return tgt.core in (name, core) or tgt.stem in (action_stem(name), action_stem(core))

    for text in {src.core, src.full}:
        for word in _INSERTED_ACTIONS:
            at = text.find(word, 2)
            if at > 0 and at + len(word) < len(text) and same(text[:at] + text[at + len(word) :]):
                return f"名称去除办理动作（{word}）后与该事项一致"
        if text.endswith("申请") and same(text[:-2]):
            return "名称为该事项加“申请”"
    m = _TRAILING_QUALIFIER.match(src.core)
    if m and not tgt.qualifiers and same(m.group(1)):
        return f"名称为该事项加限定（{m.group(2)}）"
    return None


def _structural_evidence(src: _Prepared, tgt: _Prepared, options: MatchOptions) -> tuple[float, str] | None:
    """A score and reason from the shape of the names: a general entity kind, or subject + action."""
    kinds = options.entity_vocabulary()
    for name in (tgt.core, *tgt.parts, *((tgt.alt_core,) if tgt.alt_core else ())):
        general = entity_cover(src.full, name, kinds)
        if general is not None:
            return 86.0, f"主体类别“{general}”涵盖该办理项（{name}）"
    for name in (tgt.core, *((tgt.alt_core,) if tgt.alt_core else ())):
        found = subject_action(src.full, name)
        if found is not None:
            subject, action = found
            return 80.0, f"主体相同（{subject}），办理动作：{action}"
    for name in (tgt.core, *((tgt.alt_core,) if tgt.alt_core else ())):
        by_pieces = piece_evidence(src.core, name)
        if by_pieces is not None:
            return by_pieces
    return None


# ---------------------------------------------------------------------------------------------- matching


def _partition_key(unit: str | None) -> str:
    return name_key(unit) if unit else ""


def match_catalogue(
    powers: Sequence[PowerItem],
    services: Sequence[ServiceItem],
    *,
    options: MatchOptions | None = None,
    decisions: DecisionBook | None = None,
    units: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
    addressing: Addressing = DEFAULT,
) -> MatchResult:
    """Find, for every service item, the power it implements; report powers and items left without one.

    Service items are matched within their unit (行政区划) against the powers expected at that unit. The
    strongest evidence wins: an analyst's decision, a code, an exact core name, then fuzzy similarity.
    `units` names receiving units to cover even when the catalogue holds no item of theirs (all unmatched).
    Units are independent partitions: matching a subset of units gives the same links for those units.
    """
    options = options or MatchOptions()
    result = MatchResult()
    prepared_powers = [_prepare_power(p) for p in powers]
    pkeys = [power_key(p) for p in powers]
    by_unit: dict[str, list[int]] = defaultdict(list)
    unit_names: dict[str, str | None] = {}
    for si, s in enumerate(services):
        k = _partition_key(s.unit)
        by_unit[k].append(si)
        unit_names.setdefault(k, s.unit)
    for named in units:
        unit_names.setdefault(_partition_key(named), named)
    if not unit_names:
        unit_names[""] = None
    # Powers of one unit's own list go to that unit only; the others are tested against each unit.
    own_unit: dict[str, list[int]] = defaultdict(list)
    floating: list[int] = []
    for pi, p in enumerate(powers):
        if p.role == "main":
            continue  # a main item (主项) is served through its sub-items (子项)
        if p.unit:
            own_unit[_partition_key(p.unit)].append(pi)
        else:
            floating.append(pi)
    done = 0
    linked_powers: dict[str, set[int]] = defaultdict(set)
    for ukey in sorted(unit_names):
        unit = unit_names[ukey]
        extra = [pi for pi in floating if addressing.applies_to(powers[pi], unit)]
        if unit is not None:
            members = sorted(own_unit.get(ukey, []) + extra)
        else:  # a catalogue with no 行政区划: every power is a candidate
            members = [pi for pi, p in enumerate(powers) if p.role != "main"]
        index = _Index([prepared_powers[pi] for pi in members])
        local_of: dict[str, list[int]] = defaultdict(list)
        for local, pi in enumerate(members):
            local_of[pkeys[pi]].append(local)
        in_unit = by_unit.get(ukey, [])
        families = _families(services, in_unit)
        parents = _family_parents(services, families)
        found_by: dict[int, list[_Found]] = {}
        for si in in_unit:
            s = services[si]
            found, ambiguous = _match_one(s, index, options, decisions, local_of, parents.get(si))
            result.ambiguous += ambiguous
            found_by[si] = found
            done += 1
            if progress is not None and done % 500 == 0:
                progress(done, len(services))
        _family_links(services, families, found_by, index, options, decisions, local_of, parents)
        for si in in_unit:
            for local, score, method, status, reason in found_by[si]:
                result.links.append(Link(members[local], si, score, method, status, reason))
                linked_powers[ukey].add(members[local])
            if not found_by[si]:
                result.orphans.append(si)
        for pi in members:
            if pi not in linked_powers[ukey]:
                result.unmatched.append((pi, unit))
    if progress is not None:
        progress(len(services), len(services))
    result.links.sort(
        key=lambda lk: (_partition_key(services[lk.service].unit), lk.power, -lk.score, lk.service)
    )
    return result


_Found = tuple[int, float, Method, Status, str]
_Parent = tuple[str, str | None]  # the power a service item names: name, code


def _families(services: Sequence[ServiceItem], in_unit: Sequence[int]) -> dict[str, list[int]]:
    """Service items of one unit grouped by the main-item stem of their codes (two or more per family)."""
    families: dict[str, list[int]] = defaultdict(list)
    for si in in_unit:
        stem = family_stem(services[si].code)
        if stem:
            families[stem].append(si)
    return {stem: members for stem, members in families.items() if len(members) >= 2}


def _family_parents(services: Sequence[ServiceItem], families: Mapping[str, list[int]]) -> dict[int, _Parent]:
    """A parent power (主项名称 / 基本目录名称) given on some items of a family counts for all of them."""
    out: dict[int, _Parent] = {}
    for members in families.values():
        given = [services[si] for si in members if not is_placeholder(services[si].parent_power_name)]
        names = {name_key(s.parent_power_name or "") for s in given}
        if len(names) != 1:
            continue  # none given, or the family disagrees with itself: nothing to spread
        first = given[0]
        for si in members:
            if is_placeholder(services[si].parent_power_name):
                out[si] = (first.parent_power_name or "", first.parent_power_code)
    return out


def _rejected(s: ServiceItem, decisions: DecisionBook | None, local_of: Mapping[str, list[int]]) -> set[int]:
    if decisions is None:
        return set()
    book = decisions.get(service_key(s), {})
    return {local for pk, d in book.items() if d is Decision.REJECT for local in local_of.get(pk, ())}


def _family_links(
    services: Sequence[ServiceItem],
    families: Mapping[str, list[int]],
    found_by: dict[int, list[_Found]],
    index: _Index,
    options: MatchOptions,
    decisions: DecisionBook | None,
    local_of: Mapping[str, list[int]],
    parents: Mapping[int, _Parent],
) -> None:
    """Siblings of a code family follow the power the rest of the family matched.

    Handling items of one power share the main-item stem of their codes (511Z18278001 … 011). When some
    of a family are matched to a power, the others become its candidates: matched when the name supports
    the link as well, review otherwise. A stem whose items matched several powers only proposes.
    """
    for stem, members in sorted(families.items()):
        matched = {f[0] for si in members for f in found_by[si] if f[3] is Status.MATCHED}
        proposes_only = not matched
        if not matched:
            # No item of the family is matched: a power most of its reviewed items put first is proposed.
            firsts = [min(found_by[si], key=lambda f: (-f[1], f[0])) for si in members if found_by[si]]
            # Only a confident review is a vote: a weak or doubtful one says little about the family.
            tops = Counter(f[0] for f in firsts if f[1] >= _FAMILY_NAME_SUPPORT and "关键字不同" not in f[4])
            if tops:
                top, votes = tops.most_common(1)[0]
                if votes >= 2 and votes * 2 > sum(tops.values()):
                    matched = {top}
            if not matched:
                # Every linked member points at one power, confidently: the unlinked ones are proposed for it.
                linked = [[(f[0], f[1], f[4]) for f in found_by[si]] for si in members if found_by[si]]
                agreed = unanimous_owner(linked, len(members))
                matched = {agreed} if agreed is not None else set()
        # Sub-items of one main item share its code stem: the family points at all of them, so it proposes.
        siblings = {s for t in matched for s in index.by_main.get(index.targets[t].alt_core or "", ())}
        owners = sorted(matched | siblings)
        if not owners:
            continue
        for si in members:
            if any(f[3] is Status.MATCHED for f in found_by[si]):
                continue
            if len(owners) > 1 and any(f[0] in owners for f in found_by[si]):
                continue  # the names already chose among the family's powers; the family adds nothing
            s = services[si]
            src = _prepare(s.name, None, s.code, s.department, s.category)
            parent = _parent_of(s, parents.get(si))
            rejected = _rejected(s, decisions, local_of)
            note = f"同一编码族（{stem}）的其他办理项" + (
                "多指向该事项" if proposes_only else "已匹配到该事项"
            )
            if len(owners) > 1:
                note += f"（该编码族对应{len(owners)}个事项）"
            proposed: dict[int, _Found] = {f[0]: f for f in found_by[si]}
            for t in owners:
                if t in rejected:
                    continue
                cand = _score_pair(src, index.targets[t], options, code_exact=None, parent=parent)
                name_score = cand.score if cand is not None else 0.0
                if len(owners) == 1 and not proposes_only and name_score >= _FAMILY_NAME_SUPPORT:
                    score = max(name_score, options.match_threshold)
                    found_by[si] = [
                        (t, score, Method.CODE, Status.MATCHED, f"{note}；{cand.reason if cand else ''}")
                    ]
                    break
                score = min(max(name_score, options.review_threshold), options.match_threshold - 1.0)
                reason = note + (f"；{cand.reason}" if cand is not None else "")
                if t not in proposed or proposed[t][1] < score:
                    proposed[t] = (t, score, Method.CODE, Status.REVIEW, reason)
            else:
                found_by[si] = sorted(proposed.values(), key=lambda f: (-f[1], f[0]))


# Name similarity at which a sibling of a family that matched one power is matched to it too.
_FAMILY_NAME_SUPPORT = 80.0


def _parent_of(s: ServiceItem, spread: _Parent | None) -> _Prepared | None:
    """The power a service item names (主项名称), its own or one its code family gives; placeholders are none."""
    if not is_placeholder(s.parent_power_name):
        return _prepare(s.parent_power_name or "", None, s.parent_power_code, s.department)
    if spread is not None:
        return _prepare(spread[0], None, spread[1], s.department)
    return None


def _match_one(
    s: ServiceItem,
    index: _Index,
    options: MatchOptions,
    decisions: DecisionBook | None,
    local_of: Mapping[str, list[int]],
    spread: _Parent | None = None,
) -> tuple[list[_Found], bool]:
    """Links of one service item to the partition's powers (local indices), and whether it was ambiguous."""
    src = _prepare(s.name, None, s.code, s.department, s.category)
    parent = _parent_of(s, spread)
    if parent is not None and parent.enforcement and not src.enforcement:
        src = replace(src, enforcement=True)  # a handling item of a penalty is a penalty's item
    elif parent is not None and parent.grant and not src.grant:
        src = replace(src, grant=True)  # a handling item of a licence (劳务派遣经营许可 › …书面报告)
    skey = service_key(s)
    rejected: set[int] = set()
    if decisions is not None and skey in decisions:
        confirmed: list[int] = []
        for pk, d in decisions[skey].items():
            for local in local_of.get(pk, ()):
                if d is Decision.CONFIRM:
                    confirmed.append(local)
                else:
                    rejected.add(local)
        if confirmed:
            return [(t, 100.0, Method.DECISION, Status.MATCHED, "分析人员已确认") for t in confirmed], False

    cands: dict[int, _Candidate] = {}

    def consider(t: int, code_exact: bool | None) -> None:
        if t in rejected:
            return
        cand = _score_pair(src, index.targets[t], options, code_exact=code_exact, parent=parent)
        if cand is None:
            return
        cand.target = t
        best = cands.get(t)
        if best is None or cand.score > best.score:
            cands[t] = cand

    for code in {src.code, parent.code if parent else None} - {None}:
        for t, exact in index.code_hits(code):
            consider(t, exact)
    for core in {src.core, src.full, src.bare or "", parent.core if parent else ""} - {""}:
        for t in index.by_core.get(core, ()):
            consider(t, None)
        for t in index.by_stem_name.get(action_stem(core), ()):
            consider(t, None)
    strong = [c for c in cands.values() if c.score >= options.match_threshold]
    if not strong:
        queries = [src.core] + ([parent.core] if parent else [])
        for q in queries:
            for t in index.fuzzy_candidates(q, options.candidates):
                consider(t, None)
    if not cands:
        return [], False
    ranked = sorted(cands.values(), key=lambda c: (-c.score, c.target))
    best = ranked[0]
    links: list[_Found] = []
    if best.score >= options.match_threshold:
        rivals = [c for c in ranked[1:] if c.score > best.score - options.margin]
        if not rivals:
            return [(best.target, best.score, best.method, Status.MATCHED, best.reason)], False
        own = _own_name_pick(src, [best, *rivals], index, options)
        if own is not None:
            reason = own.reason + "；子项名称与办理项名称一一对应"
            return [(own.target, max(own.score, best.score), own.method, Status.MATCHED, reason)], False
        tied = _own_name_narrow(src, [best, *rivals], index, options)
        if len(tied) == 1:
            (only,) = tied
            note = "；主项名称相同，子项名称与之最接近"
            return [(only.target, only.score, only.method, Status.REVIEW, only.reason + note)], False
        for c in tied:
            other = (tied[1] if c is tied[0] else tied[0]).target
            note = f"；与另一事项难以区分（{index.targets[other].core}）"
            links.append((c.target, c.score, c.method, Status.REVIEW, c.reason + note))
        return links, True
    close = [c for c in ranked[:3] if c.score > best.score - 2 * options.margin]
    own = _own_name_pick(src, close, index, options) if len(close) > 1 else None
    for c in [own] if own is not None else close:
        links.append((c.target, c.score, c.method, Status.REVIEW, c.reason))
    return links, False


def _own_scores(src: _Prepared, close: Sequence[_Candidate], index: _Index) -> list[float]:
    """How well the handling item's own name (with its handling word) fits each candidate's own name."""
    return [
        max(similarity(src.core, t.core), similarity(src.full, t.core))
        - (0.0 if src.handling == t.handling else 15.0)
        for t in (index.targets[c.target] for c in close)
    ]


def _own_name_narrow(
    src: _Prepared, close: Sequence[_Candidate], index: _Index, options: MatchOptions
) -> list[_Candidate]:
    """Of sub-items that one main item ties, those whose own names fit the handling item best.

    With no clear single sub-item (民办职业培训学校分立、合并审批 under 1.设立 … 5.终止), the review shows the
    sub-items nearest by their own names, not every sub-item of the main item.
    """
    targets = [index.targets[c.target] for c in close]
    if not targets[0].alt_core or any(t.alt_core != targets[0].alt_core for t in targets):
        return list(close)
    own = _own_scores(src, close, index)
    top = max(own)
    return [c for c, o in zip(close, own, strict=True) if o >= top - options.margin]


def _own_name_pick(
    src: _Prepared, close: Sequence[_Candidate], index: _Index, options: MatchOptions
) -> _Candidate | None:
    """The one sub-item whose own name pairs with the handling item, when the main item ties them all.

    Sub-items of one main item (1.民办职业培训学校设立审批 …) all share the main item's name, which a
    handling item's 主项名称 also gives: pair each handling item with the sub-item its own name matches,
    not every handling item with every sub-item.
    """
    targets = [index.targets[c.target] for c in close]
    # Own names compared with their handling words: 变更审查 and 核发 sub-items of one licence differ.
    own = _own_scores(src, close, index)
    order = sorted(range(len(close)), key=lambda i: -own[i])
    top = order[0]
    if (
        targets[top].alt_core is not None
        and own[top] >= options.match_threshold
        and all(own[i] <= own[top] - options.margin for i in order[1:])
    ):
        return close[top]
    return None


@dataclass(frozen=True, slots=True)
class Pair:
    """Two items of two lists taken to be the same item (one-to-one)."""

    left: int
    right: int
    score: float
    method: Method
    status: Status
    reason: str


@dataclass(slots=True)
class Pairing:
    pairs: list[Pair] = field(default_factory=list)
    left_only: list[int] = field(default_factory=list)
    right_only: list[int] = field(default_factory=list)


def match_lists(
    left: Sequence[PowerItem], right: Sequence[PowerItem], *, options: MatchOptions | None = None
) -> Pairing:
    """Pair the items of two power lists one to one: two versions, or a devolution and an acceptance list.

    Each right item is scored against the left items as a service item is against powers (code, exact
    core name, fuzzy); then the best-scoring pairs are taken greedily so that no item is used twice.
    """
    options = options or MatchOptions()
    prepared = [_prepare_power(p) for p in left]
    index = _Index(prepared)
    scored: list[tuple[float, int, int, _Candidate]] = []
    for ri, r in enumerate(right):
        src = _prepare(r.title, None, r.code, r.department, r.category)
        cands: dict[int, _Candidate] = {}

        def consider(
            t: int, code_exact: bool | None, src: _Prepared = src, cands: dict[int, _Candidate] = cands
        ) -> None:
            cand = _score_pair(src, index.targets[t], options, code_exact=code_exact, parent=None)
            if cand is not None and (t not in cands or cand.score > cands[t].score):
                cand.target = t
                cands[t] = cand

        for t, exact in index.code_hits(src.code):
            consider(t, exact)
        for t in index.by_core.get(src.core, ()):
            consider(t, None)
        for t in index.by_stem_name.get(src.stem, ()):
            consider(t, None)
        if not any(c.score >= options.match_threshold for c in cands.values()):
            for t in index.fuzzy_candidates(src.core, options.candidates):
                consider(t, None)
        for c in cands.values():
            scored.append((c.score, ri, c.target, c))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    used_left: set[int] = set()
    used_right: set[int] = set()
    result = Pairing()
    for score, ri, li, cand in scored:
        if ri in used_right or li in used_left:
            continue
        used_left.add(li)
        used_right.add(ri)
        status = Status.MATCHED if score >= options.match_threshold else Status.REVIEW
        result.pairs.append(Pair(li, ri, score, cand.method, status, cand.reason))
    result.pairs.sort(key=lambda p: (p.left, p.right))
    result.left_only = [i for i in range(len(left)) if i not in used_left]
    result.right_only = [i for i in range(len(right)) if i not in used_right]
    return result

"""Common administrative abbreviations (简称) and the full names they stand for: 社保卡 = 社会保障卡.

A handling item written with the short form (社保卡补领) and a power written with the full one (社会保障卡补领)
name one thing; matching compares a name also in its other form (`variants`) and says which abbreviation
it read. The vocabulary is small and drawn from how government catalogues write names; more entries go in
quanze.toml (`[match.abbreviations]` "社保卡" = "社会保障卡", or a list of full forms when a short form has
several: "医保" = ["医疗保障", "医疗保险"]).

A short form inside a longer word is not that abbreviation: 身份证 in 身份证明, 民非 in 居民非机动车,
驾驶证 in 拖拉机驾驶证 (not a 机动车驾驶证), 低保 in 降低保险费. Each entry lists what may not come right
before or after it (`Guard`); a short form already part of its full form (身份证 in 居民身份证) is never
expanded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from quanze.match import memo


@dataclass(frozen=True, slots=True)
class Guard:
    """Characters or words that may not come right before (`after`) or after (`before`) a short form.

    `alone`: the short form must start the name or follow a character that is not a Han character or is a
    joining word (、的和及与或对): 民非 is a word of its own, 居民非 is not it.
    """

    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    alone: bool = False


# Short form → its full forms (the first is the usual one): forms analysts read at once, checked against
# real published catalogue names (short and full forms both occur there).
DEFAULT_ABBREVIATIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "社保卡": ("社会保障卡",),
    "社保": ("社会保险",),
    "医保": ("医疗保障", "医疗保险"),
    "公积金": ("住房公积金",),
    "身份证": ("居民身份证",),
    "驾驶证": ("机动车驾驶证",),
    "行驶证": ("机动车行驶证",),
    "低保": ("最低生活保障",),
    "民非": ("民办非企业单位",),
    "环评": ("环境影响评价",),
    "危化品": ("危险化学品",),
    "个体户": ("个体工商户",),
    "农机": ("农业机械",),
    "残疾证": ("残疾人证",),
    "出生证明": ("出生医学证明",),
    "出生证": ("出生医学证明",),
    "户口本": ("居民户口簿",),
    "准生证": ("生育服务证",),
    "高校": ("高等学校",),
    "网约车": ("网络预约出租汽车",),
    "网吧": ("互联网上网服务营业场所",),
    # What 民办非企业单位 have been called since the Charity Law (2016): 社会服务机构成立登记 is 民办非企业单位成立登记.
    "社会服务机构": ("民办非企业单位",),
}

# What the built-in short forms may not touch. 驾驶证 / 行驶证 of a tractor, a ship … is not a motor vehicle's.
_VEHICLES: Final = ("机", "车", "船", "艇", "器", "员")
DEFAULT_GUARDS: Final[Mapping[str, Guard]] = {
    "社保": Guard(before=("障",)),
    "身份证": Guard(before=("明", "件")),
    "驾驶证": Guard(after=_VEHICLES),
    "行驶证": Guard(after=_VEHICLES),
    "低保": Guard(after=("降", "减", "最"), before=("险", "护", "温", "费", "存", "管", "障", "证金")),
    "民非": Guard(alone=True),
    "农机": Guard(after=("务", "兽")),
    "出生证": Guard(before=("明",)),
    "医保": Guard(before=("健",)),
    "高校": Guard(after=("提", "最")),
}

_JOINERS: Final = frozenset("、的和及与或对,，/")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass(frozen=True, slots=True, eq=False)
class Vocabulary:
    """Short forms, longest first, with their full forms and guards (one object per configuration)."""

    entries: tuple[tuple[str, tuple[str, ...], Guard], ...]
    # Where a short form or a full form may start: most names hold none, and are passed over at once.
    starts: re.Pattern[str]

    def variants(self, name: str) -> tuple[tuple[str, str], ...]:
        """The name written in its other forms, each with the note saying which abbreviation was read.

        Short forms are expanded (社保卡补领 → 社会保障卡补领, one variant per full form of an ambiguous short
        form) and full forms contracted (社会保障卡补领 → 社保卡补领), so that a name in either form finds the
        other. A name with no abbreviation gives nothing.
        """
        return _variants(self, name)


def vocabulary(extra: Mapping[str, Sequence[str]] | None = None) -> Vocabulary:
    """The built-in abbreviations with the configured ones added (a configured short form adds full forms)."""
    if not extra:
        return _BUILT_IN
    return _vocabulary(tuple(sorted((k, tuple(v)) for k, v in extra.items())))


@lru_cache(maxsize=memo.OPTION_SETS)
def _vocabulary(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> Vocabulary:
    merged = {k: tuple(v) for k, v in DEFAULT_ABBREVIATIONS.items()}
    for short, longs in extra:
        merged[short] = tuple(dict.fromkeys((*merged.get(short, ()), *longs)))
    entries = tuple(
        (short, longs, DEFAULT_GUARDS.get(short, Guard()))
        for short, longs in sorted(merged.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    )
    words = sorted({w for short, longs, _ in entries for w in (short, *longs)}, key=len, reverse=True)
    return Vocabulary(entries, re.compile("(?=(" + "|".join(map(re.escape, words)) + "))"))


_BUILT_IN: Final = _vocabulary(())


def _short_hits(vocab: Vocabulary, name: str) -> list[tuple[int, str, tuple[str, ...]]]:
    """Where short forms stand in the name as abbreviations: (position, short form, full forms), left to right."""
    hits: list[tuple[int, str, tuple[str, ...]]] = []
    pos = 0
    for m in vocab.starts.finditer(name):
        at = m.start()
        if at < pos:
            continue
        for short, longs, guard in vocab.entries:
            if name.startswith(short, at) and _stands_alone(name, at, short, longs, guard):
                hits.append((at, short, longs))
                pos = at + len(short)
                break
    return hits


def _stands_alone(name: str, pos: int, short: str, longs: tuple[str, ...], guard: Guard) -> bool:
    end = pos + len(short)
    if any(name[:pos].endswith(w) for w in guard.after) or any(name.startswith(w, end) for w in guard.before):
        return False
    if guard.alone and pos > 0 and _is_han(name[pos - 1]) and name[pos - 1] not in _JOINERS:
        return False
    # Already part of its full form (身份证 in 居民身份证): nothing to expand.
    for long_ in longs:
        at = long_.find(short)
        while at >= 0:
            if pos - at >= 0 and name.startswith(long_, pos - at):
                return False
            at = long_.find(short, at + 1)
    return True


# A name's variants, worked out once a name and vocabulary (matching asks for the same names again and again;
# a Vocabulary is hashed by identity).
@lru_cache(maxsize=memo.PAIRS)
def _variants(vocab: Vocabulary, name: str) -> tuple[tuple[str, str], ...]:
    if vocab.starts.search(name) is None:
        return ()
    out: dict[str, str] = {}
    hits = _short_hits(vocab, name)
    if hits:
        widest = max(len(longs) for _, _, longs in hits)
        for choice in range(widest):  # an ambiguous short form: one variant per full form
            pieces: list[str] = []
            notes: list[str] = []
            last = 0
            for pos, short, longs in hits:
                long_ = longs[min(choice, len(longs) - 1)]
                pieces += [name[last:pos], long_]
                notes.append(f"简称“{short}”即“{long_}”")
                last = pos + len(short)
            pieces.append(name[last:])
            out.setdefault("".join(pieces), "；".join(dict.fromkeys(notes)))
    contracted, notes = name, []
    for short, longs, _guard in vocab.entries:
        for long_ in longs:
            if long_ in contracted:
                contracted = contracted.replace(long_, short)
                notes.append(f"简称“{short}”即“{long_}”")
    if contracted != name:
        out.setdefault(contracted, "；".join(dict.fromkeys(notes)))
    out.pop(name, None)
    return tuple(out.items())

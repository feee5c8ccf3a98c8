"""A gap's identity from run to run: the key it is found by again, its stable id, and renamed items."""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence

from quanze.match import MatchOptions, similarity, twin_clash
from quanze.normalize import code_key, department_key, name_key, split_name
from quanze.results import GapRow, GapType


def item_key(code: str | None, name: str) -> str:
    """An item as the ledger knows it: its basic code when it has one, else its name without level or widths."""
    basic = code_key(code)
    if basic:
        return "code:" + basic
    parts = split_name(name)
    return "name:" + parts.core + (parts.handling or "")


def identities(gaps: Sequence[GapRow]) -> dict[str, GapRow]:
    """Each gap of a run under its stable identity: gap type + unit + item key; one identity per gap row.

    Codes are often reused: when two gaps of one type and unit share a code, both fall back to code and
    name. An overlap (职责交叉) is a gap of each department that lists the item, so its department is part
    of its identity; rows of other types still alike after the name fall back to their department. Rows
    alike in all of that (the same item listed twice by one department) are told apart by their order.
    """

    def unit_part(g: GapRow, *, with_department: bool) -> str:
        unit = name_key(g.unit) if g.unit else ""
        if with_department:
            unit += "@" + (department_key(g.department) or "")
        return unit

    def base(g: GapRow, *, with_department: bool = False) -> str:
        unit = unit_part(g, with_department=with_department or g.gap_type is GapType.OVERLAP)
        return f"{g.gap_type.value}|{unit}|{item_key(g.item_code, g.item_name)}"

    names: dict[str, set[str]] = defaultdict(set)
    for g in gaps:
        names[base(g)].add(name_key(g.item_name))

    def named(g: GapRow, *, with_department: bool = False) -> str:
        key = base(g, with_department=with_department)
        if len(names[base(g)]) > 1:
            key += "|name:" + split_name(g.item_name).core
        return key

    departments: dict[str, set[str]] = defaultdict(set)
    for g in gaps:
        departments[named(g)].add(department_key(g.department) or "")
    out: dict[str, GapRow] = {}
    for g in gaps:
        key = named(g, with_department=len(departments[named(g)]) > 1)
        n, unique = 1, key
        while unique in out:
            n += 1
            unique = f"{key}|#{n}"
        out[unique] = g
    return out


def gap_id(identity: str) -> str:
    """A short id people can type (G-1a2b3c4d5e), derived from the identity so that it never changes."""
    return "G-" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:10]


def _name_core(identity: str) -> str | None:
    """The name an identity without a code is keyed on (handling word included); None for a code."""
    item = identity.split("|", 2)[2]
    return item[5:] if item.startswith("name:") else None


def find_renames(
    fresh: Mapping[str, GapRow], vanished: Sequence[sqlite3.Row], options: MatchOptions
) -> dict[str, sqlite3.Row]:
    """New identities that are a renamed gap still on the list: same type and unit, names the matcher pairs."""
    candidates: dict[str, list[tuple[str, sqlite3.Row]]] = defaultdict(list)
    for old in vanished:
        old_core = _name_core(old["identity"])
        if old_core is not None:
            candidates["|".join(old["identity"].split("|", 2)[:2])].append((old_core, old))
    pairs: list[tuple[float, str, sqlite3.Row]] = []
    for identity in fresh:
        core = _name_core(identity)
        if core is None:
            continue
        for old_core, old in candidates.get("|".join(identity.split("|", 2)[:2]), ()):
            score = similarity(core, old_core)
            if score >= options.match_threshold and not twin_clash(core, old_core):
                pairs.append((score, identity, old))
    taken: set[str] = set()
    out: dict[str, sqlite3.Row] = {}
    for _score, identity, old in sorted(pairs, key=lambda p: (-p[0], p[1], p[2]["id"])):
        if identity in out or old["id"] in taken:
            continue
        out[identity] = old
        taken.add(old["id"])
    out.update(
        find_recodes(
            {k: g for k, g in fresh.items() if k not in out}, [r for r in vanished if r["id"] not in taken]
        )
    )
    return out


def _by_name(identity: str, name: str) -> tuple[str, str]:
    """A gap's type and unit part with its item's name as the ledger keys a name (code left aside)."""
    kind, unit, _item = identity.split("|", 2)
    return f"{kind}|{unit}", item_key(None, name)


def find_recodes(fresh: Mapping[str, GapRow], vanished: Sequence[sqlite3.Row]) -> dict[str, sqlite3.Row]:
    """New identities that are a gap still on the list whose item's code changed (a code corrected upstairs,
    a code given or taken away): same type, unit and name as one vanished gap, one of the two keyed on a code.

    Only a one-to-one pairing counts: two vanished gaps or two new ones of one name are left as they are.
    """
    old_by: dict[tuple[str, str], list[sqlite3.Row]] = defaultdict(list)
    for old in vanished:
        old_by[_by_name(old["identity"], old["item_name"])].append(old)
    new_by: dict[tuple[str, str], list[str]] = defaultdict(list)
    for identity, gap in fresh.items():
        new_by[_by_name(identity, gap.item_name)].append(identity)
    out: dict[str, sqlite3.Row] = {}
    for key, news in new_by.items():
        olds = old_by.get(key, [])
        if len(news) != 1 or len(olds) != 1:
            continue
        (identity,), (old,) = news, olds
        if _name_core(identity) is None or _name_core(old["identity"]) is None:
            out[identity] = old
    return out

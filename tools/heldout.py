"""A held-out set with the catalogue's structure: code families, listed actions, sub-items and penalties.

Built from the real names of the departments the sample data does not use (synth.split_pool), leaving out
every name that the tests mention, so that the matcher is measured on names it was not tuned on. Every
service row carries the power it implements and the kind of evidence that has to find it:

- plain      a handling item named after its power (with the usual noise: widths, level suffixes, renames);
- family     a real handling item whose name differs from its power (教练车备案证办理（注销） under
             机动车驾驶员培训备案); its code shares the family stem, the power's own code is often missing and
             the parent name is given on only some of the family;
- sub-item   a handling item of one sub-item (子项) of a main item, naming the main item as its parent;
- listed     one action of a power that enumerates them (企业设立、变更、注销登记 → 企业注销登记).

Penalties are added as traps: for a share of the licences, a penalty named after the licence
(对未经许可从事…的处罚) with no service item at all. Any link to one is wrong.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from quanze.match.evidence import listed_parts
from quanze.normalize import name_key, split_name

from synth import PoolItem, _noisy_name, _unit_department, unit_names

TESTS = Path(__file__).parent.parent / "tests"
ACTIONS = ["设立", "变更", "注销"]


@dataclass
class HPower:
    id: int
    name: str
    sub_item: str | None
    category: str
    code: str | None
    department: str
    role: str  # single | main | sub


@dataclass
class HService:
    unit: str
    department: str
    name: str
    code: str | None
    parent: str | None
    truth: int
    kind: str


@dataclass
class HeldOut:
    units: list[str]
    powers: list[HPower] = field(default_factory=list)
    services: list[HService] = field(default_factory=list)
    penalties: set[int] = field(default_factory=set)


@functools.cache
def names_in_tests() -> str:
    return "\n".join(name_key(p.read_text(encoding="utf-8")) for p in sorted(TESTS.rglob("*.py")))


def usable(pool: list[PoolItem]) -> list[PoolItem]:
    """Held-out items whose names (and handling items' names) appear nowhere in the tests."""
    text = names_in_tests()
    out = []
    for item in pool:
        names = [item.name, *item.children]
        if any(split_name(n).core in text for n in names):
            continue
        out.append(item)
    return out


def _listed_name(item: PoolItem, rng: random.Random) -> str | None:
    """The item's name as a list of actions: real where it already is one, else subject + 设立、变更、注销 + act."""
    core = split_name(item.name).core
    if listed_parts(core):
        return item.name
    m = re.match(r"^(.{4,}?)(登记|审批)$", core)
    if m and item.category == "行政许可" and not item.children and rng.random() < 0.35:
        acts = rng.sample([*ACTIONS, "延续", "换发"], 3)
        return m.group(1) + "、".join(acts[:-1]) + rng.choice(["、", "或者", "及"]) + acts[-1] + m.group(2)
    return None


def _penalty_for(licence: str, rng: random.Random) -> str:
    stem = re.sub(r"(许可证核发|许可证|审批|许可|核准|核发)$", "", split_name(licence).core)
    return rng.choice(
        [
            f"对未经许可擅自从事{stem}的处罚",
            f"对未取得{stem}许可从事相关活动的处罚",
            f"对{stem}违反规定行为的处罚",
            f"对未经批准{stem}的行政处罚",
        ]
    )


def make_heldout(pool: list[PoolItem], *, seed: int, n_units: int = 5, n_powers: int = 260) -> HeldOut:
    rng = random.Random(seed)
    # Shuffled before the names the tests use are left out, so that a new test name drops one item only.
    order = list(pool)
    rng.shuffle(order)
    keep = {id(item) for item in usable(pool)}
    items = [item for item in order if id(item) in keep][:n_powers]
    h = HeldOut(units=unit_names(n_units, rng))
    # Each power: how its service items are named and coded (kind, [(name, code suffix)], parent names).
    plans: list[tuple[int, str, list[str], str | None, str | None]] = []  # power, kind, names, stem, parent
    for n, item in enumerate(items):
        dept = item.department or "行政审批局"
        stem = f"369{'A' if item.category == '行政许可' else 'Z'}{n % 90 + 10:02d}{n:05d}"
        listed = _listed_name(item, rng)
        if item.children and len(item.children) >= 2 and rng.random() < 0.35:
            main = HPower(len(h.powers), item.name, None, item.category, None, dept, "main")
            h.powers.append(main)
            for child in item.children:
                sub = HPower(len(h.powers), item.name, child, item.category, None, dept, "sub")
                h.powers.append(sub)
                plans.append((sub.id, "sub-item", [child], None, item.name))
            continue
        code = stem + "000" if rng.random() < 0.5 else None
        p = HPower(len(h.powers), listed or item.name, None, item.category, code, dept, "single")
        h.powers.append(p)
        if listed:
            parts = [
                x for x in listed_parts(split_name(listed).core) if len(x) < len(split_name(listed).core)
            ]
            with_tail = parts[: len(parts) // 2] or parts
            plans.append((p.id, "listed", rng.sample(with_tail, min(len(with_tail), 2)), stem, None))
        elif item.children:
            plans.append((p.id, "family", list(item.children), stem, item.name))
        else:
            plans.append((p.id, "plain", [item.name], stem, None))
        if item.category == "行政许可" and rng.random() < 0.4:
            trap = HPower(len(h.powers), _penalty_for(item.name, rng), None, "行政处罚", None, dept, "single")
            h.powers.append(trap)
            h.penalties.add(trap.id)
    for u_no, unit in enumerate(h.units):
        region = f"3690{u_no + 1:02d}000000"
        for pid, kind, names, stem, parent in plans:
            if rng.random() < 0.05:
                continue  # never entered on this unit's platform
            p = h.powers[pid]
            for k, name in enumerate(names, start=1):
                code = f"{stem}{k:03d}-{region}-000-11369{u_no:03d}000000000X-1-00" if stem else None
                h.services.append(
                    HService(
                        unit=unit,
                        department=_unit_department(unit, p.department, rng),
                        name=_noisy_name(name, rng, rename=0.03),
                        code=code,
                        parent=parent
                        if parent and rng.random() < (0.6 if kind == "sub-item" else 0.3)
                        else None,
                        truth=pid,
                        kind=kind,
                    )
                )
    return h

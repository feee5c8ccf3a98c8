"""Held-out gap cases built by code, with the gap rows they truly hold: the proof behind `make quality`.

One case is a city devolution list whose 承接单位 cells are written as offices write them, the acceptance
lists of several counties and a development zone in different layouts (title rows, other header words, a
GBK CSV, one sheet per department), a catalogue with a 行政区划 column, and a province → city → county →
township chain with the city's own current list. Names come from the departments the sample data does not
use (synth.split_pool), and the unit names from a list the gap tests do not use. The generator records,
as it writes each file, which gap rows an analyst would list; `measure` compares quanze's rows with them.
"""

from __future__ import annotations

import csv
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).parent))

from quanze.config import load_config
from quanze.match import similarity
from quanze.normalize import department_key, name_key, split_name
from quanze.pipeline import reconcile
from quanze.results import GapRow, GapType

from synth import PoolItem, load_pool, split_pool

CITIES = ("云州市", "景陵市", "澄江市", "岳川市")
COUNTIES = ("岚山县", "桐溪县", "柏川市", "石门区", "青溪县", "白沙县", "龙泉市", "望江区", "云岭县")
TOWNSHIPS = ("云岭镇", "北关街道", "石桥镇", "沙河乡", "东坪镇", "西岭街道")
ACCEPT = ("认领", "已承接", "是", "承接")
REFUSE = ("不认领", "暂不承接", "否", "不承接")
HANDLING = ("新办", "变更", "延续", "注销")
MEASURED = (
    GapType.NOT_ACCEPTED,
    GapType.NOT_DEVOLVED,
    GapType.NO_SERVICE_ITEM,
    GapType.ORPHAN_SERVICE_ITEM,
    GapType.NO_SUPERVISION,
    GapType.UNUSED,
    GapType.NAME_MISMATCH,
    GapType.DROPPED_IN_CHAIN,
    GapType.HELD_TWICE,
    GapType.OVERLAP,
)

Key = tuple[GapType, str, str, str]


def gap_key(kind: GapType, unit: str, name: str, extra: str | None = None) -> Key:
    return (kind, name_key(unit), name_key(name), name_key(extra or ""))


def row_key(g: GapRow) -> Key:
    if g.gap_type is GapType.OVERLAP:
        extra = department_key(g.department)
    elif g.gap_type is GapType.NAME_MISMATCH:
        extra = g.service_name
    else:
        extra = None
    return gap_key(g.gap_type, g.unit or "", g.item_name, extra)


@dataclass
class Power:
    name: str
    department: str
    category: str
    code: str
    mode: str = "直接下放"
    phrase: str | None = None
    units: list[str] = field(default_factory=list)
    supervised: bool = True
    children: list[str] = field(default_factory=list)  # real handling items of this power, where known


@dataclass
class GapCase:
    config: Path
    truth: set[Key]
    units: list[str]


def _pick_items(pool: Sequence[PoolItem], n: int, rng: random.Random) -> list[PoolItem]:
    """Items whose names are far apart: a case's truth must not hinge on two near-identical powers."""
    candidates = [
        p
        for p in pool
        if 5 <= len(p.name) <= 28
        and "(" not in p.name
        and "（" not in p.name
        and len(p.department) >= 3
        and p.department.endswith(("局", "委", "办", "会", "中心"))
    ]
    rng.shuffle(candidates)
    return far_apart(candidates, n, below=60)


def far_apart(items: Sequence[PoolItem], n: int, *, below: float) -> list[PoolItem]:
    """The first `n` items whose name cores are each less than `below` similar to every one taken before."""
    chosen: list[PoolItem] = []
    cores: list[str] = []
    for p in items:
        core = split_name(p.name).core
        if any(similarity(core, c) >= below for c in cores):
            continue
        chosen.append(p)
        cores.append(core)
        if len(chosen) == n:
            break
    return chosen


def act_renamed(name: str) -> str | None:
    """The same item with its act word changed or one added, as a county may enter it."""
    for old, new in (("核发", "发放"), ("登记", "登记办理"), ("审批", "许可"), ("备案", "备案办理")):
        if name.endswith(old):
            return name[: -len(old)] + new
    return None


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)


def make_case(folder: Path, seed: int, *, n_powers: int = 40) -> GapCase:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    _, held_out = split_pool(load_pool())
    items = _pick_items(held_out, n_powers + 40, rng)
    city = CITIES[seed % len(CITIES)]
    counties = sorted(rng.sample(COUNTIES, 5))
    zone = f"{city[:2]}经济技术开发区"
    units = [*counties, zone]
    county_level = list(counties)
    truth: set[Key] = set()

    # ---- the city's devolution list, 承接单位 as offices write it
    aliases = {"山区片": counties[:3]}
    phrases: list[tuple[str | None, list[str]]] = []
    x = counties[rng.randrange(5)]
    a, b = rng.sample(counties, 2)
    phrases += [
        (None, units),
        ("各县（市、区）", county_level),
        ("县（市、区）人民政府", county_level),
        ("县级", county_level),
        (f"各县（市、区）（{x}除外）", [u for u in county_level if u != x]),
        (f"除{x}外的各县（市、区）", [u for u in county_level if u != x]),
        (f"{a}、{b}", sorted([a, b])),
        ("经开区", [zone]),
        ("各县（市、区）、经开区", units),
        ("山区片", list(aliases["山区片"])),
    ]
    powers: list[Power] = []
    for i, item in enumerate(items[:n_powers]):
        phrase, addressed = phrases[i % len(phrases)]
        p = Power(item.name, item.department, item.category, f"{city[:2]}{seed:02d}{i:04d}")
        p.children = list(item.children)
        p.phrase, p.units = phrase, list(addressed)
        if i % 11 == 7:
            target = rng.choice(counties)
            p.mode, p.phrase, p.units = "委托", f"委托{target}{item.department}实施", [target]
        p.supervised = rng.random() > 0.15
        powers.append(p)
    spare = items[n_powers:]
    rows: list[list[object]] = [
        [
            "序号",
            "事项名称",
            "事项类型",
            "事项编码",
            "实施部门",
            "下放方式",
            "承接单位",
            "监管部门",
            "监管方式",
        ]
    ]
    for n, p in enumerate(powers, 1):
        rows.append(
            [
                n,
                p.name,
                p.category,
                p.code,
                f"市{p.department}",
                p.mode,
                p.phrase,
                f"县级{p.department}" if p.supervised else None,
                "双随机一公开" if p.supervised else None,
            ]
        )
        if not p.supervised:
            for u in p.units:
                truth.add(gap_key(GapType.NO_SUPERVISION, u, p.name))
    _xlsx(folder / "city.xlsx", {"下放清单": [[f"{city}市级下放事项清单"], *rows]})

    # ---- acceptance lists, one layout per unit
    accepted: dict[str, list[Power]] = {}
    entered: dict[str, dict[str, str]] = defaultdict(dict)  # power name → unit → name entered
    held: dict[str, set[str]] = defaultdict(set)  # power name → units listing it (refused included)
    township_parents = counties[:2]
    handed_to_townships: dict[str, list[Power]] = {}
    written: dict[tuple[str, str], str] = {}  # (unit, name written) → the power it stands for
    acceptance_rows: dict[str, list[tuple[str, str, str]]] = {}
    acceptance_files: dict[str, str] = {}
    for k, unit in enumerate(units):
        mine = [p for p in powers if unit in p.units]
        rows_u: list[tuple[str, str, str]] = []  # (name, department, word)
        accepted[unit] = []
        for p in mine:
            r = rng.random()
            if r < 0.08:
                rows_u.append((p.name, p.department, rng.choice(REFUSE)))
                held[p.name].add(unit)
                truth.add(gap_key(GapType.NOT_ACCEPTED, unit, p.name))
            elif r < 0.16:
                truth.add(gap_key(GapType.NOT_ACCEPTED, unit, p.name))
            else:
                variant = rng.random()
                name = p.name
                if variant < 0.1:
                    name = f"{p.name}（县级）"
                elif variant < 0.2:
                    name = p.name.replace("、", "，")
                rows_u.append((name, p.department, rng.choice(ACCEPT)))
                written[(unit, name)] = p.name
                entered[p.name][unit] = name
                held[p.name].add(unit)
                accepted[unit].append(p)
        # One item devolved to other units only, and one never devolved, listed as taken on.
        others = [p for p in powers if unit not in p.units and p.mode != "委托"]
        extras = [rng.choice(others).name] if others else []
        extras.append(spare[k].name)
        for name in extras:
            rows_u.append((name, spare[k].department, rng.choice(ACCEPT)))
            truth.add(gap_key(GapType.NOT_DEVOLVED, unit, name))
        rng.shuffle(rows_u)
        acceptance_rows[unit] = rows_u
        if unit in township_parents:
            handed_to_townships[unit] = [p for p in accepted[unit] if entered[p.name][unit] == p.name][:3]
    # A county that renamed an item others kept (核发 → 发放): one unit per item, three or more taking it.
    for p in powers:
        takers = sorted(entered[p.name])
        renamed = act_renamed(p.name)
        if renamed and len(takers) >= 3 and rng.random() < 0.6:
            unit = rng.choice(takers)
            entered[p.name][unit] = renamed
            truth.add(gap_key(GapType.NAME_MISMATCH, unit, p.name, None))
    # Write the lists, with the renamed entries.
    for k, unit in enumerate(units):
        fixed = []
        for name, dept, word in acceptance_rows[unit]:
            base = written.get((unit, name))
            if base is not None and word in ACCEPT:
                name = entered[base][unit]
            fixed.append((name, dept, word))
        handed = handed_to_townships.get(unit)
        down = [entered[p.name][unit] for p in handed] if handed is not None else None
        acceptance_files[unit] = _write_acceptance(folder, k, unit, fixed, handed=down)

    # ---- catalogue with 行政区划
    cat_rows: list[list[object]] = [
        ["序号", "行政区划", "实施主体", "基本目录名称", "业务办理项名称", "办件量"]
    ]
    entries: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (power, entry) → unit → name
    for unit in units:
        for p in accepted[unit]:
            if rng.random() < 0.1:
                # Left off the platform: a gap only for kinds of power expected to have a service item
                # (`[match] service_categories`; penalties, coercive measures and inspections have none).
                if _expects_service_item(p.category):
                    truth.add(gap_key(GapType.NO_SERVICE_ITEM, unit, p.name))
                continue
            parts = split_name(p.name)
            core = parts.core
            splits = parts.handling in (None, "核发")  # a power that is itself one handling item does not
            if p.children:
                # Real handling items of the power, as the platform names them (every unit alike).
                for child in sorted(rng.sample(p.children, min(2, len(p.children)))):
                    entries[(p.name, f"child:{child}")][unit] = child
            elif splits and (p.name.endswith("核发") or (p.category == "行政许可" and rng.random() < 0.5)):
                stem = p.name[:-2] if p.name.endswith("核发") else core
                for h in sorted(rng.sample(HANDLING, rng.randint(1, 3)), key=HANDLING.index):
                    entries[(p.name, h)][unit] = f"{stem}{h}"
            else:
                entries[(p.name, "")][unit] = p.name
    for (pname, h), by_unit in entries.items():
        renamed = act_renamed(next(iter(by_unit.values()))) if not h else None
        if renamed and len(by_unit) >= 3 and rng.random() < 0.6:
            unit = rng.choice(sorted(by_unit))
            by_unit[unit] = renamed
            truth.add(gap_key(GapType.NAME_MISMATCH, unit, pname, renamed))
    n = 0
    for (pname, _h), by_unit in sorted(entries.items()):
        dept = next(p.department for p in powers if p.name == pname)
        for unit, name in sorted(by_unit.items()):
            volume = 0 if rng.random() < 0.1 else rng.randint(1, 80)
            if volume == 0:
                truth.add(gap_key(GapType.UNUSED, unit, name))
            n += 1
            # Platform exports name the power (基本目录) beside a handling item of its own wording.
            parent = pname if _h.startswith("child:") else None
            cat_rows.append([n, unit, f"{unit}{dept}", parent, name, volume])
    for k, unit in enumerate(units):
        for item in spare[20 + 2 * k : 22 + 2 * k]:
            n += 1
            cat_rows.append([n, unit, f"{unit}{item.department}", None, item.name, rng.randint(1, 9)])
            truth.add(gap_key(GapType.ORPHAN_SERVICE_ITEM, unit, item.name))
        # A near-twin of an accepted power that is another item (…许可 / …备案): no power behind it.
        twins = [p for p in accepted[unit] if p.name.endswith(("许可", "审批"))]
        if twins:
            p = rng.choice(twins)
            twin = p.name[:-2] + "备案"
            n += 1
            cat_rows.append([n, unit, f"{unit}{p.department}", None, twin, rng.randint(1, 9)])
            truth.add(gap_key(GapType.ORPHAN_SERVICE_ITEM, unit, twin))
    _xlsx(folder / "catalogue.xlsx", {"政务服务事项": cat_rows})

    # ---- chain: province above, townships below two counties, the city's own current list
    province = [p for p in powers if p.mode == "直接下放"][:6]
    lost = spare[34:37]
    prov_rows: list[list[object]] = [["序号", "事项名称", "实施部门", "下放方式"]]
    for i, p in enumerate(province, 1):
        prov_rows.append([i, p.name, f"省{p.department}", "直接下放"])
    for i, item in enumerate(lost, len(province) + 1):
        prov_rows.append([i, item.name, f"省{item.department}", "直接下放"])
        truth.add(gap_key(GapType.DROPPED_IN_CHAIN, "某省", item.name))
    _xlsx(folder / "province.xlsx", {"省级下放": prov_rows})
    county_held = {p.name for p in powers for u in county_level if u in held[p.name]}
    for p in powers:
        # Present at none of the units it was handed to (the development zone among them).
        if p.units and not held[p.name] & set(p.units):
            truth.add(gap_key(GapType.DROPPED_IN_CHAIN, city, p.name))
    townships: list[tuple[str, str]] = []
    for j, parent in enumerate(township_parents):
        handed = handed_to_townships[parent]
        for t in TOWNSHIPS[2 * j : 2 * j + 2]:
            townships.append((t, parent))
        kept = handed[:-1] if handed else []
        if handed:
            truth.add(gap_key(GapType.DROPPED_IN_CHAIN, parent, entered[handed[-1].name][parent]))
        for t, _ in townships[-2:]:
            trows: list[list[object]] = [["序号", "事项名称", "实施部门"]]
            for i, p in enumerate(kept, 1):
                trows.append([i, p.name, t])
            trows.append([len(kept) + 1, f"{t}农村集体经济组织事务管理", t])
            _xlsx(folder / f"{t}.xlsx", {"清单": trows})
    direct = [p for p in powers if p.mode == "直接下放" and p.name in county_held]
    entrusted = [p for p in powers if p.mode == "委托" and p.name in county_held]
    own_rows: list[list[object]] = [["序号", "事项名称", "事项类型", "实施部门"]]
    for p in direct[:3]:
        lower = [u for u in units if p in accepted[u]]
        if lower:
            truth.add(gap_key(GapType.HELD_TWICE, city, p.name))
        own_rows.append([len(own_rows), p.name, p.category, f"{city}{p.department}"])
    for p in entrusted[:1]:
        own_rows.append([len(own_rows), p.name, p.category, f"{city}{p.department}"])
    for item in spare[37:40]:
        own_rows.append([len(own_rows), item.name, item.category, f"{city}{item.department}"])
    # 职责交叉: one power listed by two departments of the city.
    shared = spare[37]
    other = next(
        s.department for s in spare if department_key(s.department) != department_key(shared.department)
    )
    own_rows.append([len(own_rows), shared.name, shared.category, f"{city}{other}"])
    truth.add(gap_key(GapType.OVERLAP, city, shared.name, department_key(shared.department)))
    truth.add(gap_key(GapType.OVERLAP, city, shared.name, department_key(other)))
    _xlsx(folder / "city-own.xlsx", {"市级权责清单": own_rows})

    # ---- quanze.toml
    lines = [
        '[project]\nname = "held-out"\nout = "out"\n',
        '[[inputs.lists]]\npath = "province.xlsx"\nrole = "chain"\nlevel = "province"\nunit = "某省"\n',
        f'[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\nlevel = "city"\nunit = "{city}"\n',
        f'[[inputs.lists]]\npath = "city-own.xlsx"\nrole = "own"\nlevel = "city"\nunit = "{city}"\n',
    ]
    for unit in units:
        level = "cluster" if unit == zone else "county"
        lines.append(
            f'[[inputs.lists]]\npath = "{acceptance_files[unit]}"\nrole = "acceptance"\n'
            f'level = "{level}"\nunit = "{unit}"\n'
        )
    for t, parent in townships:
        lines.append(
            f'[[inputs.lists]]\npath = "{t}.xlsx"\nrole = "chain"\nlevel = "township"\nunit = "{t}"\n'
            f'parent = "{parent}"\n'
        )
    lines.append('[inputs.catalogue]\npath = "catalogue.xlsx"\n')
    lines.append("[aliases.units]\n" + "".join(f'"{k}" = {list(v)!r}\n' for k, v in aliases.items()))
    config = folder / "quanze.toml"
    config.write_text("\n".join(lines).replace("'", '"'), encoding="utf-8")
    return GapCase(config=config, truth=truth, units=units)


def _write_acceptance(
    folder: Path, k: int, unit: str, rows: list[tuple[str, str, str]], *, handed: list[str] | None
) -> None:
    """One unit's acceptance list in the layout of its turn: plain, titled, GBK CSV, one sheet per
    department; a county with townships adds 下放方式 and 承接单位 for what it hands down."""
    down = set(handed or [])
    layout = k % 4 if handed is None and not down else 1
    if layout == 0:
        path = folder / f"{unit}.xlsx"
        body = [[i, n, f"{unit}{d}", w] for i, (n, d, w) in enumerate(rows, 1)]
        _xlsx(path, {"承接清单": [["序号", "事项名称", "实施部门", "认领情况"], *body]})
    elif layout == 1:
        path = folder / f"{unit}.xlsx"
        header = ["序号", "权力名称", "责任主体", "是否承接", "下放方式", "承接单位"]
        body = [
            [i, n, f"{unit}{d}", w, *(("直接下放", "各乡镇（街道）") if n in down else (None, None))]
            for i, (n, d, w) in enumerate(rows, 1)
        ]
        _xlsx(
            path,
            {"Sheet1": [[f"{unit}承接市级下放事项认领表"], [f"填报单位：{unit}人民政府"], header, *body]},
        )
    elif layout == 2:
        path = folder / f"{unit}.csv"
        with path.open("w", encoding="gbk", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["序号", "职权名称", "实施机关", "认领状态"])
            for i, (n, d, word) in enumerate(rows, 1):
                w.writerow([i, n, f"{unit}{d}", word])
    else:
        path = folder / f"{unit}.xlsx"
        sheet_per_department(path, rows)
    return path.name


def sheet_per_department(path: Path, rows: list[tuple[str, str, str]]) -> None:
    """An acceptance workbook with one sheet per department (序号, 事项名称, 认领情况)."""
    sheets: dict[str, list[list[object]]] = defaultdict(list)
    for name, department, word in rows:
        title = (department_key(department) or department)[:28]
        if not sheets[title]:
            sheets[title].append(["序号", "事项名称", "认领情况"])
        sheets[title].append([len(sheets[title]), name, word])
    _xlsx(path, dict(sheets))


@dataclass
class Score:
    true_positive: int = 0
    found: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.true_positive / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.expected if self.expected else 1.0


def measure(case: GapCase) -> tuple[dict[GapType, Score], set[Key], set[Key]]:
    """Precision and recall per gap type; also the rows found but not expected, and those missed."""
    result = reconcile(load_config(case.config))
    found = {row_key(g) for g in result.gaps if g.gap_type in MEASURED}
    scores = {}
    for kind in MEASURED:
        f = {k for k in found if k[0] is kind}
        t = {k for k in case.truth if k[0] is kind}
        scores[kind] = Score(true_positive=len(f & t), found=len(f), expected=len(t))
    return scores, found - case.truth, case.truth - found


def _expects_service_item(category: str) -> bool:
    from quanze.match.evidence import DEFAULT_SERVICE_CATEGORIES
    from quanze.models import Category

    known = {c.value: c for c in Category}
    return category not in known or known[category] in DEFAULT_SERVICE_CATEGORIES

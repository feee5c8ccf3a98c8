"""A second generated gap case, written apart from tools/gap_cases.py and the finders. Its first run found
two finder bugs, fixed against it (no-supervision, dropped-in-chain), so it is now a regression guard rather
than evidence from unseen lists.

Its own place names (a province 江南省, the city 汀州市, five county-level units with a district among them,
a high-tech zone the city list calls 高新区, townships declared under two counties), its own 承接单位
phrases (县（市）人民政府 leaves the district out; two units excluded at once; a zone in a named list; 委托 a
named bureau without 实施), its own acceptance words (同意承接, 已认领, 不予认领, 未认领 …) and layouts (a
header under two title rows with a 合计 row, a UTF-8 CSV with the columns in another order, the acceptance
column first, one sheet per department), a catalogue whose region column is 所属区划 and whose volume is 年办件量,
and a four-level chain in which one county hands items down with no township lists given (it must not be
charged), a township list that names only some of what was handed to it, and a 职责交叉 written with the
other act word (审批 / 许可). Item names come from the held-out departments minus every name the tests use.
`measure` compares quanze's gap rows with the rows the generator records as it writes each file.
"""

from __future__ import annotations

import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gap_cases import (
    GapCase,
    Key,
    _expects_service_item,
    _xlsx,
    act_renamed,
    far_apart,
    gap_key,
    sheet_per_department,
)
from heldout import usable
from quanze.normalize import department_key, split_name
from quanze.results import GapType

from synth import PoolItem, load_pool, split_pool

PROVINCE = "江南省"
CITY = "汀州市"
COUNTIES = ("鹤鸣县", "松岗县", "临沣市", "栖霞区", "枫亭县")
ZONE = "汀州高新技术产业开发区"
ZONE_SHORT = "高新区"
TOWNSHIPS = {"鹤鸣县": ("荷塘镇", "梅岭乡"), "临沣市": ("杏林街道",)}
NO_TOWNSHIPS_GIVEN = "松岗县"  # hands items down, but its townships' lists are not given
ACCEPT = ("同意承接", "已认领", "认领", "承接")
REFUSE = ("暂不承接", "不予认领", "未认领", "不承接")
HANDLING = ("新办", "变更", "注销", "补证")


def _pick(pool: list[PoolItem], n: int, rng: random.Random) -> list[PoolItem]:
    """Items far apart in name, none of them named in the tests."""
    fit = [
        p
        for p in usable(pool)
        if 6 <= len(p.name) <= 26
        and not any(ch in p.name for ch in "()（）")
        and len(p.department) >= 3
        and p.department.endswith(("局", "委", "办", "会"))
    ]
    rng.shuffle(fit)
    return far_apart(fit, n, below=55)


def make_heldout_case(folder: Path, seed: int, *, n_powers: int = 44) -> GapCase:
    rng = random.Random(seed * 7919 + 3)
    folder.mkdir(parents=True, exist_ok=True)
    _, held_out = split_pool(load_pool())
    items = _pick(held_out, n_powers + 36, rng)
    powers, spare = items[:n_powers], items[n_powers:]
    units = [*COUNTIES, ZONE]
    truth: set[Key] = set()
    county_cities = [u for u in COUNTIES if not u.endswith("区")]
    x, y = rng.sample(COUNTIES, 2)
    a, b = rng.sample(COUNTIES, 2)
    phrases: list[tuple[str | None, list[str]]] = [
        ("县（市）人民政府", county_cities),
        ("各县（市）", county_cities),
        ("各县（市、区）人民政府", list(COUNTIES)),
        ("县级", list(COUNTIES)),
        (f"各县（市、区）（{x}除外）", [u for u in COUNTIES if u != x]),
        (f"除{x}、{y}外的各县（市、区）", [u for u in COUNTIES if u not in (x, y)]),
        (f"{a}、{b}、{ZONE_SHORT}", [a, b, ZONE]),
        (ZONE_SHORT, [ZONE]),
        (f"各县（市、区）及{ZONE_SHORT}", units),
        ("北部三县", ["鹤鸣县", "松岗县", "枫亭县"]),
        (None, units),
    ]
    # ---- the city's devolution list
    plan: list[tuple[PoolItem, str, str | None, list[str], bool, str]] = []  # item, mode, phrase, units …
    for i, item in enumerate(powers):
        phrase, addressed = phrases[i % len(phrases)]
        mode = "下放"
        if i % 9 == 4:
            target = rng.choice(COUNTIES)
            mode, phrase, addressed = "委托", f"委托{target}{item.department}", [target]
        supervised = rng.random() > 0.2
        code = f"TZ{seed:03d}{i:03d}"
        plan.append((item, mode, phrase, list(addressed), supervised, code))
        if not supervised:
            for u in addressed:
                truth.add(gap_key(GapType.NO_SUPERVISION, u, item.name))
    city_rows: list[list[object]] = [
        [f"{CITY}向县（市、区）下放行政权力事项目录"],
        ["序号", "事项编码", "权力事项名称", "权力类别", "实施机关", "下放形式", "承接主体", "监管责任部门"],
    ]
    for n, (item, mode, phrase, _u, supervised, code) in enumerate(plan, 1):
        city_rows.append(
            [
                n,
                code,
                item.name,
                item.category,
                f"{CITY}{item.department}",
                mode,
                phrase,
                f"{CITY}{item.department}" if supervised else "—",
            ]
        )
    _xlsx(folder / "汀州市下放目录.xlsx", {"目录": city_rows})

    # ---- acceptance lists
    listed: dict[str, dict[str, str]] = defaultdict(dict)  # power → unit → name written (accepted)
    held: dict[str, set[str]] = defaultdict(set)  # power → units listing it, refusals included
    rows_of: dict[str, list[list[str]]] = {}
    for k, unit in enumerate(units):
        rows: list[list[str]] = []
        for item, _mode, _p, addressed, _s, _c in plan:
            if unit not in addressed:
                continue
            r = rng.random()
            if r < 0.09:
                rows.append([item.name, item.department, rng.choice(REFUSE)])
                held[item.name].add(unit)
                truth.add(gap_key(GapType.NOT_ACCEPTED, unit, item.name))
            elif r < 0.17:
                truth.add(gap_key(GapType.NOT_ACCEPTED, unit, item.name))
            else:
                rows.append([item.name, item.department, rng.choice(ACCEPT)])
                listed[item.name][unit] = item.name
                held[item.name].add(unit)
        foreign = [it for it, m, _p, ad, _s, _c in plan if unit not in ad and m != "委托"]
        for extra in [rng.choice(foreign), spare[k]]:
            rows.append([extra.name, extra.department, rng.choice(ACCEPT)])
            truth.add(gap_key(GapType.NOT_DEVOLVED, unit, extra.name))
        rng.shuffle(rows)
        rows_of[unit] = rows
    # One unit of three or more retypes an item's handling word.
    for item, *_ in plan:
        takers = sorted(listed[item.name])
        other = act_renamed(item.name)
        if other and len(takers) >= 3 and rng.random() < 0.7:
            unit = rng.choice(takers)
            listed[item.name][unit] = other
            for row in rows_of[unit]:
                if row[0] == item.name and row[2] in ACCEPT:
                    row[0] = other
            truth.add(gap_key(GapType.NAME_MISMATCH, unit, item.name))
    # Counties with townships hand some accepted items down; 松岗县 does too, with no township lists given.
    handed: dict[str, dict[str, list[str]]] = {}  # county → item as written → townships addressed
    for county in [*TOWNSHIPS, NO_TOWNSHIPS_GIVEN]:
        mine = [r for r in rows_of[county] if r[2] in ACCEPT and r[0] in {it.name for it, *_ in plan}]
        picks = mine[:4]
        handed[county] = {}
        towns = TOWNSHIPS.get(county, ("各乡镇", "各街道"))  # 松岗县: written 各乡镇（街道）, no lists given
        for j, r in enumerate(picks):
            to = list(towns) if j % 2 == 0 or len(towns) == 1 or county == NO_TOWNSHIPS_GIVEN else [towns[0]]
            handed[county][r[0]] = to
    files: dict[str, str] = {}
    for k, unit in enumerate(units):
        files[unit] = _write_acceptance(folder, k, unit, rows_of[unit], handed.get(unit))

    # ---- township lists: each names some of what its county handed down
    township_files: list[tuple[str, str, str]] = []
    for county, towns in TOWNSHIPS.items():
        items_down = list(handed[county])
        for i, name in enumerate(items_down):
            to = handed[county][name]
            if i == len(items_down) - 1:
                present: list[str] = []  # the last one: no township lists it
            elif i == 0 and len(to) > 1:
                present = to[:1]  # listed by one township of two: held, not dropped
            else:
                present = list(to)
            if not present:
                truth.add(gap_key(GapType.DROPPED_IN_CHAIN, county, name))
            handed[county][name] = present
        for t in towns:
            trows: list[list[object]] = [["序号", "职权名称", "行使主体"]]
            for name, present in handed[county].items():
                if t in present:
                    trows.append([len(trows), name, t])
            trows.append([len(trows), f"{t}村规民约备案审查", t])
            _xlsx(folder / f"{t}.xlsx", {t: trows})
            township_files.append((t, county, f"{t}.xlsx"))

    # ---- catalogue with 所属区划
    cat: list[list[object]] = [["序号", "所属区划", "实施主体", "对应权力事项", "办理项名称", "年办件量"]]
    entries: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for unit in units:
        for item, *_ in plan:
            if unit not in listed[item.name]:
                continue
            if rng.random() < 0.08:
                if _expects_service_item(item.category):
                    truth.add(gap_key(GapType.NO_SERVICE_ITEM, unit, item.name))
                continue
            core = split_name(item.name).core
            if item.children:
                for child in sorted(item.children)[:2]:
                    entries[(item.name, "c:" + child)][unit] = child
            elif item.name.endswith("核发"):
                for h in HANDLING[: 1 + (len(core) % 3)]:
                    entries[(item.name, h)][unit] = f"{item.name[:-2]}{h}"
            else:
                entries[(item.name, "")][unit] = item.name
    for (pname, h), by_unit in entries.items():
        other = act_renamed(next(iter(by_unit.values()))) if not h else None
        if other and len(by_unit) >= 3 and rng.random() < 0.6:
            unit = rng.choice(sorted(by_unit))
            by_unit[unit] = other
            truth.add(gap_key(GapType.NAME_MISMATCH, unit, pname, other))
    depts = {it.name: it.department for it, *_ in plan}
    for (pname, h), by_unit in sorted(entries.items()):
        for unit, name in sorted(by_unit.items()):
            volume = 0 if rng.random() < 0.12 else rng.randint(2, 300)
            if volume == 0:
                truth.add(gap_key(GapType.UNUSED, unit, name))
            parent = pname if h.startswith("c:") else None
            cat.append([len(cat), unit, f"{unit}{depts[pname]}", parent, name, volume])
    for k, unit in enumerate(units):
        for item in spare[10 + 2 * k : 12 + 2 * k]:
            cat.append([len(cat), unit, f"{unit}{item.department}", None, item.name, rng.randint(1, 40)])
            truth.add(gap_key(GapType.ORPHAN_SERVICE_ITEM, unit, item.name))
    _xlsx(folder / "政务服务事项目录.xlsx", {"事项目录": cat})

    # ---- the province above, and the city's own list
    prov = [p for p in plan if p[1] == "下放"][:5]
    lost = spare[24:27]
    prov_rows: list[list[object]] = [["序号", "事项名称", "实施部门", "下放方式", "承接单位"]]
    for item, *_ in prov:
        prov_rows.append([len(prov_rows), item.name, f"省{item.department}", "下放", "各设区市"])
    for item in lost:
        prov_rows.append([len(prov_rows), item.name, f"省{item.department}", "下放", "各设区市"])
        truth.add(gap_key(GapType.DROPPED_IN_CHAIN, PROVINCE, item.name))
    kept_by_city = spare[27:29]
    for item in kept_by_city:  # handed to the city, which keeps it in its own list: not dropped
        prov_rows.append([len(prov_rows), item.name, f"省{item.department}", "下放", "各设区市"])
    _xlsx(folder / "江南省.xlsx", {"省级": prov_rows})
    for item, _m, _p, addressed, _s, _c in plan:
        if not held[item.name] & set(addressed):
            truth.add(gap_key(GapType.DROPPED_IN_CHAIN, CITY, item.name))
    own: list[list[object]] = [["序号", "事项名称", "事项类型", "实施部门"]]
    direct = [p for p in plan if p[1] == "下放"]
    for item, _m, _p, addressed, _s, _c in direct[5:9]:
        own.append([len(own), item.name, item.category, f"{CITY}{item.department}"])
        if any(u in listed[item.name] for u in addressed):
            truth.add(gap_key(GapType.HELD_TWICE, CITY, item.name))
    for item, *_ in [p for p in plan if p[1] == "委托"][:1]:
        own.append([len(own), item.name, item.category, f"{CITY}{item.department}"])  # entrusted: kept
    for item in [*kept_by_city, *spare[29:32]]:
        own.append([len(own), item.name, item.category, f"{CITY}{item.department}"])
    # 职责交叉: one power in two departments' parts, the second with the other act word.
    shared = next((s for s in spare[29:36] if s.name.endswith(("审批", "许可"))), spare[29])
    other_dept = next(
        s.department for s in spare if department_key(s.department) != department_key(shared.department)
    )
    swapped = shared.name
    if shared.name.endswith(("审批", "许可")):
        swapped = shared.name[:-2] + ("许可" if shared.name.endswith("审批") else "审批")
    if shared not in spare[29:32]:
        own.append([len(own), shared.name, shared.category, f"{CITY}{shared.department}"])
    own.append([len(own), swapped, shared.category, f"{CITY}{other_dept}"])
    truth.add(gap_key(GapType.OVERLAP, CITY, shared.name, department_key(shared.department)))
    truth.add(gap_key(GapType.OVERLAP, CITY, swapped, department_key(other_dept)))
    _xlsx(folder / "汀州市权责清单.xlsx", {"权责清单": own})

    lines = [
        '[project]\nname = "held-out-2"\nout = "out"\n',
        f'[[inputs.lists]]\npath = "江南省.xlsx"\nrole = "chain"\nlevel = "province"\nunit = "{PROVINCE}"\n',
        f'[[inputs.lists]]\npath = "汀州市下放目录.xlsx"\nrole = "devolution"\nlevel = "city"\nunit = "{CITY}"\n',
        f'[[inputs.lists]]\npath = "汀州市权责清单.xlsx"\nrole = "own"\nlevel = "city"\nunit = "{CITY}"\n',
    ]
    for unit in units:
        level = "cluster" if unit == ZONE else "county"
        lines.append(
            f'[[inputs.lists]]\npath = "{files[unit]}"\nrole = "acceptance"\nlevel = "{level}"\nunit = "{unit}"\n'
        )
    for t, county, path in township_files:
        lines.append(
            f'[[inputs.lists]]\npath = "{path}"\nrole = "chain"\nlevel = "township"\nunit = "{t}"\n'
            f'parent = "{county}"\n'
        )
    lines.append('[inputs.catalogue]\npath = "政务服务事项目录.xlsx"\n')
    lines.append('[aliases.units]\n"北部三县" = ["鹤鸣县", "松岗县", "枫亭县"]\n')
    config = folder / "quanze.toml"
    config.write_text("\n".join(lines), encoding="utf-8")
    return GapCase(config=config, truth=truth, units=units)


def _write_acceptance(
    folder: Path, k: int, unit: str, rows: list[list[str]], handed: dict[str, list[str]] | None
) -> str:
    """The unit's list in the layout of its turn; a county that hands items down adds 下放方式 and 承接单位."""
    if handed is not None:
        path = folder / f"{unit}承接清单.xlsx"
        body: list[list[object]] = []
        for i, (name, dept, word) in enumerate(rows, 1):
            to = handed.get(name)
            phrase = None if to is None else ("各乡镇（街道）" if len(to) != 1 else to[0])
            body.append([i, name, f"{unit}{dept}", word, "下放" if to is not None else None, phrase])
        head = ["序号", "事项名称", "承接部门", "承接情况", "下放方式", "承接单位"]
        _xlsx(path, {"承接": [[f"{unit}承接事项清单"], head, *body]})
        return path.name
    layout = k % 4
    if layout == 0:
        path = folder / f"{unit}.xlsx"
        body = [[i, n, "行政许可", f"{unit}{d}", w] for i, (n, d, w) in enumerate(rows, 1)]
        _xlsx(
            path,
            {
                "Sheet1": [
                    [f"{unit}承接市级下放权力事项认领表"],
                    [f"填报单位（盖章）：{unit}人民政府", None, None, "填报日期：2026年3月"],
                    ["编号", "事项名称", "事项类别", "承接部门", "是否认领"],
                    *body,
                    ["合计", f"共{len(rows)}项", None, None, None],
                ]
            },
        )
    elif layout == 1:
        path = folder / f"{unit}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["认领状态", "权力事项名称", "实施主体", "序号"])
            for i, (n, d, word) in enumerate(rows, 1):
                w.writerow([word, n, f"{unit}{d}", i])
    elif layout == 2:
        path = folder / f"{unit}.xlsx"
        body = [[w, i, n, f"{unit}{d}"] for i, (n, d, w) in enumerate(rows, 1)]
        _xlsx(path, {"认领": [[f"{unit}认领情况"], ["承接情况", "序号", "职权名称", "责任单位"], *body]})
    else:
        path = folder / f"{unit}.xlsx"
        sheet_per_department(path, rows)
    return path.name

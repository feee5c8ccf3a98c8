"""Seeded, reproducible synthetic devolution scenarios built from real item names (tools/data/).

Used by make_sample_data.py (the demo's sample_data/), quality.py (held-out departments) and bench.py
(province scale). Every generated service row carries the power it truly implements, so match quality
can be measured.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from quanze.normalize import department_key, name_key, split_name

DATA = Path(__file__).parent / "data"

CATEGORIES = [
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "其他行政权力",
    "公共服务",
]
CATEGORY_VARIANTS = {
    "行政许可": ["许可", "行政许可类"],
    "其他行政权力": ["其他职权", "其他权力", "其他"],
    "行政处罚": ["处罚"],
    "公共服务": ["公共服务事项"],
}
# Short forms used on the platform and in county lists for canonical departments.
SHORT_FORMS = {
    "市场监督管理局": ["市场监管局", "市监局"],
    "住房和城乡建设局": ["住建局"],
    "人力资源和社会保障局": ["人社局"],
    "发展和改革局": ["发改局", "发展和改革委员会"],
    "卫生健康局": ["卫健局", "卫生健康委员会"],
    "文化和旅游局": ["文广旅局", "文化广电旅游局"],
    "教育局": ["教体局", "教育体育局"],
    "交通运输局": ["交通局"],
    "自然资源局": ["自然资源和规划局"],
    "农业农村局": ["农业局"],
    "生态环境局": ["生态环境分局"],
    "医疗保障局": ["医保局"],
    "经济和信息化局": ["经信局"],
    "应急管理局": ["应急局"],
    "城市管理局": ["综合执法局"],
    "残疾人联合会": ["残联"],
    "行政审批局": ["行政审批服务局"],
    "水利局": ["水务局"],
}
EXTRA_DEPARTMENTS = [
    "民政局",
    "司法局",
    "财政局",
    "林业局",
    "商务局",
    "统计局",
    "气象局",
    "公安局",
    "退役军人事务局",
    "税务局",
    "烟草专卖局",
    "审计局",
    "档案局",
    "人民防空办公室",
    "地震局",
    "粮食和物资储备局",
]
HANDLING = ["新办", "变更", "延续", "注销", "补办"]
MODES = ["直接下放", "直接下放", "直接下放", "委托", "授权"]
METHODS = ["双随机一公开抽查", "信用监管", "重点监管", "日常检查", "专项检查"]


@dataclass
class PoolItem:
    """One real power name with its department, category, code and (when known) real handling items."""

    name: str
    department: str
    category: str
    code: str | None
    children: list[str] = field(default_factory=list)


def load_pool() -> list[PoolItem]:
    """Real names: powers with their real handling items where the platform export has them."""
    children: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    with (DATA / "service_items.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["parent_power_name"]:
                children[row["parent_power_name"]].append((row["name"], row["department"], row["code"]))
    pool: dict[str, PoolItem] = {}
    with (DATA / "items.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = name_key(row["name"])
            if key in pool or len(key) < 4:
                continue
            pool[key] = PoolItem(
                row["name"],
                _canonical(row["department"]),
                row["category"] or "其他行政权力",
                row["code"] or None,
            )
    for parent, kids in children.items():
        key = name_key(parent)
        item = pool.get(key) or PoolItem(parent, _canonical(kids[0][1]), "行政许可", None)
        item.children = sorted({k[0] for k in kids if name_key(k[0]) != key})
        pool[key] = item
    # A child name must not also stand as a power of its own.
    child_keys = {name_key(c) for item in pool.values() for c in item.children}
    return [item for key, item in sorted(pool.items()) if key not in child_keys]


def _canonical(department: str) -> str:
    key = department_key(department) or ""
    # Some published lists name a district instead of a department (上海市静安区): treat as the approval bureau.
    return "行政审批局" if re.search(r"[区县市]$", key) else key


def split_pool(pool: list[PoolItem], seed: int = 7) -> tuple[list[PoolItem], list[PoolItem]]:
    """Split by department: the sample uses one part, quality measurement the other (held out)."""
    sizes: dict[str, int] = defaultdict(int)
    for p in pool:
        sizes[p.department] += 1
    departments = sorted(sizes, key=lambda d: (-sizes[d], d))
    rng = random.Random(seed)
    held: set[str] = set()
    # Deal departments out so that both halves have big and small ones and about half the items each.
    for i in range(0, len(departments), 2):
        pair = departments[i : i + 2]
        rng.shuffle(pair)
        held.add(pair[0])
    return [p for p in pool if p.department not in held], [p for p in pool if p.department in held]


# ---------------------------------------------------------------------------------------------- scenario


@dataclass
class Power:
    id: int
    name: str
    sub_item: str | None
    category: str
    code: str | None
    department: str  # canonical
    handling: list[str]
    basis: str
    mode: str
    supervision_department: str | None
    supervision_method: str | None

    @property
    def title(self) -> str:
        return self.sub_item or self.name


@dataclass
class ServiceRow:
    unit: str
    department: str
    name: str
    code: str | None
    parent_power_name: str | None
    volume: int
    truth: int | None  # Power.id, or None for an item that no power supports


@dataclass
class AcceptRow:
    unit: str
    name: str
    category: str
    code: str | None
    department: str
    acceptance: str
    truth: int | None


@dataclass
class Scenario:
    city: str
    units: list[str]
    powers: list[Power]
    services: list[ServiceRow]
    acceptance: dict[str, list[AcceptRow]]
    old_powers: list[Power]


COUNTIES = [
    "东城县",
    "西河县",
    "南山县",
    "北湖县",
    "青石县",
    "白云县",
    "丰乐县",
    "长宁县",
    "安远县",
    "清河县",
    "永安县",
    "和平县",
    "新民县",
    "石门县",
    "龙泉县",
    "桃源县",
    "金山县",
    "凤凰县",
    "梅林县",
    "松阳县",
]


def unit_names(n: int, rng: random.Random) -> list[str]:
    if n <= 6:
        return COUNTIES[:n]
    if n == 7:
        return [*COUNTIES[:6], "安平经济技术开发区"]
    names = []
    for i in range(n):
        base = COUNTIES[i % len(COUNTIES)]
        names.append(base if i < len(COUNTIES) else f"{base[:-1]}{i // len(COUNTIES) + 1}{base[-1]}")
    return names


def _handling_names(item: PoolItem, rng: random.Random) -> list[str]:
    if item.children:
        return list(item.children)
    core = split_name(item.name).core
    if item.category == "行政许可" and rng.random() < 0.45:
        count = rng.choice([2, 2, 3, 4])
        stem = re.sub(r"(核发|审批|许可证核发)$", "", item.name) if rng.random() < 0.5 else item.name
        style = rng.choice(["{n}{h}", "{n}（{h}）", "{n}-{h}"])
        return [style.format(n=stem, h=h) for h in HANDLING[:count]]
    return [item.name if core == name_key(item.name) or rng.random() < 0.5 else core]


def _power_code(item: PoolItem, dept_no: int, seq: int, rng: random.Random, used: set[str]) -> str:
    """The item's real basic code where it has one not yet taken, else a made-up one of the same shape."""
    from quanze.normalize import code_key

    real = code_key(item.code) if item.code else None
    if real and len(real) == 14 and re.fullmatch(r"[0-9A-Z]{14}", real) and real[:-3] not in used:
        used.add(real[:-3])
        return real[:-3] + "000"
    letter = "A" if item.category == "行政许可" else rng.choice("BCDEFGHZ")
    code = f"369{letter}{dept_no:02d}{seq:05d}000"
    used.add(code[:-3])
    return code


def make_scenario(
    pool: list[PoolItem],
    *,
    n_powers: int,
    n_units: int,
    seed: int,
    city: str = "安平市",
    n_departments: int = 23,
    sub_item_share: float = 0.0,
) -> Scenario:
    """A city devolving n_powers from about n_departments departments to n_units receiving units."""
    rng = random.Random(seed)
    by_dept: dict[str, list[PoolItem]] = defaultdict(list)
    for item in pool:
        by_dept[item.department or rng.choice(EXTRA_DEPARTMENTS)].append(item)
    departments = sorted(by_dept, key=lambda d: (-len(by_dept[d]), d))[:n_departments]
    chosen: list[PoolItem] = []
    while len(chosen) < n_powers:
        progressed = False
        for d in departments:
            items = by_dept[d]
            if items and len(chosen) < n_powers:
                chosen.append(items.pop(rng.randrange(len(items))))
                progressed = True
        if not progressed:
            break
    leftovers = [i for d in sorted(by_dept) for i in by_dept[d]]
    powers: list[Power] = []
    used_codes: set[str] = set()
    for item in chosen:
        i = len(powers)
        dept_no = departments.index(item.department) + 1 if item.department in departments else 99
        sup_missing = rng.random() < 0.04
        if item.children and len(item.children) >= 2 and rng.random() < sub_item_share:
            # Listed as a main item (主项) with its handling items as sub-items (子项).
            main = Power(
                i,
                item.name,
                None,
                item.category,
                None,
                item.department,
                [],
                "",
                rng.choice(MODES),
                item.department,
                rng.choice(METHODS),
            )
            powers.append(main)
            for child in item.children:
                powers.append(
                    Power(
                        len(powers),
                        item.name,
                        child,
                        item.category,
                        None,
                        item.department,
                        [child],
                        main.basis,
                        main.mode,
                        main.supervision_department,
                        main.supervision_method,
                    )
                )
            continue
        powers.append(
            Power(
                id=i,
                name=item.name,
                sub_item=None,
                category=item.category,
                code=_power_code(item, dept_no, i, rng, used_codes) if rng.random() > 0.12 else None,
                department=item.department or departments[i % len(departments)],
                handling=_handling_names(item, rng),
                basis=f"《{rng.choice(['中华人民共和国行政许可法', '国务院对确需保留的行政审批项目设定行政许可的决定', '地方性法规'])}》第{rng.randint(2, 80)}条",
                mode=rng.choice(MODES),
                supervision_department=None if sup_missing else item.department,
                supervision_method=None if sup_missing or rng.random() < 0.02 else rng.choice(METHODS),
            )
        )
    units = unit_names(n_units, rng)
    services: list[ServiceRow] = []
    acceptance: dict[str, list[AcceptRow]] = {}
    for u_no, unit in enumerate(units):
        region = f"3690{u_no + 1:02d}000000"
        credit = f"11369{u_no:03d}" + "".join(rng.choice("0123456789") for _ in range(9)) + "X"
        accepted: list[AcceptRow] = []
        for p in powers:
            if not p.handling:
                continue  # a main item's service items hang on its sub-items
            refused = rng.random() < 0.03
            missing = rng.random() < 0.03
            if not missing:
                accepted.append(
                    AcceptRow(
                        unit,
                        _noisy_name(p.title, rng, rename=0.04),
                        _category_variant(p.category, rng),
                        p.code if rng.random() > 0.2 else None,
                        _unit_department(unit, p.department, rng),
                        "不认领" if refused else rng.choice(["认领", "认领", "已认领"]),
                        p.id,
                    )
                )
            if refused or rng.random() < 0.04:
                continue  # never entered on this unit's platform
            for k, handling in enumerate(p.handling, start=1):
                if rng.random() < 0.02:
                    continue
                code = None
                if p.code and rng.random() > 0.25:
                    base = p.code[:-3] + f"{k:03d}"
                    if rng.random() < 0.02:
                        pos = rng.randrange(4, len(base))
                        base = base[:pos] + rng.choice("0123456789") + base[pos + 1 :]
                    code = f"{base}-{region}-000-{credit}-1-00"
                services.append(
                    ServiceRow(
                        unit=unit,
                        department=_unit_department(unit, p.department, rng),
                        name=_noisy_name(handling, rng, rename=0.03),
                        code=code,
                        parent_power_name=p.title if rng.random() < 0.5 else None,
                        volume=0 if rng.random() < 0.15 else int(rng.expovariate(1 / 40)) + 1,
                        truth=p.id,
                    )
                )
        for item in rng.sample(leftovers, min(len(leftovers), max(3, len(powers) // 30))):
            name = rng.choice(item.children) if item.children else item.name
            services.append(
                ServiceRow(
                    unit,
                    _unit_department(unit, item.department or "行政审批局", rng),
                    _noisy_name(name, rng, rename=0.0),
                    None,
                    None,
                    rng.randint(0, 30),
                    None,
                )
            )
            if rng.random() < 0.4:
                accepted.append(
                    AcceptRow(
                        unit,
                        item.name,
                        item.category,
                        None,
                        _unit_department(unit, item.department or "行政审批局", rng),
                        "认领",
                        None,
                    )
                )
        rng.shuffle(accepted)
        acceptance[unit] = accepted
    old_powers = _older_version(powers, leftovers, rng)
    return Scenario(city, units, powers, services, acceptance, old_powers)


def _older_version(powers: list[Power], leftovers: list[PoolItem], rng: random.Random) -> list[Power]:
    """Last year's list: some items it lacked (added since), some it had (removed since), renames, edits."""
    old: list[Power] = []
    for p in powers:
        r = rng.random()
        if r < 0.04:
            continue
        q = Power(**{**p.__dict__, "handling": list(p.handling)})
        if r < 0.07:
            q.name = _noisy_name(p.name, rng, rename=1.0)
        elif r < 0.10:
            q.category = rng.choice([c for c in CATEGORIES if c != p.category])
        elif r < 0.12:
            q.basis = p.basis.replace("条", "条、第1条")
        old.append(q)
    for j, item in enumerate(rng.sample(leftovers, min(8, len(leftovers)))):
        old.append(
            Power(
                10_000 + j,
                item.name,
                None,
                item.category,
                None,
                item.department or "行政审批局",
                [item.name],
                "《地方性法规》",
                "委托",
                item.department,
                "日常检查",
            )
        )
    return old


def _category_variant(category: str, rng: random.Random) -> str:
    variants = CATEGORY_VARIANTS.get(category)
    return rng.choice(variants) if variants and rng.random() < 0.15 else category


def department_label(prefix: str, canonical: str, rng: random.Random) -> str:
    shorts = SHORT_FORMS.get(canonical, [])
    return prefix + (rng.choice(shorts) if shorts and rng.random() < 0.5 else canonical)


def _unit_department(unit: str, canonical: str, rng: random.Random) -> str:
    prefix = unit if rng.random() < 0.5 else unit[-1]
    return department_label(prefix, canonical, rng)


_RENAMES = [
    (r"审批$", "许可"),
    (r"许可$", "审批"),
    (r"核准$", "审批"),
    (r"登记$", "备案登记"),
    (r"^对", "对于"),
    (r"的处罚$", "行为的处罚"),
    (r"证核发$", "证办理"),
    (r"^", "办理"),
    (r"申请$", ""),
    (r"认定$", "资格认定"),
]


def _noisy_name(name: str, rng: random.Random, *, rename: float) -> str:
    """The kinds of noise seen between levels and platforms: widths, spaces, breaks, qualifiers, renames."""
    out = name
    if rng.random() < rename:
        pattern, repl = rng.choice(_RENAMES)
        renamed = re.sub(pattern, repl, out, count=1)
        out = renamed if renamed != out else out[: len(out) // 2] + "相关" + out[len(out) // 2 :]
    r = rng.random()
    if r < 0.15:
        out = out.replace("（", "(").replace("）", ")")
    elif r < 0.22:
        out = out.replace("(", "（").replace(")", "）")
    if rng.random() < 0.08:
        out += rng.choice(["（县级）", "(县级)", "（市级/县级）", "（县级权限）"])
    if rng.random() < 0.05 and len(out) > 8:
        pos = rng.randrange(2, len(out) - 2)
        out = out[:pos] + rng.choice([" ", "\n", "\u3000"]) + out[pos:]
    if rng.random() < 0.03:
        out += rng.choice(["。", "；", " "])
    return out

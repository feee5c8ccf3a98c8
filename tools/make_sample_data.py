"""Build sample_data/: a city devolving ~255 powers from 23 departments to 6 counties and a development zone.

Seeded and reproducible: `make sample-data` rewrites the same files. The files are as messy as real ones:
title rows, two-row merged headers, merged department cells, section rows, 子项 rows, 同上 cells,
footnotes, line breaks, mixed bracket widths, an .xls and a GBK CSV.
"""

from __future__ import annotations

import csv
import io
import random
import re
import sys
import zipfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).parent))

from synth import (
    AcceptRow,
    Power,
    Scenario,
    department_label,
    load_pool,
    make_scenario,
    split_pool,
)

SEED = 2023
BOLD = Font(bold=True)


FIXED_TIME = datetime(2023, 3, 1, 9, 0, 0)


def _save(wb: Workbook, path: Path) -> None:
    """Save with fixed document times, so that the same seed gives the same bytes."""
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            fixed = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2023-03-01T09:00:00Z", data)
            dst.writestr(fixed, data)


def _width_noise(text: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.2:
        return text.replace("（", "(").replace("）", ")")
    if r < 0.25 and len(text) > 10:
        return text[:6] + "\n" + text[6:]
    return text


def _by_department(powers: list[Power]) -> dict[str, list[Power]]:
    groups: dict[str, list[Power]] = defaultdict(list)
    for p in powers:
        groups[p.department].append(p)
    return groups


def write_city_list(sc: Scenario, path: Path, rng: random.Random) -> None:
    """The current list: title rows, two-row merged header, merged department cells, 子项 columns, ditto."""
    wb = Workbook()
    ws = wb.active
    ws.title = "下放事项目录"
    ws.append([f"{sc.city}市级行政权力事项下放目录（2023年版）"])
    ws.merge_cells("A1:L1")
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(
        ["发布单位：市委机构编制委员会办公室", None, None, None, None, None, None, None, None, "2023年3月"]
    )
    ws.append(
        [
            "序号",
            "实施部门",
            "下放事项",
            None,
            None,
            None,
            "设定依据",
            "下放情况",
            None,
            "事中事后监管",
            None,
            "备注",
        ]
    )
    ws.append(
        [
            None,
            None,
            "权力类型",
            "事项编码",
            "主项名称",
            "子项名称",
            None,
            "下放方式",
            "承接单位",
            "监管部门",
            "监管方式",
            None,
        ]
    )
    for ref in ("A3:A4", "B3:B4", "C3:F3", "G3:G4", "H3:I3", "J3:K3", "L3:L4"):
        ws.merge_cells(ref)
    for cell in ws[3] + ws[4]:
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    seq = 0
    groups = _by_department(sc.powers)
    all_units = "、".join(sc.units)
    for dept in sorted(groups):
        start = ws.max_row + 1
        prev_mode = None
        for p in groups[dept]:
            if p.sub_item:
                seq_text: object = f"{seq}.{sum(1 for q in groups[dept] if q.sub_item and q.name == p.name and q.id <= p.id)}"
            else:
                seq += 1
                seq_text = seq
            mode = "同上" if p.mode == prev_mode and rng.random() < 0.3 else p.mode
            prev_mode = p.mode
            receiving = "各县（区）、开发区" if rng.random() < 0.7 else all_units
            ws.append(
                [
                    seq_text,
                    department_label(sc.city, dept, rng),
                    p.category,
                    p.code if not p.sub_item else None,
                    _width_noise(p.name, rng) if not p.sub_item else None,
                    p.sub_item,
                    p.basis or None,
                    mode,
                    receiving,
                    department_label("县级", p.supervision_department, rng)
                    if p.supervision_department
                    else None,
                    p.supervision_method,
                    "按权责清单动态调整" if rng.random() < 0.05 else None,
                ]
            )
        end = ws.max_row
        if end > start:
            ws.merge_cells(f"B{start}:B{end}")
    ws.append([f"注：本目录共{seq}项，由市委编办负责解释。"])
    ws.merge_cells(f"A{ws.max_row}:L{ws.max_row}")
    for col, width in zip("ABCDEFGHIJKL", (6, 22, 12, 18, 40, 30, 30, 10, 20, 18, 16, 12), strict=True):
        ws.column_dimensions[col].width = width
    _save(wb, path)


def write_old_city_list(sc: Scenario, path: Path) -> None:
    """Last year's list as a legacy .xls: one header row, department section rows, 子项 numbered 1.1."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("2022年目录")
    sheet.write_merge(0, 0, 0, 5, f"{sc.city}市级下放事项目录（2022年）")
    header = ["序号", "事项名称", "事项类别", "权力编码", "设定依据", "下放方式"]
    for c, h in enumerate(header):
        sheet.write(1, c, h)
    row = 2
    sections = "一二三四五六七八九十"
    for d, (dept, powers) in enumerate(sorted(_by_department(sc.old_powers).items())):
        label = sections[d] if d < 10 else "十" + sections[d - 10] if d < 20 else "二十" + sections[d - 20]
        sheet.write_merge(row, row, 0, 5, f"{label}、{sc.city}{dept}")
        row += 1
        n = sub = 0
        for p in powers:
            if p.sub_item:
                sub += 1
                values = [f"{n}.{sub}", p.sub_item, p.category, "", p.basis, p.mode]
            else:
                n, sub = n + 1, 0
                values = [n, p.name, p.category, p.code or "", p.basis, p.mode]
            for c, v in enumerate(values):
                sheet.write(row, c, v)
            row += 1
    book.save(str(path))


ACCEPT_HEADER = ["序号", "事项名称", "权力类型", "权力编码", "承接部门", "认领情况", "备注"]


def _accept_rows(rows: list[AcceptRow]) -> list[list[object]]:
    return [
        [i, r.name, r.category, r.code or "", r.department, r.acceptance, ""] for i, r in enumerate(rows, 1)
    ]


def write_acceptance(sc: Scenario, folder: Path) -> None:
    """Each unit's acceptance list (承接清单), in the formats units really send."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, unit in enumerate(sc.units):
        rows = sc.acceptance[unit]
        if n == 1:  # a GBK CSV export
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow([f"{unit}承接市级下放事项认领清单"])
            writer.writerow(ACCEPT_HEADER)
            writer.writerows(_accept_rows(rows))
            (folder / f"{unit}.csv").write_bytes(buf.getvalue().encode("gbk", errors="replace"))
        elif n == 2:  # a legacy .xls
            import xlwt

            book = xlwt.Workbook(encoding="utf-8")
            sheet = book.add_sheet("认领清单")
            sheet.write_merge(0, 0, 0, 6, f"{unit}承接事项清单")
            for c, h in enumerate(ACCEPT_HEADER):
                sheet.write(1, c, h)
            for r, values in enumerate(_accept_rows(rows), start=2):
                for c, v in enumerate(values):
                    sheet.write(r, c, v)
            book.save(str(folder / f"{unit}.xls"))
        elif n == 3:  # one sheet per department
            wb = Workbook()
            wb.remove(wb.active)
            by_dept: dict[str, list[AcceptRow]] = defaultdict(list)
            for r in rows:
                by_dept[r.department].append(r)
            for dept in sorted(by_dept):
                ws = wb.create_sheet(dept[:31])
                ws.append(["序号", "事项名称", "权力类型", "权力编码", "认领情况"])
                for i, r in enumerate(by_dept[dept], 1):
                    ws.append([i, r.name, r.category, r.code or "", r.acceptance])
            _save(wb, folder / f"{unit}.xlsx")
        else:
            wb = Workbook()
            ws = wb.active
            ws.title = "承接清单"
            ws.append([f"{unit}承接{sc.city}下放行政权力事项清单"])
            ws.merge_cells("A1:G1")
            ws.append(ACCEPT_HEADER)
            for values in _accept_rows(rows):
                ws.append(values)
            ws.append(["注：不认领事项已注明原因。"])
            _save(wb, folder / f"{unit}.xlsx")


def write_catalogue(sc: Scenario, path: Path, rng: random.Random) -> None:
    """The platform export: every unit's service items, with 办件量 for the year."""
    wb = Workbook()
    ws = wb.active
    ws.title = "政务服务事项"
    ws.append([f"{sc.city}政务服务事项目录（导出）"])
    ws.append(["序号", "行政区划", "实施主体", "基本目录名称", "业务办理项名称", "业务办理项编码", "办件量"])
    rows = sorted(sc.services, key=lambda s: (sc.units.index(s.unit), s.department, s.name))
    for i, s in enumerate(rows, 1):
        ws.append([i, s.unit, s.department, s.parent_power_name, s.name, s.code, s.volume])
    _save(wb, path)


def write_province(sc: Scenario, path: Path, rng: random.Random) -> list[str]:
    """The province's list: items it hands to cities (some reach the city list, two are lost on the way),
    and items it keeps."""
    wb = Workbook()
    ws = wb.active
    ws.title = "省级下放目录"
    ws.append(["某省省级行政权力事项下放目录"])
    ws.append(["序号", "事项名称", "事项编码", "实施部门", "下放方式", "承接单位"])
    from_province = [p for p in sc.powers if not p.sub_item and rng.random() < 0.35]
    lost = ["矿产资源勘查许可证核发", "省级重点建设项目档案验收"]
    kept = ["省级文物保护单位保护范围内建设工程审批", "跨市河道采砂许可", "省级自然保护区内建设项目审批"]
    n = 0
    for p in from_province:
        n += 1
        ws.append(
            [
                n,
                p.name,
                None,
                department_label("省", p.department, rng),
                rng.choice(["直接下放", "委托"]),
                "各设区市",
            ]
        )
    for name in lost:
        n += 1
        ws.append([n, name, None, "省自然资源厅", "直接下放", "各设区市"])
    for name in kept:
        n += 1
        ws.append([n, name, None, "省住房和城乡建设厅", None, None])
    _save(wb, path)
    return [p.name for p in from_province]


def write_city_own(sc: Scenario, path: Path, rng: random.Random) -> None:
    """The city's own current list after the reform: it should no longer hold what it devolved outright,
    but three directly devolved items were left in (held twice), and one item is listed by a second
    department too (职责交叉, overlap)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "市级权责清单"
    ws.append(["序号", "事项名称", "事项类型", "实施部门"])
    direct = [p for p in sc.powers if not p.sub_item and p.mode == "直接下放"][:3]
    kept = [p for p in sc.powers if not p.sub_item and p.mode == "委托"][:10]
    for n, p in enumerate([*direct, *kept], 1):
        ws.append([n, p.name, p.category, department_label(sc.city, p.department, rng)])
    # A penalty the water bureau also lists (职责交叉): the sample's overlap.
    shared = next((p for p in kept if p.category == "行政处罚"), kept[0])
    ws.append([len(direct) + len(kept) + 1, shared.name, shared.category, f"{sc.city}水利局"])
    _save(wb, path)


def write_townships(sc: Scenario, folder: Path, rng: random.Random) -> tuple[str, list[str]]:
    """Two townships under the first county: 权力事项 taken on from it and 配合事项 with the county
    department that holds the 主体责任; one township has two flood-storage items of its own."""
    county = sc.units[0]
    items = [r for r in sc.acceptance[county] if r.truth is not None and r.acceptance != "不认领"]
    towns = ["城南镇", "城北镇"]
    for t, town in enumerate(towns):
        wb = Workbook()
        ws = wb.active
        ws.title = "乡镇权责清单"
        ws.append([f"{county}{town}权责清单"])
        ws.append(["序号", "事项名称", "事项性质", "主体责任部门", "备注"])
        rows = []
        for r in rng.sample(items, 6):
            rows.append([r.name, "权力事项", r.department, "县级赋权"])
        for r in rng.sample(items, 12):
            rows.append([r.name, "配合事项", r.department, None])
        rows.append(["农村宅基地建房巡查配合", "配合事项", f"{county}农业农村局", None])
        if t == 0:
            rows += [
                ["蓄滞洪区群众转移安置", "权力事项", None, "本镇特有"],
                ["防汛物资储备管理", "权力事项", None, "本镇特有"],
            ]
        for n, row in enumerate(rows, 1):
            ws.append([n, *row])
        _save(wb, folder / f"{town}.xlsx")
    return county, towns


CONFIG = """# quanze configuration for the sample scenario (see README › Configuration).
[project]
name = "{city}市级事项下放对账"
out = "../out/demo"

[[inputs.lists]]
path = "市级下放事项清单_2023.xlsx"
role = "devolution"
level = "city"
unit = "{city}"
version = "2023"

[[inputs.lists]]
path = "市级下放事项清单_2022.xls"
role = "previous"
level = "city"
unit = "{city}"
version = "2022"

{acceptance}
[[inputs.lists]]
path = "某省下放事项目录.xlsx"
role = "chain"
level = "province"
unit = "某省"

[[inputs.lists]]
path = "市级权责清单_2023.xlsx"
role = "own"
level = "city"
unit = "{city}"

{townships}
[inputs.catalogue]
path = "政务服务事项目录.xlsx"

[match]
match_threshold = 90
review_threshold = 65

[check]
# Limits for `quanze check` (exit code 1 when one is exceeded). Tighten them as the reform progresses.
not-accepted = 130
not-devolved = 40
no-service-item = 120
orphan-service-item = 200
no-supervision = 150
unused = "20%"
name-mismatch = 300
review = 200
invalid-rows = 0
"""


def main(out: Path) -> None:
    sample_pool, _held_out = split_pool(load_pool())
    sc = make_scenario(sample_pool, n_powers=255, n_units=7, seed=SEED, sub_item_share=0.25)
    rng = random.Random(SEED)
    out.mkdir(parents=True, exist_ok=True)
    write_city_list(sc, out / "市级下放事项清单_2023.xlsx", rng)
    write_old_city_list(sc, out / "市级下放事项清单_2022.xls")
    write_acceptance(sc, out / "承接清单")
    write_catalogue(sc, out / "政务服务事项目录.xlsx", rng)
    write_province(sc, out / "某省下放事项目录.xlsx", rng)
    write_city_own(sc, out / "市级权责清单_2023.xlsx", rng)
    (out / "乡镇清单").mkdir(exist_ok=True)
    county, towns = write_townships(sc, out / "乡镇清单", rng)
    townships = "\n".join(
        f'[[inputs.lists]]\npath = "乡镇清单/{town}.xlsx"\nrole = "chain"\nlevel = "township"\n'
        f'unit = "{town}"\nparent = "{county}"\n'
        for town in towns
    )
    acceptance = "\n".join(
        f'[[inputs.lists]]\npath = "承接清单/{unit}.{ext}"\nrole = "acceptance"\nlevel = "{level}"\nunit = "{unit}"\n'
        for n, unit in enumerate(sc.units)
        for ext, level in [
            ("csv" if n == 1 else "xls" if n == 2 else "xlsx", "cluster" if "开发区" in unit else "county")
        ]
    )
    (out / "quanze.toml").write_text(
        CONFIG.format(city=sc.city, acceptance=acceptance, townships=townships), encoding="utf-8"
    )
    powers = sum(1 for p in sc.powers if not p.sub_item)
    departments = len({p.department for p in sc.powers})
    print(
        f"sample_data: {powers} powers ({len(sc.powers)} rows) from {departments} departments, "
        f"{len(sc.units)} units, {len(sc.services)} service items "
        f"({len(sc.services) / len(sc.units):.0f} per unit)"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("sample_data"))

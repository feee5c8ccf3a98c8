"""Tiny fixture workbooks, each named after the one quirk it holds, built by code."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from quanze.results import GapRow, InputFile, MatchCounts, ReconcileResult, Summary

Row = Sequence[Any]


def xlsx(
    path: Path, sheets: dict[str, Sequence[Row]], merges: dict[str, Sequence[str]] | None = None
) -> Path:
    """Write a workbook: one entry per sheet, rows as lists, optional merged ranges per sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for ref in (merges or {}).get(name, ()):
            ws.merge_cells(ref)
    wb.save(path)
    return path


def xls(path: Path, rows: Sequence[Row], merges: Sequence[tuple[int, int, int, int]] = ()) -> Path:
    """Write a legacy .xls with xlwt; merges as 0-based (r0, r1, c0, c1) inclusive."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    merged = {(r0, c0): (r1, c1) for r0, r1, c0, c1 in merges}
    covered = {(r, c) for r0, r1, c0, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in merged:
                r1, c1 = merged[(r, c)]
                sheet.write_merge(r, r1, c, c1, value)
            elif (r, c) not in covered and value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def csv_file(path: Path, rows: Sequence[Row], encoding: str = "utf-8") -> Path:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


HEADER = ["序号", "事项名称", "事项类型", "事项编码", "实施主体"]


def plain(path: Path) -> Path:
    return xlsx(
        path,
        {
            "Sheet1": [
                HEADER,
                [1, "燃气经营许可证核发", "行政许可", "511A0001", "市住建局"],
                [2, "食品生产许可", "行政许可", "511A0002", "市市场监管局"],
            ]
        },
    )


def title_rows(path: Path) -> Path:
    return xlsx(
        path,
        {
            "Sheet1": [
                ["某市市级下放县级行政权力事项目录"],
                ["填报单位：市委编办", None, None, "2023年3月"],
                [],
                HEADER,
                [1, "燃气经营许可证核发", "行政许可", "511A0001", "市住建局"],
            ]
        },
        merges={"Sheet1": ["A1:E1"]},
    )


def merged_header(path: Path) -> Path:
    """Two-row header: 省指导目录事项 spans 权力类型 | 权力名称; 序号 and 实施主体 span both rows."""
    return xlsx(
        path,
        {
            "清单": [
                ["序号", "省指导目录事项", None, "实施主体", "备注"],
                [None, "权力类型", "权力名称", None, None],
                [1, "行政许可", "燃气经营许可证核发", "市住建局", None],
                [2, "行政处罚", "对无证经营燃气的处罚", "市住建局", "委托"],
            ]
        },
        merges={"清单": ["A1:A2", "B1:C1", "D1:D2", "E1:E2"]},
    )


def merged_department(path: Path) -> Path:
    """Department and type cells merged down a block: the value sits only on the first row."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "实施部门", "事项类型", "事项名称"],
                [1, "市住建局", "行政许可", "燃气经营许可证核发"],
                [2, None, None, "建筑工程施工许可"],
                [3, None, "行政处罚", "对违法建设的处罚"],
                [4, "市民政局", "行政确认", "低保对象认定"],
            ]
        },
        merges={"Sheet1": ["B2:B4", "C2:C3"]},
    )


def section_rows(path: Path) -> Path:
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项名称", "事项类型", "事项编码"],
                ["一、区发展和改革委员会"],
                [1, "企业投资项目核准", "行政许可", "A001"],
                ["二、区民政局", None, None, None],
                [2, "社会团体成立登记", "行政许可", "A002"],
            ]
        },
        merges={"Sheet1": ["A2:D2", "A4:D4"]},
    )


def sub_items(path: Path) -> Path:
    """A main item with 子项 rows numbered 1.1, 1.2 in the same 序号 column."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项名称", "事项类型", "实施主体"],
                [1, "燃气经营许可", "行政许可", "市住建局"],
                ["1.1", "燃气经营许可证核发", "行政许可", "市住建局"],
                ["1.2", "燃气经营许可证变更", "行政许可", "市住建局"],
                [2, "建筑工程施工许可", "行政许可", "市住建局"],
            ]
        },
    )


def two_seq_columns(path: Path) -> Path:
    """主项 and 子项 groups, each with its own 序号 and 名称 column, under a two-row header."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["主项", None, "子项", None, "类别"],
                ["序号", "名称", "序号", "名称", None],
                [1, "种子生产经营许可", 1, "种子生产经营许可（主要农作物）", "行政许可"],
                [None, None, 2, "种子生产经营许可（非主要农作物）", "行政许可"],
                [2, "兽药经营许可", None, None, "行政许可"],
            ]
        },
        merges={"Sheet1": ["A1:B1", "C1:D1", "E1:E2", "A3:A4", "B3:B4"]},
    )


def ditto_cells(path: Path) -> Path:
    return xlsx(
        path,
        {
            "Sheet1": [
                HEADER,
                [1, "燃气经营许可证核发", "行政许可", "A1", "市住建局"],
                [2, "建筑工程施工许可", "同上", "A2", "同上"],
                [3, "城市建筑垃圾处置核准", "〃", "A3", "〃"],
            ]
        },
    )


def ditto_first_row(path: Path) -> Path:
    return xlsx(path, {"Sheet1": [HEADER, [1, "燃气经营许可证核发", "同上", "A1", "市住建局"]]})


def footnote_rows(path: Path) -> Path:
    return xlsx(
        path,
        {
            "Sheet1": [
                HEADER,
                [1, "燃气经营许可证核发", "行政许可", "A1", "市住建局"],
                ["注：本目录共1项，由市委编办负责解释。"],
            ]
        },
        merges={"Sheet1": ["A3:E3"]},
    )


def line_breaks(path: Path) -> Path:
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项\n名称", "事项类型", "实施\u3000主体"],
                [1, "燃气经营\n许可证核发", "行政\u3000许可", " 市住建局 "],
                [2, "对未取得\r\n燃气经营许可证从事经营活动的处罚", "行政处罚", "市住建局"],
            ]
        },
    )


def codes_as_numbers(path: Path) -> Path:
    """Codes typed as numbers: one with a zero-padding format, one too long for a float."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([*HEADER, "办件量"])
    ws.append([1, "燃气经营许可证核发", "行政许可", 12345, "市住建局", "12"])
    ws.append([2, "建筑工程施工许可", "行政许可", 42, "市住建局", 3])
    ws.append([3, "城市建筑垃圾处置核准", "行政许可", 123456789012345678, "市住建局", "１２"])
    ws["D3"].number_format = "000000"
    ws.append([4, "户外广告设置许可", "行政许可", "000123", "市住建局", "很多"])
    wb.save(path)
    return path


def unknown_category(path: Path) -> Path:
    return xlsx(
        path,
        {
            "Sheet1": [
                HEADER,
                [1, "燃气经营许可证核发", "许可类", "A1", "市住建局"],
                [2, "建筑工程施工许可", "其他职权", "A2", "市住建局"],
                [3, "城市建筑垃圾处置核准", "XK-01", "A3", "市住建局"],
            ]
        },
    )


def missing_name(path: Path) -> Path:
    return xlsx(
        path,
        {
            "Sheet1": [
                HEADER,
                [1, "燃气经营许可证核发", "行政许可", "A1", "市住建局"],
                [2, None, "行政许可", "A2", "市住建局"],
            ]
        },
    )


def sheet_per_department(path: Path) -> Path:
    return xlsx(
        path,
        {
            "市住建局": [["序号", "事项名称", "事项类型"], [1, "燃气经营许可证核发", "行政许可"]],
            "市民政局": [["序号", "事项名称", "事项类型"], [1, "社会团体成立登记", "行政许可"]],
        },
    )


def duplicate_codes(path: Path) -> Path:
    return xlsx(
        path,
        {
            "Sheet1": [
                HEADER,
                [1, "燃气经营许可证核发", "行政许可", "A1", "市住建局"],
                [2, "建筑工程施工许可", "行政许可", "A1", "市住建局"],
                [3, "燃气经营许可证核发", "行政许可", "A1", "市住建局"],
            ]
        },
    )


def service_catalogue(path: Path) -> Path:
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "业务办理项名称", "业务办理项编码", "所属权力事项", "实施主体", "办件量"],
                [1, "燃气经营许可证新办", "511A0001001", "燃气经营许可证核发", "县住建局", 5],
                [2, "燃气经营许可证变更", "511A0001002", "燃气经营许可证核发", "县住建局", 0],
            ]
        },
    )


CSV_ROWS = [
    ["权力事项目录"],
    ["序号", "权力名称", "权力类型", "权力编码", "实施部门"],
    ["1", "燃气经营许可证核发", "行政许可", "00511A", "市住建局"],
    ["2", "食品生产许可（县级）", "行政许可", "00512A", "市市场监督管理局"],
]


def gbk_csv(path: Path) -> Path:
    return csv_file(path, CSV_ROWS, "gbk")


def utf8_bom_csv(path: Path) -> Path:
    return csv_file(path, CSV_ROWS, "utf-8-sig")


def legacy_xls(path: Path) -> Path:
    return xls(
        path,
        [
            ["某县权责清单"],
            ["序号", "职权名称", "职权类型", "职权编码", "实施主体"],
            [1, "燃气经营许可证核发", "行政许可", 51100001.0, "县住建局"],
            [2, "建筑工程施工许可", "行政许可", "A2", None],
        ],
        merges=[(0, 0, 0, 4), (2, 3, 4, 4)],
    )


# The formats told from content besides .xlsx, .xls and .csv (README › Input files): one fixture each.
FORMAT_ROWS: list[Row] = [HEADER, [1, "燃气经营许可证核发", "行政许可", "00511A", "市住建局"]]


def strict_xlsx(path: Path) -> Path:
    """An .xlsx saved as Strict Open XML: the purl.oclc.org namespaces instead of the transitional ones."""
    import zipfile

    good = xlsx(path.with_name(path.name + ".transitional"), {"Sheet1": FORMAT_ROWS})
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(
                info,
                src.read(info.filename)
                .replace(
                    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
                )
                .replace(
                    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                    b"http://purl.oclc.org/ooxml/officeDocument/relationships",
                ),
            )
    good.unlink()
    return path


def html_export(path: Path) -> Path:
    """An HTML table as platforms export it under an .xls name (GBK, declared in a meta tag)."""
    cells = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in FORMAT_ROWS)
    path.write_bytes(
        f"<html><head><meta charset='gbk'></head><body><table>{cells}</table></body></html>".encode("gbk")
    )
    return path


def spreadsheet_ml(path: Path) -> Path:
    """An Excel 2003 XML workbook (SpreadsheetML)."""
    cells = "".join(
        "<Row>" + "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in row) + "</Row>"
        for row in FORMAT_ROWS
    )
    path.write_text(
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="Sheet1"><Table>{cells}</Table></Worksheet></Workbook>',
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------------------------------------- scenario
# A hand-built devolution: 4 powers to two counties, each county's acceptance list, the platform export.

CITY_HEADER = [
    "序号",
    "事项名称",
    "事项类型",
    "事项编码",
    "实施主体",
    "下放方式",
    "承接单位",
    "监管部门",
    "监管方式",
]
CITY_ROWS = [
    [
        1,
        "燃气经营许可证核发",
        "行政许可",
        "511A0001000000",
        "市住建局",
        "直接下放",
        "东城县、西河县",
        "县住建局",
        "双随机抽查",
    ],
    [
        2,
        "食品生产许可",
        "行政许可",
        "511A0002000000",
        "市市场监管局",
        "委托",
        "东城县、西河县",
        "县市场监管局",
        "信用监管",
    ],
    [3, "食品经营许可", "行政许可", None, "市市场监管局", "直接下放", "东城县、西河县", None, None],
    [
        4,
        "户外广告设置许可",
        "行政许可",
        "511A0004000000",
        "市城管局",
        "直接下放",
        "东城县",
        "县城管局",
        "日常检查",
    ],
]
CATALOGUE_HEADER = [
    "序号",
    "行政区划",
    "实施主体",
    "基本目录名称",
    "业务办理项名称",
    "业务办理项编码",
    "办件量",
]
CATALOGUE_ROWS = [
    [
        1,
        "东城县",
        "东城县住建局",
        None,
        "燃气经营许可证新办",
        "511A0001000001-369001000000-000-113690000000000001-1-00",
        12,
    ],
    [2, "东城县", "东城县住建局", None, "燃气经营许可证（变更）", None, 0],
    [3, "东城县", "东城县市监局", None, "食品经营许可延续", None, 3],
    [4, "东城县", "东城县城管局", None, "城市道路占用挖掘许可", None, 5],
    [5, "西河县", "西河县住建局", "燃气经营许可证核发", "燃气经营许可证新办", None, 2],
    [6, "西河县", "西河县市场监督管理局", None, "食品生产许可（新办）", None, 1],
    [7, "西河县", "西河县市场监督管理局", None, "食品经营许可新办", None, 4],
]


def city_list(path: Path) -> Path:
    return xlsx(path, {"Sheet1": [["某市下放事项"], CITY_HEADER, *CITY_ROWS]})


def catalogue(path: Path, extra: Sequence[Row] = ()) -> Path:
    return xlsx(path, {"Sheet1": [CATALOGUE_HEADER, *CATALOGUE_ROWS, *extra]})


def catalogue_with_a_neighbour_county(path: Path) -> Path:
    """The scenario's catalogue exported for the whole city: three items of 南湖县, a county no list is for."""
    return catalogue(
        path,
        [
            [8, "南湖县", "南湖县住建局", None, "燃气经营许可证新办", None, 6],
            [9, "南湖县", "南湖县住建局", None, "建筑起重机械使用登记", None, 2],
            [10, "南湖县", "南湖县市场监督管理局", None, "食品经营许可新办", None, 0],
        ],
    )


def acceptance(path: Path, rows: Sequence[Row]) -> Path:
    return xlsx(path, {"Sheet1": [["序号", "事项名称", "事项编码", "认领情况"], *rows]})


def scenario(folder: Path) -> Path:
    """Write the hand-built scenario and its quanze.toml into folder; returns the config path."""
    folder.mkdir(parents=True, exist_ok=True)
    city_list(folder / "city.xlsx")
    catalogue(folder / "catalogue.xlsx")
    # 东城县 accepts gas and food-business, refuses food-production, misses outdoor ads, adds an extra item.
    acceptance(
        folder / "东城县.xlsx",
        [
            [1, "燃气经营许可证核发", "511A0001000000", "认领"],
            [2, "食品生产许可", "511A0002000000", "不认领"],
            [3, "食品经营许可（县级）", None, "认领"],
            [4, "建筑垃圾处置核准", None, "认领"],
        ],
    )
    # 西河县 accepts all three devolved to it, one under another name.
    acceptance(
        folder / "西河县.xlsx",
        [
            [1, "燃气经营许可证核发", None, "认领"],
            [2, "食品生产许可", None, "认领"],
            [3, "食品经营许可证核发", None, "认领"],
        ],
    )
    config = folder / "quanze.toml"
    config.write_text(
        '[project]\nname = "测试"\nout = "out"\n\n'
        '[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\nlevel = "city"\n\n'
        '[[inputs.lists]]\npath = "东城县.xlsx"\nrole = "acceptance"\nunit = "东城县"\n\n'
        '[[inputs.lists]]\npath = "西河县.xlsx"\nrole = "acceptance"\nunit = "西河县"\n\n'
        '[inputs.catalogue]\npath = "catalogue.xlsx"\n\n'
        "[check]\nnot-accepted = 0\nno-service-item = 5\n",
        encoding="utf-8",
    )
    return config


def unit_column_lists(folder: Path, *, prefix: str = "") -> Path:
    """A province-style run: one devolution list and one catalogue, each row naming its unit (行政区划).

    西河县 is spelt 西河县人民政府 in the catalogue (a unit-alias); 北湖县 is only in the catalogue (outside the run: unit-outside-run); one power
    row has no unit, so it belongs to every unit. `prefix` goes before every unit name (another province).
    """
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    for unit in (prefix + u for u in ("东城县", "西河县", "南山县")):
        for r in CITY_ROWS:
            rows.append([len(rows) + 1, unit, r[1], r[2], r[3], r[4], unit, r[7], r[8]])
    rows.append(
        [len(rows) + 1, None, "建筑垃圾处置核准", "行政许可", None, "市城管局", prefix + "南山县", None, None]
    )
    header: Row = [
        "序号",
        "行政区划",
        "事项名称",
        "事项类型",
        "事项编码",
        "实施主体",
        "承接单位",
        "监管部门",
        "监管方式",
    ]
    xlsx(folder / "powers.xlsx", {"权力事项": [header, *rows]})
    services: list[Row] = []
    for unit in (prefix + u for u in ("东城县", "西河县人民政府", "南山县", "北湖县")):
        for r in CATALOGUE_ROWS:
            services.append([len(services) + 1, unit, *r[2:]])
    xlsx(folder / "catalogue.xlsx", {"服务事项": [CATALOGUE_HEADER, *services]})
    config = folder / "quanze.toml"
    config.write_text(
        '[project]\nname = "分区"\n\n[[inputs.lists]]\npath = "powers.xlsx"\nrole = "devolution"\n\n'
        '[inputs.catalogue]\npath = "catalogue.xlsx"\n',
        encoding="utf-8",
    )
    return config


# Quirks of how real lists close blocks, mark status and nest rows (each fixture holds one).

POWER_HEADER = ["序号", "事项名称", "子项名称", "权力类型", "实施主体", "事项编码", "备注"]


def subtotal_rows(path: Path) -> Path:
    """A 小计 row under each department block, spelled three ways, then 合计."""
    return xlsx(
        path,
        {
            "权责清单": [
                POWER_HEADER,
                [1, "燃气经营许可证核发", None, "行政许可", "县住建局", "A1", None],
                ["小计", "1项", None, None, "县住建局", None, None],
                [2, "食品经营许可", None, "行政许可", "县市场监管局", "A2", None],
                [None, "县市场监管局小计", None, None, None, None, "1项"],
                [3, "取水许可", None, "行政许可", "县水利局", "A3", None],
                [None, None, None, "小计：1项", None, None, None],
                ["合计", "共3项", None, None, None, None, None],
            ]
        },
    )


def only_subtotals(path: Path) -> Path:
    """A list whose rows below the header are all 小计 (each beside its organ), repeated headers and 合计."""
    return xlsx(
        path,
        {
            "汇总": [
                POWER_HEADER,
                ["小计", "15项", None, None, "县市场监管局", None, None],
                POWER_HEADER,
                [None, "县卫生健康局小计", None, None, None, "12项", None],
                [None, "小计：6项", None, None, "县民政局", None, None],
                ["合计", "共33项", None, None, None, None, None],
            ]
        },
    )


def invisible_characters(path: Path) -> Path:
    """Zero-width spaces, a BOM, NBSP and U+3000 inside and around names, organs and codes; one name made
    only of invisible characters; a code typed with a space inside."""
    return xlsx(
        path,
        {
            "Sheet1": [
                HEADER,
                [1, "食品\u200b经营许可", "行政许可", "330195\u200b427000", "县市场监管局\u200b"],
                [2, "\u3000建筑工程施工许可证\xa0核发", "行政许可", "\xa0330167794000", "县住建局"],
                [3, "\ufeff取水许可", "行政许可", "\u200b330264315000\u3000", "县水利局\xa0"],
                [4, "\u200b\xa0\u3000", "行政许可", "330112666000", "县水利局"],
                [5, "采矿许可", "行政许可", "330 112 667000", "县自然资源局"],
            ]
        },
    )


def status_column(path: Path) -> Path:
    """An adjustment table with a 状态 column: 保留 / 下放 / 取消 / 暂停实施."""
    header = ["序号", "事项名称", "权力类型", "实施主体", "事项编码", "状态", "备注"]
    return xlsx(
        path,
        {
            "调整后清单": [
                header,
                [1, "农药经营许可证核发", "行政许可", "县农业农村局", "B1", "保留", None],
                [2, "拖拉机登记", "行政许可", "县农业农村局", "B2", "下放", "下放至各乡镇"],
                [3, "种子质量纠纷田间现场鉴定", "行政裁决", "县农业农村局", "B3", "取消", None],
                [4, "渔业捕捞许可证核发", "行政许可", "县农业农村局", "B4", "暂停实施", None],
                [5, "动物防疫条件合格证核发", "行政许可", "县农业农村局", "B5", "已取消", None],
            ]
        },
    )


def catalogue_publish_status_words(path: Path) -> Path:
    """A catalogue with a 发布状态 column holding the platform's words: 已发布 / 已下线 / 已下架 / 已暂停."""
    header = ["序号", "事项名称", "事项类型", "实施主体", "事项编码", "发布状态"]
    rows: list[Row] = [
        [1, "残疾人证核发", "行政确认", "县残联", "D1", "已发布"],
        [2, "残疾人托养服务补贴发放", "行政给付", "县残联", "D2", "已下线"],
        [3, "残疾人职业技能培训补贴发放", "行政给付", "县残联", "D3", "已下架"],
        [4, "残疾人家庭无障碍改造", "公共服务", "县残联", "D4", "已暂停"],
    ]
    return xlsx(path, {"目录": [header, *rows]})


TREE_HEADER = ["序号", "事项层级", "事项名称", "事项编码", "事项类型", "实施主体", "行政区划"]


def catalogue_tree_level_column(path: Path) -> Path:
    """A catalogue exported as a tree: 事项 rows with their 办理项 below (事项层级 says which; the 办理项 leave
    type, organ and 区划 blank), one 事项 with no 办理项."""
    return xlsx(
        path,
        {
            "事项目录": [
                ["导出时间：2026-11-20 10:12:33"],
                TREE_HEADER,
                [1, "事项", "燃气经营许可证核发", "S100", "行政许可", "县住建局", "东城县"],
                [None, "办理项", "\u3000\u3000燃气经营许可证新办", "S101", None, None, None],
                [None, "办理项", "\u3000\u3000燃气经营许可证变更", "S102", None, None, None],
                [2, "事项", "最低生活保障对象认定", "S200", "行政确认", "县民政局", "东城县"],
                [None, "办理项", "最低生活保障对象认定", "S201", None, None, None],
                [3, "事项", "印章刻制备案", "S300", "其他行政权力", "县公安局", "东城县"],
            ]
        },
    )


def catalogue_tree_dotted_seq(path: Path, *, flat: int = 0) -> Path:
    """A three-level catalogue tree told only by its 序号: 事项 1, 办理项 1.1 (own code), 情形 1.1.1 (no code);
    `flat` items of no tree above it (past the header scan)."""
    above = [
        [f"0{i}", f"印章刻制备案{i}", f"T0{i}", "其他行政权力", "县公安局", "1个工作日"] for i in range(flat)
    ]
    return xlsx(
        path,
        {
            "目录树": [
                ["序号", "名称", "编码", "事项类型", "实施主体", "承诺办结时限"],
                *above,
                ["1", "公共场所卫生许可", "T100", "行政许可", "县卫生健康局", "20个工作日"],
                ["1.1", "公共场所卫生许可证新办", "T101", None, None, "10个工作日"],
                ["1.1.1", "新开办公共场所", None, None, None, "5个工作日"],
                ["1.1.2", "原址重新开业", None, None, None, "5个工作日"],
                ["1.2", "公共场所卫生许可证注销", "T102", None, None, "10个工作日"],
                ["2", "道路货物运输经营许可", "T200", "行政许可", "县交通运输局", "20个工作日"],
                ["2.1", "道路货物运输经营许可（新办）", "T201", None, None, "10个工作日"],
                ["2.1.1", "企业申请", None, None, None, "5个工作日"],
            ]
        },
    )


def sub_item_rows_blank_type_and_organ(path: Path) -> Path:
    """Sub-item rows (序号 3-1, 3-2, and a 5-1 Excel saved as a date) under a main row, their main name, type
    and organ cells blank."""
    from datetime import datetime

    return xlsx(
        path,
        {
            "主项子项": [
                POWER_HEADER,
                ["3.", "对违反食品安全法行为的处罚", None, "行政处罚", "县市场监管局", "C300", None],
                ["3-1", None, "对用非食品原料生产食品的处罚", None, None, "C301", None],
                ["3-2", None, "对经营超过保质期的食品的处罚", None, None, "C302", None],
                [5, "兽药经营许可证核发", None, "行政许可", "县农业农村局", "C500", None],
                [datetime(2026, 5, 1), None, "兽药经营许可证核发（新办）", None, None, "C501", None],
            ]
        },
    )


def continuation_lines_unmerged(path: Path) -> Path:
    """Each item's 责任事项 / 追责情形 lines continue on rows below it, every other cell empty and unmerged."""
    return xlsx(
        path,
        {
            "行政许可": [
                ["序号", "事项名称", "权力类型", "实施主体", "事项编码", "责任事项", "追责情形"],
                [1, "建筑工程施工许可证核发", "行政许可", "县住建局", "D1", "1.受理责任", "1.不予受理的"],
                [None, None, None, None, None, "2.审查责任", "2.违法准予许可的"],
                [None, None, None, None, None, "3.决定责任", None],
                [2, "燃气经营许可证核发", "行政许可", "县住建局", "D2", "1.受理责任", None],
                [None, None, None, None, None, "2.审查责任", None],
            ]
        },
    )


def duty_sheets_beside_the_list(path: Path) -> Path:
    """A 权力清单 sheet, then a 责任清单 and a 追责情形 sheet restating its items with their duties."""
    return xlsx(
        path,
        {
            "权力清单": [
                HEADER,
                [1, "营业性演出审批", "行政许可", "E1", "县文旅局"],
                [2, "旅行社设立许可", "行政许可", "E2", "县文旅局"],
            ],
            "责任清单": [
                ["序号", "事项名称", "权力类型", "责任主体", "责任事项", "追责情形"],
                [1, "营业性演出审批", "行政许可", "县文旅局", "1.受理责任", "1.不予受理的"],
                [2, "旅行社设立许可", "行政许可", "县文旅局", "1.受理责任", "1.不予受理的"],
            ],
            "追责情形": [
                ["序号", "事项名称", "追责情形", "责任主体"],
                [1, "营业性演出审批", "有下列情形之一的", "县文旅局"],
            ],
        },
    )


def pasted_block_other_column_order(path: Path, *, more: int = 0) -> Path:
    """A second department's block pasted below the first with its own header, 实施主体 and 权力类型 swapped
    and 备注 where the code was; `more` plain rows in each block (past the header scan)."""
    first = [[3 + i, f"城市道路挖掘许可{i}", "行政许可", "县住建局", f"F{3 + i}"] for i in range(more)]
    second = [[3 + i, f"慈善组织认定{i}", None, "行政确认", f"新增{i}"] for i in range(more)]
    return xlsx(
        path,
        {
            "汇总": [
                ["序号", "事项名称", "权力类型", "实施主体", "事项编码"],
                [1, "城镇污水排入排水管网许可", "行政许可", "县住建局", "F1"],
                [2, "对擅自占用城市道路的处罚", "行政处罚", "县住建局", "F2"],
                *first,
                [None],
                ["序号", "事项名称", "实施主体", "权力类型", "备注"],
                [1, "养老机构备案", "县民政局", "其他行政权力", None],
                [2, "社会团体变更登记", "县民政局", "行政许可", "原第5项"],
                *second,
            ]
        },
    )


def catalogue_organ_column_blank(path: Path) -> Path:
    """A catalogue export whose 实施主体 column is there but blank on every row."""
    rows = [[r[0], r[1], None, *r[3:]] for r in CATALOGUE_ROWS]
    return xlsx(path, {"Sheet1": [CATALOGUE_HEADER, *rows]})


def two_tables_side_by_side(path: Path) -> Path:
    """Two departments' tables side by side (A–E and G–K), each under its own section line and header."""
    head = ["序号", "事项名称", "权力类型", "实施主体", "事项编码"]
    left = [
        [1, "乡村建设规划许可证核发", "行政许可", "县自然资源局", "G1"],
        [2, "对非法占用土地的处罚", "行政处罚", "县自然资源局", "G2"],
    ]
    right = [
        [1, "林木采伐许可证核发", "行政许可", "县林业局", "H1"],
        [2, "对滥伐林木的处罚", "行政处罚", "县林业局", "H2"],
    ]
    return xlsx(
        path,
        {
            "权责清单": [
                ["县自然资源局、县林业局权责清单"],
                ["一、县自然资源局", None, None, None, None, None, "二、县林业局"],
                [*head, None, *head],
                [*left[0], None, *right[0]],
                [*left[1], None, *right[1]],
                [3, "土地权属争议调处", "行政裁决", "县自然资源局", "G3"],
            ]
        },
        merges={"权责清单": ["A1:K1"]},
    )


def catalogue_main_item_column(path: Path) -> Path:
    """A catalogue export headed 主项名称 | 业务办理项名称: 主项名称 is the parent power, not a second item column."""
    header = [
        "序号",
        "行政区划",
        "实施机构",
        "主项名称",
        "业务办理项名称",
        "业务办理项编码",
        "基本编码",
        "事项类型",
    ]
    rows: list[Row] = [
        [
            1,
            "东城县",
            "东城县交通运输局",
            "道路货物运输经营许可",
            "道路货物运输经营许可（新办）",
            "11110000000000000X4000110001",
            "110400001001",
            "行政许可",
        ],
        [
            2,
            "东城县",
            "东城县交通运输局",
            "道路货物运输经营许可",
            "道路货物运输经营许可（变更）",
            "11110000000000000X4000110002",
            "110400001002",
            "行政许可",
        ],
    ]
    return xlsx(path, {"事项目录": [header, *rows]})


def catalogue_item_beside_handling_item(path: Path) -> Path:
    """A catalogue naming each handling item and, beside it, the item it belongs to: 事项名称 | 事项编码 |
    业务办理项名称 | 业务办理项编码. The item's cells merged over its handling items; the last item has no handling
    item of its own (its 业务办理项 cells blank)."""
    header = ["序号", "事项名称", "事项编码", "业务办理项名称", "业务办理项编码", "实施机构"]
    rows: list[Row] = [
        [1, "民办培训机构设立审批", "330700101000", "民办培训机构筹设审批", "33070010100001", "县教育局"],
        [2, None, None, "民办培训机构正式设立审批", "33070010100002", "县教育局"],
        [3, "中小学教师资格认定", "330700102000", "初级中学教师资格认定", "33070010200001", "县教育局"],
        [4, "校车使用许可", "330700103000", None, None, "县教育局"],
    ]
    return xlsx(path, {"办事指南": [header, *rows]}, merges={"办事指南": ["B2:B3", "C2:C3"]})


def main_and_sub_code_columns(path: Path) -> Path:
    """主项编码 | 主项名称 | 子项编码 | 子项名称: each 子项 has a code of its own (the main item's stem + 001 …); the
    main item's cells merged over its 子项 rows; one item without sub-items."""
    header = ["序号", "主项编码", "主项名称", "子项编码", "子项名称", "权力类型", "实施机关"]
    rows: list[Row] = [
        [
            1,
            "330800201000",
            "民办非企业单位登记",
            "330800201001",
            "民办非企业单位成立登记",
            "行政许可",
            "县民政局",
        ],
        [None, None, None, "330800201002", "民办非企业单位注销登记", None, None],
        [2, "330800202000", "慈善信托备案", None, None, "其他行政权力", "县民政局"],
    ]
    return xlsx(
        path, {"Sheet1": [header, *rows]}, merges={"Sheet1": ["A2:A3", "B2:B3", "C2:C3", "F2:F3", "G2:G3"]}
    )


def credit_code_first_impl_codes(path: Path) -> Path:
    """A catalogue whose 实施编码 start with the organ's credit code (credit code + 13 characters, as Guangdong
    exports them): every item of one organ shares the first 21 characters."""
    header = ["序号", "事项名称", "事项类型", "实施主体", "实施编码", "事项版本"]
    credit = "11441823MB2D039118"
    rows: list[Row] = [
        [1, "医疗机构执业登记（新办）", "行政许可", "县卫生健康局", credit + "4446014359620", "V3.0"],
        [2, "医疗机构执业登记（校验）", "行政许可", "县卫生健康局", credit + "4445217159946", "V3.0"],
        [3, "护士执业注册", "行政许可", "县卫生健康局", credit + "4441335199405", "V2.0"],
    ]
    return xlsx(path, {"事项清单": [header, *rows]})


def provincial_header_words(path: Path) -> Path:
    """Header words of other provinces' lists, one province a sheet: 事项代码 | 行政权力事项名称 | 权力分类 |
    实施主体名称 (Shandong); 职权编码 | 职权名称 | 职权分类 (Beijing); 权力事项编码 | 权力事项名称 | 权力事项类型
    (Zhejiang: a power list's own code column headed 权力事项编码)."""
    return xlsx(
        path,
        {
            "事项代码": [
                ["序号", "事项代码", "行政权力事项名称", "权力分类", "实施主体名称"],
                [1, "370100001000", "企业投资项目核准", "行政许可", "县发展和改革局"],
                [2, "370100002000", "对价格违法行为的处罚", "行政处罚", "县发展和改革局"],
            ],
            "职权分类": [
                ["序号", "职权编码", "职权名称", "职权分类", "实施主体"],
                [1, "110100001000", "法律援助申请受理", "行政给付", "县司法局"],
            ],
            "权力事项类型": [
                ["序号", "权力事项编码", "权力事项名称", "权力事项类型", "实施机关"],
                [1, "330100001000", "临时用地审批", "行政许可", "县自然资源局"],
            ],
        },
    )


def title_list_words_after_organ(path: Path) -> Path:
    """No organ column: each sheet's title names the organ, then the list in words seen in real titles
    (行政职权目录, 行政权力事项清单（2025年版）, 权力和责任清单)."""
    header = ["序号", "事项名称", "事项类型", "事项编码"]
    return xlsx(
        path,
        {
            "目录": [["某县体育局行政职权目录"], header, [1, "游泳场所开放许可", "行政许可", "T1"]],
            "清单": [
                ["某县自然资源局行政权力事项清单（2025年版）"],
                header,
                [1, "临时用地审批", "行政许可", "T2"],
            ],
            "权责": [["某县档案馆权力和责任清单"], header, [1, "档案出境审批初审", "其他行政权力", "T3"]],
        },
        merges={"目录": ["A1:D1"], "清单": ["A1:D1"], "权责": ["A1:D1"]},
    )


def id_column_beside_seq(path: Path) -> Path:
    """An 编号 column of the office's own item IDs (TJ-001 …) beside 序号, under a title: no sub-item numbering."""
    header = ["序号", "编号", "事项名称", "事项类型", "实施主体"]
    rows: list[Row] = [
        [1, "TJ-001", "统计调查项目审批", "行政许可", "县统计局"],
        [2, "TJ-002", "对拒报统计资料的处罚", "行政处罚", "县统计局"],
        [3, "TJ-003", "统计执法检查", "行政检查", "县统计局"],
    ]
    return xlsx(path, {"权责清单": [["某县统计局权责清单"], header, *rows]}, merges={"权责清单": ["A1:E1"]})


def word_table_name_paragraph_rows(path: Path) -> Path:
    """A Word table pasted into Excel: a name of two paragraphs takes two rows, the second a bracketed qualifier
    (name cells unmerged), every other cell of the item merged over both rows; its twin on a row of its own."""
    header = ["序号", "事项名称", "事项类型", "实施主体", "事项编码"]
    rows: list[Row] = [
        [1, "种畜禽生产经营许可", "行政许可", "县农业农村局", "A1"],
        [None, "（家畜）", None, None, None],
        [2, "种畜禽生产经营许可（家禽）", "行政许可", "县农业农村局", "A2"],
        [3, "对违法经营种畜禽的处罚", "行政处罚", "县农业农村局", "A3"],
    ]
    merges = ["A2:A3", "C2:C3", "D2:D3", "E2:E3"]
    return xlsx(path, {"Sheet1": [header, *rows]}, merges={"Sheet1": merges})


def part_sections_give_categories(path: Path) -> Path:
    """No category column: section rows 第一部分　行政许可（共2项）… merged across the table, 序号 restarting."""
    header = ["序号", "权力名称", "实施主体", "权力编码"]
    return xlsx(
        path,
        {
            "Sheet1": [
                header,
                ["第一部分\u3000行政许可（共2项）"],
                [1, "建设工程规划许可", "县住建局", "P1"],
                [2, "白蚁防治单位资质核准", "县住建局", "P2"],
                ["第二部分\u3000行政处罚（共1项）"],
                [1, "对未移交建设项目档案的处罚", "县住建局", "P3"],
            ]
        },
        merges={"Sheet1": ["A2:D2", "A5:D5"]},
    )


def department_item_numbers(path: Path) -> Path:
    """A county-wide list: department section rows (一、某县应急管理局), items numbered department-item 1-1, 1-2,
    2-1 (text), each with its own name and type; no item 1 or 2 above them."""
    header = ["序号", "事项名称", "事项类型", "事项编码"]
    return xlsx(
        path,
        {
            "汇总": [
                header,
                ["一、某县应急管理局"],
                ["1-1", "生产安全事故应急预案备案", "其他行政权力", "N1"],
                ["1-2", "安全生产状况监督检查", "行政检查", "N2"],
                ["二、某县气象局"],
                ["2-1", "雷电防护装置设计审核", "行政许可", "N3"],
            ]
        },
        merges={"汇总": ["A2:D2", "A5:D5"]},
    )


def header_footnote_marks(path: Path) -> Path:
    """Header words with footnote marks (事项名称①, 事项类型②, 事项编码（注3）) explained in a 注 row below."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项名称①", "事项类型②", "实施主体", "事项编码（注3）"],
                [1, "养老机构设立备案", "其他行政权力", "县民政局", "F1"],
                [2, "对养老机构的监督检查", "行政检查", "县民政局", "F2"],
                ["注：①按省级目录填写；②按十类权力填写；3.省统一编码。"],
            ]
        },
    )


def name_merged_over_sub_item_column(path: Path) -> Path:
    """事项名称 merged sideways over the 子项 column for items with no sub-item; one item has two 子项 rows."""
    return xlsx(
        path,
        {
            "清单": [
                ["序号", "事项名称", "子项名称", "事项类型", "实施主体"],
                [1, "燃气经营许可", None, "行政许可", "县住建局"],
                [2, "建筑工程施工许可", "新办", "行政许可", "县住建局"],
                [None, None, "变更", "行政许可", "县住建局"],
                [3, "对违法建设的处罚", None, "行政处罚", "县住建局"],
            ]
        },
        merges={"清单": ["B2:C2", "A3:A4", "B3:B4", "B5:C5"]},
    )


def sub_item_lines_in_name_column(path: Path) -> Path:
    """Sub-items typed as indented numbered lines in the name column under their main row, with codes of
    their own and 序号, type and organ blank."""
    return xlsx(
        path,
        {
            "清单": [
                ["序号", "事项名称", "事项类型", "实施主体", "事项编码"],
                [1, "燃气经营许可", "行政许可", "县住建局", None],
                [None, "\u3000\u3000（1）燃气经营许可证核发", None, None, "C01"],
                [None, "    2.燃气经营许可证变更", None, None, "C02"],
                [2, "对违法建设的处罚", "行政处罚", "县城管局", "C03"],
            ]
        },
    )


def name_cell_with_sub_item_lines(path: Path) -> Path:
    """One name cell holding the main item and its sub-items on numbered lines."""
    return xlsx(
        path,
        {
            "清单": [
                ["序号", "事项名称", "子项名称", "事项类型", "实施主体"],
                [
                    1,
                    "建设工程消防审查\n1.建设工程消防设计审查\n2.建设工程消防验收",
                    None,
                    "行政许可",
                    "县住建局",
                ],
                [2, "对有下列行为之一的处罚：\n1.未取得许可\n2.超范围经营", None, "行政处罚", "县住建局"],
            ]
        },
    )


def english_line_in_header_cells(path: Path) -> Path:
    """Header cells with an English second line (事项名称\\nItem Name) under a bilingual title."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["某县行政权力事项目录 Catalogue of Administrative Powers"],
                ["序号\nNo.", "事项名称\nItem Name", "事项类型\nType", "实施主体\nImplementing Body"],
                [1, "燃气经营许可", "行政许可", "县住建局"],
                [2, "对违法建设的处罚", "行政处罚", "县住建局"],
            ]
        },
    )


def english_header_row(path: Path) -> Path:
    """An English header row right below the Chinese one."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项名称", "子项名称", "事项类型", "实施主体"],
                ["No.", "Item Name", "Sub-item", "Type", "Implementing Body"],
                [1, "燃气经营许可", None, "行政许可", "县住建局"],
                [2, "对违法建设的处罚", None, "行政处罚", "县住建局"],
            ]
        },
    )


def page_lines_and_column_numbers(path: Path) -> Path:
    """A printed table: a 栏次 row (1 2 3 4 5) under the header; 续表 and 第 2 页 共 2 页 lines and the header again
    where it goes on over a page."""
    return xlsx(
        path,
        {
            "Sheet1": [
                HEADER,
                [1, 2, 3, 4, 5],
                [1, "燃气经营许可证核发", "行政许可", "511A0001", "市住建局"],
                ["第 1 页 共 2 页"],
                ["续表"],
                HEADER,
                [2, "食品生产许可", "行政许可", "511A0002", "市市场监管局"],
                ["栏次", 1, 2, 3, 4, 5],
                [3, "食品经营许可", "行政许可", "511A0003", "市市场监管局"],
            ]
        },
    )


def one_name_pasted_down(path: Path, rows: int = 6) -> Path:
    """Every row holds the same name (pasted down the column), each with its own code."""
    body: list[Row] = [
        [i, "食品经营许可", "行政许可", f"511A000{i}", "县市场监管局"] for i in range(1, rows + 1)
    ]
    return xlsx(path, {"Sheet1": [HEADER, *body]})


def footer_lines_after_total(path: Path) -> Path:
    """A platform CSV ending in a total, a 数据来源 line and a 制表单位 / 制表时间 line (the time beside the 子项)."""
    return csv_file(
        path,
        [
            ["序号", "事项名称", "子项名称", "事项类型", "实施主体", "事项编码"],
            [1, "燃气经营许可证核发", None, "行政许可", "市住建局", "511A0001"],
            [2, "食品生产许可", None, "行政许可", "市市场监管局", "511A0002"],
            ["合计：2项"],
            ["数据来源：某市政务服务平台"],
            ["制表单位：某市政务服务中心", None, "制表时间：2024年5月6日"],
        ],
        "utf-8-sig",
    )


def required_marks_in_header(path: Path) -> Path:
    """A template header marking the fields that must be filled in: *, ★, ※, ▲ and （必填）."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "*事项名称", "★事项类型", "事项编码※", "▲实施主体（必填）"],
                [1, "燃气经营许可证核发", "行政许可", "511A0001", "市住建局"],
                [2, "对无证经营燃气的处罚", "行政处罚", "511A0002", "市住建局"],
            ]
        },
    )


def codes_in_number_forms(path: Path) -> Path:
    """Codes typed as text in a number's form: a float's .0, full-width digits, thousands separators; and one
    that is no number (two codes in a cell) left as it is."""
    return xlsx(
        path,
        {
            "Sheet1": [
                HEADER,
                [1, "燃气经营许可证核发", "行政许可", "330109001000.0", "市住建局"],
                [2, "食品生产许可", "行政许可", "３３０１０９００１００１", "市市场监管局"],
                [3, "药品零售许可", "行政许可", "330,109,001,002", "市市场监管局"],
                [4, "印章刻制备案", "其他行政权力", "ＸＫ－００３", "市公安局"],
                [5, "取水许可", "行政许可", "3301,0900", "市水利局"],
            ]
        },
    )


def utf8_then_gbk_csv(path: Path) -> Path:
    """Two exports joined (copy /b): a UTF-8 one, then a GBK one with its own header line."""
    first = [
        ["序号", "事项名称", "事项类型", "实施主体"],
        [1, "粮食收购资格认定", "行政许可", "县发展和改革局"],
    ]
    second = [
        ["序号", "事项名称", "事项类型", "实施主体"],
        [2, "特困人员救助供养审批", "行政给付", "县民政局"],
    ]
    csv_file(path.with_suffix(".part1"), first, "utf-8")
    csv_file(path.with_suffix(".part2"), second, "gbk")
    path.write_bytes(path.with_suffix(".part1").read_bytes() + path.with_suffix(".part2").read_bytes())
    return path


def excel_table_total_row(path: Path) -> Path:
    """An Excel table (表1) with its total row on: 汇总 in 序号, a SUBTOTAL count (cached 2) under the names."""
    from openpyxl.worksheet.table import Table

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in (
        HEADER,
        [1, "燃气经营许可证核发", "行政许可", "511A0001", "市住建局"],
        [2, "食品生产许可", "行政许可", "511A0002", "市市场监管局"],
        ["汇总", 2, None, None, None],
    ):
        ws.append(row)
    ws.add_table(Table(displayName="表1", ref="A1:E4", totalsRowCount=1))
    wb.save(path)
    return path


def fill_in_hint_row(path: Path) -> Path:
    """A template's row of fill-in hints right under the header (no 示例 word), then the items."""
    return xlsx(
        path,
        {
            "Sheet1": [
                HEADER,
                [
                    "填写阿拉伯数字",
                    "填写规范的事项全称，不加书名号",
                    "从下拉列表中选择",
                    "12位，文本格式",
                    "填写部门全称",
                ],
                [1, "燃气经营许可证核发", "行政许可", "511A0001", "市住建局"],
                [2, "统计数据填报审核", "行政许可", "511A0002", "市统计局"],  # a hint word in an item's name
            ]
        },
    )


def sub_item_placeholder_variants(path: Path) -> Path:
    """子项 cells saying the item has none in words beyond 无: 不涉及, 暂无子项."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项名称", "子项名称", "事项类型", "实施主体"],
                [1, "燃气经营许可证核发", "不涉及", "行政许可", "市住建局"],
                [2, "食品生产许可", "暂无子项", "行政许可", "市市场监管局"],
                [3, "药品零售许可", "无子项", "行政许可", "市市场监管局"],
            ]
        },
    )


def every_item_stopped(path: Path) -> Path:
    """A catalogue whose 事项状态 is 停用 on every row: nothing in it is in force."""
    header = ["序号", "事项名称", "事项编码", "实施主体", "办件类型", "事项状态"]
    return xlsx(
        path,
        {
            "Sheet1": [
                header,
                [1, "燃气经营许可证核发", "11330100MB0001-1", "市住建局", "承诺件", "停用"],
                [2, "食品生产许可", "11330100MB0002-1", "市市场监管局", "承诺件", "停用"],
            ]
        },
    )


FIVE_NAMES = ["食品经营许可", "药品零售许可", "燃气经营许可证核发", "印章刻制备案", "取水许可"]


def five_names_cycled(path: Path, rows: int = 40, organs: int = 1) -> Path:
    """Rows cycling through five names under one organ (or `organs` organs in turn), each with its own code."""
    body: list[Row] = [
        [i, FIVE_NAMES[i % 5], "行政许可", f"511A{i:04d}", f"{'县市区乡镇'[i % organs]}市场监管局"]
        for i in range(1, rows + 1)
    ]
    return xlsx(path, {"Sheet1": [HEADER, *body]})


def stated_counts(path: Path, *, lost: bool = False) -> Path:
    """A sheet named 行政许可（3项）, headings 一、县住建局（共2项） / 二、县水利局（共1项） and a closing 合计：共3项;
    `lost`: one row gone, every count left as it was."""
    kept = [
        [1, "燃气经营许可证核发", "行政许可", "A1", None],
        [2, "建筑工程施工许可", "行政许可", "A2", None],
    ]
    return xlsx(
        path,
        {
            "行政许可（3项）": [
                HEADER,
                ["一、县住建局（共2项）"],
                *(kept[:1] if lost else kept),
                ["二、县水利局（共1项）"],
                [3, "取水许可", "行政许可", "A3", None],
                ["合计：共3项"],
            ]
        },
    )


def original_department_only_organ(path: Path) -> Path:
    """A 赋权清单 of county powers given to a town whose only organ column is 原实施部门 (the county department
    that hands the power over), beside 赋权方式 and 承接乡镇（街道）."""
    return xlsx(
        path,
        {
            "赋权清单": [
                ["某县赋予某镇部分县级权限事项清单"],
                ["序号", "事项名称", "事项类型", "原实施部门", "赋权方式", "承接乡镇（街道）"],
                [1, "临时占用林地初审", "行政许可", "某县林业局", "委托", "北岭镇"],
                [2, "对乱倒建筑垃圾的处罚", "行政处罚", "某县城市管理局", "直接赋权", "北岭镇"],
            ]
        },
    )


def original_department_beside_organ(path: Path) -> Path:
    """A 综合行政执法 list: 原实施部门 (the former department) beside 实施主体 (the 执法队 that holds it now)."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项名称", "事项类型", "原实施部门", "实施主体"],
                [1, "对乱倒建筑垃圾的处罚", "行政处罚", "某县城市管理局", "北岭镇综合行政执法队"],
                [2, "对破坏耕地的处罚", "行政处罚", "某县自然资源局", "北岭镇综合行政执法队"],
            ]
        },
    )


def public_service_item_column(path: Path) -> Path:
    """A 公共服务事项清单: the item column headed 公共服务事项名称, no category column; the title names the kind."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["某县民政局公共服务事项清单"],
                ["序号", "公共服务事项名称", "服务对象", "实施主体", "办理时限"],
                [1, "婚姻登记档案查询", "自然人", "某县民政局", "即办"],
                [2, "殡葬服务信息咨询", "自然人", "某县民政局", "即办"],
            ]
        },
    )


def other_script_line_in_header_cells(path: Path) -> Path:
    """Header cells with a second line in traditional Mongolian script (Inner Mongolia's other official script)."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["某旗行政权力事项目录\nᠬᠣᠰᠢᠭᠤ"],
                [
                    "序号\nᠳᠤᠭᠠᠷ",
                    "事项名称\nᠨᠡᠷᠡ ᠶᠢᠨ ᠵᠦᠢᠯ",
                    "事项类型\nᠲᠥᠷᠥᠯ",
                    "实施主体\nᠪᠠᠢᠭᠤᠯᠤᠯᠭ\u180eᠠ",
                ],
                [1, "草原征占用初审", "行政许可", "某旗林业和草原局"],
                [2, "对非法开垦草原的处罚", "行政处罚", "某旗林业和草原局"],
            ]
        },
    )


def other_script_header_row(path: Path) -> Path:
    """A header row in Uyghur (Arabic script) right below the Chinese one."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项名称", "事项类型", "实施主体"],
                ["رەت سانى", "ئىشنىڭ ئىسمى", "تۈرى", "ئورگان"],
                [1, "草原征占用初审", "行政许可", "某县林业和草原局"],
                [2, "对非法开垦草原的处罚", "行政处罚", "某县林业和草原局"],
            ]
        },
    )


def duty_stage_group_header(path: Path) -> Path:
    """A 责任事项 group header merged over its stage leaves (受理阶段责任 | 审查阶段责任 | 决定阶段责任 | 送达阶段责任),
    the other header cells merged over both header rows, one of them a heading no field takes (运行流程图)."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "权力名称", "权力类型", "实施主体", "责任事项", None, None, None, "运行流程图"],
                [
                    None,
                    None,
                    None,
                    None,
                    "受理阶段责任",
                    "审查阶段责任",
                    "决定阶段责任",
                    "送达阶段责任",
                    None,
                ],
                [1, "取水许可", "行政许可", "某县水利局", "1.受理", "2.审查", "3.决定", "4.送达", "见图1"],
                [
                    2,
                    "对河道采砂的处罚",
                    "行政处罚",
                    "某县水利局",
                    "1.立案",
                    "2.调查",
                    "3.决定",
                    "4.送达",
                    "见图2",
                ],
            ]
        },
        merges={"Sheet1": ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:H1", "I1:I2"]},
    )


def cancelled_items_decision_column(path: Path) -> Path:
    """A 取消事项目录: every row's 处理决定 is 取消 (a list of powers cancelled, not of powers in force)."""
    header = ["序号", "事项名称", "事项类型", "实施主体", "取消依据", "处理决定"]
    return xlsx(
        path,
        {
            "Sheet1": [
                ["某县取消的行政权力事项目录"],
                header,
                [1, "印章刻制审批（县级）", "行政许可", "某县公安局", "国发〔2020〕1号", "取消"],
                [2, "台球室设立审批", "行政许可", "某县体育局", "国发〔2020〕1号", "取消"],
            ]
        },
    )


def adjustment_column_cancelled(path: Path) -> Path:
    """Last year's list kept for its 调整情况 column: 已取消 beside 保留 and 名称调整."""
    header = ["序号", "事项名称", "事项类型", "实施主体", "调整情况"]
    return xlsx(
        path,
        {
            "Sheet1": [
                header,
                [1, "印章刻制审批（县级）", "行政许可", "某县公安局", "已取消"],
                [2, "台球室设立审批", "行政许可", "某县体育局", "保留"],
                [3, "游泳场所开放许可", "行政许可", "某县体育局", "名称调整"],
            ]
        },
    )


def name_column_one_off(path: Path, names: Sequence[str], *, organ: str = "某县民政局") -> Path:
    """A name column that holds no item names (the organ, category words, letter codes): a column one off."""
    header = ["序号", "事项名称", "事项类型", "实施主体"]
    rows = [[i, name, "行政许可", organ] for i, name in enumerate(names, 1)]
    return xlsx(path, {"Sheet1": [header, *rows]})


def template_copied_to_department_sheets(path: Path, *, edited: bool = False) -> Path:
    """One department's sheet copied to three sheets named after three departments and never edited."""
    header = ["序号", "事项名称", "事项类型", "事项编码"]
    items = [
        ["婚姻登记", "行政确认", "C01"],
        ["收养登记", "行政确认", "C02"],
        ["殡葬设施审批", "行政许可", "C03"],
    ]
    sheets: dict[str, Sequence[Row]] = {}
    for n, organ in enumerate(("某县民政局", "某县教育局", "某县卫生健康局")):
        rows = [[i, *item] for i, item in enumerate(items, 1)]
        if edited and n:
            rows[0] = [1, f"第{n}项自有事项", "行政许可", f"D{n}"]
        sheets[organ] = [header, *rows]
    return xlsx(path, sheets)


def gaps_only(*gaps: GapRow, inputs: Sequence[InputFile] = ()) -> ReconcileResult:
    """A reconcile result holding only these gaps (and inputs): what the ledger records from a run."""
    counts = MatchCounts(
        powers=0,
        service_items=0,
        units=[],
        links_matched=0,
        links_review=0,
        power_units_matched=0,
        power_units_review=0,
        power_units_unmatched=0,
        orphan_service_items=0,
        ambiguous=0,
        decisions_applied=0,
        review_share=0.0,
    )
    summary = Summary(quanze_version="test", inputs=list(inputs), match=counts)
    return ReconcileResult(summary=summary, matches=[], gaps=list(gaps))

"""Fixture workbooks for the quirks of real published lists, one per quirk, built by code.

The names are made up in the style of real lists; no real file is copied.
"""

from __future__ import annotations

from pathlib import Path

from fixtures import csv_file, xls, xlsx

_KARAMAY_STYLE = [
    "序号",
    "事项名称",
    "子项名称",
    "权力类型",
    "行使主体",
    "承办机构",
    "实施层级及权限",
    None,
    "责任事项",
]


def merged_item_rows(path: Path) -> Path:
    """Every cell of an item merged over 2-3 rows for row height; 子项 rows under a merged 事项名称."""
    rows = [
        ["  某市气象局2024年权责清单", *[None] * 8],
        ["   ", *[None] * 8],
        _KARAMAY_STYLE,
        [1, "雷电防护装置检测资质认定", None, "行政许可", "某市气象局", "法规科", "市级", "负责本级", "受理"],
        [None] * 9,
        [None] * 9,
        [
            2,
            "升放气球活动许可",
            "升放气球单位资质认定",
            "行政许可",
            "某市气象局",
            "减灾科",
            "市级",
            "负责本级",
            "审查",
        ],
        [None] * 9,
        [None, None, "升放气球活动审批", "行政许可", "某市气象局", "减灾科", "市级", "负责本级", "审查"],
        [None] * 9,
        [3, "对违法施放气球的处罚", "无", "行政处罚", "某市气象局", "法规科", "县市区级", "负责辖区", "立案"],
        [None, None, None, None, None, None, None, None, "调查取证"],
    ]
    merges = [f"{c}4:{c}6" for c in "ABCDEFGHI"]
    merges += (
        [f"{c}7:{c}10" for c in "AB"] + [f"{c}7:{c}8" for c in "CDEFGHI"] + [f"{c}9:{c}10" for c in "CDEFGHI"]
    )
    merges += [f"{c}11:{c}12" for c in "ABCDEFGH"]
    merges += ["A1:I1", "A2:I2", "G3:H3"]
    return xlsx(path, {"权责清单": rows}, merges={"权责清单": merges})


def merged_item_rows_xls(path: Path) -> Path:
    """The same vertical merges in a legacy .xls (0-based r0, r1, c0, c1 merges)."""
    rows = [
        ["序号", "事项名称", "权力类型", "实施主体", "承办科室"],
        [1, "人工影响天气作业审批", "行政许可", "某县气象局", "业务股"],
        [None] * 5,
        [None] * 5,
        [2, "对气象设施的检查", "行政检查", "某县气象局", "业务股"],
        [None] * 5,
    ]
    merges = [(1, 3, c, c) for c in range(5)] + [(4, 5, c, c) for c in range(5)]
    return xls(path, rows, merges)


def organ_and_office(path: Path) -> Path:
    """The office column (责任科室) stands before the organ (实施机关); the organ is the department."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "责任科室", "权力名称", "实施机关", "行使层级"],
                [1, "水政监察大队", "对河道违法采砂的处罚", "某县水利局", "县级"],
                [2, "农村水利股", "取水许可审批", "某县水利局", "县级"],
            ]
        },
    )


def office_only_with_title(path: Path) -> Path:
    """No organ column: the title names the department; the office stays the office."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["附件：某县林业局2025年权责清单"],
                ["序号", "事项名称", "权力类型", "承办股室"],
                [1, "林木采伐许可证核发", "行政许可", "资源股"],
            ]
        },
    )


def level_sheets(path: Path) -> Path:
    """One sheet per level (市级 / 县级): the sheet's name is the level of its rows."""
    header = ["序号", "事项名称", "事项类型", "实施主体"]
    return xlsx(
        path,
        {
            "市级": [header, [1, "地方标准制定", "其他行政权力", "某市市场监管局"]],
            "县级": [header, [1, "个体工商户登记", "行政确认", "某县市场监管局"]],
        },
    )


def platform_export_xiangmu(path: Path) -> Path:
    """A wide platform export: the item column is headed 项目, codes carry letter category codes."""
    header = ["序  号", "所属行政区划", "隶属机构", "项目", "职权类型", "职权编码", "实施依据", "承办机构"]
    header += [f"字段{i}" for i in range(18)]
    return xlsx(
        path,
        {
            "Sheet1": [
                ["某市消防救援支队权责清单", *[None] * 25],
                header,
                [
                    1.0,
                    "某市",
                    "某省消防总队",
                    "公众聚集场所投入使用营业前消防安全检查",
                    "XK",
                    "6502XK016",
                    "法律",
                    "防火科",
                    *["x"] * 18,
                ],
                [
                    2.0,
                    "某市",
                    "某省消防总队",
                    "对消防设施未保持完好有效的处罚",
                    "CF",
                    "6502CF512",
                    "/",
                    "各大队",
                    *["y"] * 18,
                ],
            ]
        },
        merges={"Sheet1": ["A1:Z1"]},
    )


def field_name_over_fields(path: Path) -> Path:
    """A two-row header whose upper merged cell is itself a field name: 权力事项 over 事项编码 | 事项名称."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["某县民政局权力清单"],
                ["序号", "权力事项", None, "权力类别", "实施部门"],
                [None, "事项编码", "事项名称", None, None],
                [1, "001", "社会团体成立登记", "行政许可", "某县民政局"],
                [2, "002", "对社会团体的年度检查", "行政检查", "某县民政局"],
            ]
        },
        merges={"Sheet1": ["B2:C2"]},
    )


def placeholders(path: Path) -> Path:
    """Placeholder cells: 子项名称 无, 职权编码 /, 主项 未分类, 暂无, —."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项名称", "子项名称", "职权编码", "权力类型", "实施主体"],
                [1, "殡葬设施建设审批", "无", "/", "行政许可", "某县民政局"],
                [2, "对擅自兴建殡葬设施的处罚", "无", "—", "行政处罚", "某县民政局"],
                [3, "养老机构备案", "暂无", "暂无", "未分类", "某县民政局"],
            ]
        },
    )


def packed_sub_items(path: Path) -> Path:
    """One 子项 cell lists several sub-items, numbered 1. 2. 3. or （1）（2）, on one line or one a line."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项名称", "子项名称", "权力类型", "实施主体"],
                [
                    1,
                    "探矿权登记",
                    "1.探矿权新立登记 2.探矿权延续登记 3.探矿权注销登记",
                    "行政许可",
                    "某市自然资源局",
                ],
                [2, "土地登记", "（1）土地首次登记（2）土地变更登记", "行政确认", "某市自然资源局"],
                [3, "地质灾害危险性评估", "1.5级以上评估报告审查", "其他行政权力", "某市自然资源局"],
                # One entry per line (Alt+Enter), with no space or punctuation before the next number.
                [
                    4,
                    "建设用地审批",
                    "1.农用地转用审批\n2.土地征收审批\n3.供地审批",
                    "行政许可",
                    "某市自然资源局",
                ],
            ]
        },
    )


def repeated_header(path: Path) -> Path:
    """The header block pasted again in the middle of the sheet (a second department's block)."""
    header = ["序号", "事项名称", "事项类型", "实施主体"]
    return xlsx(
        path,
        {
            "Sheet1": [
                header,
                [1, "兽药经营许可证核发", "行政许可", "某县农业农村局"],
                header,
                [1, "渔业捕捞许可", "行政许可", "某县农业农村局"],
            ]
        },
    )


def category_sheets(path: Path) -> Path:
    """One sheet per category (行政许可（2项）) and no category column."""
    header = ["序号", "事项名称", "实施主体"]
    return xlsx(
        path,
        {
            "行政许可（2项）": [
                header,
                [1, "护林员证核发", "某县林业局"],
                [2, "林草种子生产经营许可", "某县林业局"],
            ],
            "行政处罚（ 1 项）": [header, [1, "对滥伐林木的处罚", "某县林业局"]],
        },
    )


def national_category_codes(path: Path) -> Path:
    """A catalogue export with numeric category codes (01 许可 … 20 公共服务) and level codes (2,3)."""
    return csv_file(
        path,
        [
            ["职权编码", "事项名称", "事项类型", "实施层级"],
            ["000101001000", "建设工程消防设计审查", "01", "2,3"],
            ["000102002000", "对无证施工的处罚", "02", "4"],
            ["000120003000", "公共法律服务咨询", "20", "3"],
        ],
    )


def service_headed_power_list(path: Path) -> Path:
    """A power list whose item column is headed 服务事项 and whose organ column is misspelt 行驶主体."""
    return csv_file(
        path,
        [
            ["平台编号", "服务事项", "权力类型", "行驶主体", "承办机构"],
            ["A1", "对擅自拆除消防设施的处罚", "行政处罚", "某市公安局", "消防支队"],
            ["A2", "药品零售企业经营许可", "行政许可", "某市市场监督管理局", "行政审批处"],
        ],
    )


def units_in_one_file(path: Path) -> Path:
    """Several units' lists in one file, told apart by a 行政区划 column: the same item once per unit."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "行政区划", "事项名称", "实施主体"],
                [1, "东城县", "取水许可审批", "东城县水利局"],
                [2, "西河县", "取水许可审批", "西河县水利局"],
                [3, "西河县", "取水许可审批", "西河县水利局"],
            ]
        },
    )


def item_restated_per_level(path: Path) -> Path:
    """A city's list for two levels: each item on a 市级 row and a 县级 row, same name and code, the organ 市…局 /
    县（市、区）…局 (one organ once its place is dropped); a third row repeats the 县级 row, a true duplicate."""
    return xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项名称", "事项类型", "实施主体", "行使层级", "事项编码"],
                [1, "港口危险货物作业许可", "行政许可", "某市交通运输局", "市级", "330219001000"],
                [2, "港口危险货物作业许可", "行政许可", "县（市、区）交通运输局", "县级", "330219001000"],
                [3, "港口危险货物作业许可", "行政许可", "县（市、区）交通运输局", "县级", "330219001000"],
            ]
        },
    )


def counted_sections_and_signatures(path: Path) -> Path:
    """Category only from section rows that end with a count (一、行政许可（共2项）, （二）行政处罚类), 序号 restarting
    in each; a total with its count in the next cell (合计 | 3项); signature lines typed below the table."""
    return xlsx(
        path,
        {
            "权责清单": [
                ["某县应急管理局权责清单", None, None, None],
                ["序号", "事项名称", "事项编码", "实施主体"],
                ["一、行政许可（共2项）", None, None, None],
                [1, "危险化学品经营许可", "330106001000", "某县应急管理局"],
                [2, "烟花爆竹经营（零售）许可", "330106002000", "某县应急管理局"],
                ["（二）行政处罚类", None, None, None],
                [1, "对未经许可经营危险化学品的处罚", "330206002000", "某县应急管理局"],
                ["合计", "3项", None, None],
                [None, None, None, None],
                ["审核人：王某某", None, None, "联系电话：0000-1234567"],
                [None, "填表人：李某某", None, "填报日期：2024年4月2日"],
                [None, "单位负责人（签字）：", None, "（单位盖章）"],
            ]
        },
    )


def example_table_on_notes_sheet(path: Path) -> Path:
    """A 填报说明 sheet with a 填表示例 table (序号 示例, names XX许可) before the list itself."""
    header = ["序号", "事项名称", "子项名称", "事项类型", "实施主体"]
    return xlsx(
        path,
        {
            "填报说明及示例": [
                ["填报说明", None, None, None, None],
                ["1.每个事项填写一行；有子项的，子项分行填写。", None, None, None, None],
                ["填表示例：", None, None, None, None],
                header,
                ["示例", "XX许可", "XX许可（新办）", "行政许可", "县XX局"],
                [1, "对××行为的处罚", "无", "行政处罚", "县××局"],
            ],
            "权责清单": [header, [1, "法律职业资格认定", "无", "行政确认", "某县司法局"]],
        },
    )

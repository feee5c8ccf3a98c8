"""Charts print in black and white: each series has its own explicit fill, hatch or dash, never the theme's."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from quanze.report.xlsx import Chart, Column, Sheet, write_workbook


def _chart_xml(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/charts/chart")]


def _series(xml: str) -> list[str]:
    return re.findall(r"<c:ser>.*?</c:ser>", xml, flags=re.S)


def test_stacked_bars_and_lines_are_told_apart_without_colour(tmp_path: Path) -> None:
    rows = [{"unit": f"{n}县", "a": n, "b": 10 - n, "c": 2} for n in range(1, 6)]
    columns = (Column("unit", "单位"), Column("a", "已承接"), Column("b", "不认领"), Column("c", "未列入"))
    path = tmp_path / "c.xlsx"
    write_workbook(
        path,
        [
            Sheet("条", columns, rows, charts=(Chart("进度", "unit", ("a", "b", "c"), stacked=True),)),
            Sheet("线", columns, rows, charts=(Chart("趋势", "unit", ("a", "b", "c"), kind="line"),)),
        ],
    )
    bars, lines = _chart_xml(path)
    fills = []
    for ser in _series(bars):
        fill = re.search(r"<c:spPr>(.*?)</c:spPr>", ser, flags=re.S)
        assert fill is not None  # an explicit fill, not the theme's colour
        fills.append(re.sub(r"<a:ln.*", "", fill.group(1), flags=re.S))
    assert len(fills) == 3 and len(set(fills)) == 3
    assert any("<a:pattFill" in f for f in fills)  # a hatch: apart from any grey
    dashes = re.findall(r'<a:prstDash val="(\w+)"/>', lines)
    markers = re.findall(r'<c:symbol val="(\w+)"/>', lines)
    assert len(set(dashes)) >= 2 and len(set(markers)) == 3

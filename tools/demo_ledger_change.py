"""The demo's changed input: 东城县 now accepts the first item its acceptance list had refused (不认领)."""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import load_workbook


def main(work: Path) -> None:
    path = work / "承接清单" / "东城县.xlsx"
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.strip() == "不认领":
                    name = ws.cell(row=cell.row, column=2).value
                    cell.value = "认领"
                    wb.save(path)
                    print(f"{path}: row {cell.row} ({name}) changed from 不认领 to 认领")
                    return
    raise SystemExit(f"{path}: no 不认领 cell to change")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

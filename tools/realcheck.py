"""How quanze reads the real published lists in ../shared/real: records read against items expected.

Run with `make realcheck`. The expected counts come from the README beside the files (its tables name
each file and its item count); nothing of those files is kept in the project. Prints one line per file and
a final line with the totals; it is a check to run, like `make quality`, not a test.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from pathlib import Path

from quanze.ingest import IngestOptions, read_file
from quanze.models import ListKind
from quanze.vocab import PLACEHOLDERS

# Beside the project by default; $REAL names another place (a git worktree sits elsewhere).
REAL = Path(os.environ.get("REAL") or Path(__file__).resolve().parents[2] / "shared" / "real")
_ROW = re.compile(r"^\|\s*([\w/.\-]+\.(?:xlsx|xls|csv))\s*\|[^|]*\|\s*(\d+)\s*\|")

# Header aliases a user would put in quanze.toml for the JSON-keyed catalogue export (its README says so).
_CATALOGUE_ALIASES = {
    "department": ("department",),
    "parent_power_name": ("main_item",),
    "name": ("name",),
    "unit": ("areaCode",),
    "code": ("itemCode",),
    "category": ("taskType",),
}


def expected_counts(readme: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if m:
            counts[m.group(1)] = int(m.group(2))
    return counts


def main() -> int:
    if not (REAL / "README.md").is_file():
        print(
            f"realcheck: no real lists at {REAL} (they live beside the project in shared/real); nothing "
            "checked. Set REAL=<folder> to name them",
            file=sys.stderr,
        )
        return 2
    expected = expected_counts(REAL / "README.md")
    totals: Counter[str] = Counter()
    exact = 0
    for name, want in sorted(expected.items()):
        path = REAL / name
        options = (
            IngestOptions(header_aliases=_CATALOGUE_ALIASES) if "service_items" in name else IngestOptions()
        )
        try:
            report = read_file(path, options)
        except Exception as exc:  # a check script reports every failure and goes on
            print(f"{name:45} FAILED {type(exc).__name__}: {exc}")
            totals["failed"] += 1
            continue
        items = report.powers if report.kind is ListKind.POWERS else report.services
        got = len(items)
        dept = sum(1 for i in items if i.department)
        office = sum(1 for i in items if getattr(i, "handling_office", None))
        level = sum(1 for i in items if i.level)
        has_level_col = any(c.field == "level" for s in report.sheets for c in s.columns) or any(
            i.level for i in items
        )
        placeholders = sum(
            1
            for i in items
            for v in (getattr(i, "sub_item", None), i.code, getattr(i, "parent_power_name", None), i.name)
            if v is not None and v.strip() in PLACEHOLDERS
        )
        codes = Counter(i.code.value for i in report.issues)
        ok = got == want
        exact += ok
        totals.update(
            read=got, expected=want, dept=dept, office=office, level=level, placeholders=placeholders
        )
        totals["level_expected"] += got if has_level_col else 0
        issues = ", ".join(f"{c} {n}" for c, n in codes.most_common())
        print(
            f"{name:45} {'ok ' if ok else 'OFF'} {got:5}/{want:<5} dept {dept:4} office {office:4} "
            f"level {level:4} placeholders-as-values {placeholders}  [{issues}]"
        )
    files = len(expected)
    read, want = totals["read"], totals["expected"]
    print(
        f"realcheck: {exact}/{files} files exact, {read}/{want} records, "
        f"department {totals['dept']}/{read}, office {totals['office']}/{read}, "
        f"level {totals['level']}/{totals['level_expected']}, placeholders as values {totals['placeholders']}"
        + (f", {totals['failed']} failed" if totals["failed"] else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

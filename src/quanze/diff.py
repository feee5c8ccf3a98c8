"""Differences between two versions (or two levels) of a power list, item by item."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from quanze.errors import ExitCode, exit_code_for
from quanze.match import MatchOptions, Status, match_lists
from quanze.models import PowerItem, RowIssue
from quanze.normalize import code_key, department_key, name_key
from quanze.vocab import acceptance_of


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    RENAMED = "renamed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


DIFF_COLUMNS = (
    "change",
    "code",
    "old_name",
    "new_name",
    "fields",
    "detail",
    "old_code",
    "new_code",
    "score",
    "old_source",
    "new_source",
)

_BODY = re.compile(r"\(([^()]*(?:局|委|委员会|办|办公室|中心|所|站|队|厅))\)$")


def department_and_body(name: str | None) -> tuple[str | None, str | None]:
    """A department with the implementing body it names in brackets: 市住建局（市行政审批局） is
    (住房和城乡建设局, 行政审批局). A department that gains or loses such a body has changed."""
    if not name:
        return None, None
    m = _BODY.search(name_key(name))
    return department_key(name), department_key(m.group(1)) if m else None


# Fields compared between paired items, with their Chinese labels, and how each is compared.
COMPARED: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "code": ("编码", code_key),
    "category": ("类型", lambda v: v),
    "department": ("实施部门", department_and_body),
    "basis": ("设定依据", lambda v: name_key(v) if v else None),
    "level": ("行使层级", lambda v: name_key(v) if v else None),
    "devolution_mode": ("下放方式", lambda v: v),
    "receiving_unit": ("承接单位", lambda v: name_key(v) if v else None),
    "supervision_department": ("监管部门", lambda v: department_key(v) if v else None),
    "supervision_method": ("监管方式", lambda v: name_key(v) if v else None),
    # A unit's answer, as it reads (认领 and 同意承接 are one answer); a word that is neither, as written.
    "acceptance": ("认领情况", lambda v: _acceptance_key(v)),
}


def _acceptance_key(value: str | None) -> object:
    reading = acceptance_of(value)
    return reading if reading is not None else name_key(value or "")


if TYPE_CHECKING:
    import pandas


class DiffRow(BaseModel):
    change: Change
    code: str | None
    old_name: str | None
    new_name: str | None
    fields: list[str]
    detail: str
    old_code: str | None = None
    new_code: str | None = None
    score: float | None = None
    old_source: str | None = None
    new_source: str | None = None


class DiffResult(BaseModel):
    rows: list[DiffRow]
    counts: dict[str, int]
    issues: list[RowIssue] = Field(default_factory=list, description="the row issues of both files")

    @property
    def exit_code(self) -> ExitCode:
        """As `validate` would exit on the two files: a list with invalid rows does not diff clean."""
        return exit_code_for(self.issues)

    def to_pandas(self) -> dict[str, pandas.DataFrame]:
        """The comparison's rows and the input issues as pandas DataFrames."""
        from quanze.frames import frames

        return frames({"rows": self.rows, "issues": self.issues})


def _src(item: PowerItem) -> str:
    return f"{item.source.file} › {item.source.sheet} › {item.source.row}"


def _show(value: object) -> str:
    return "（空）" if value in (None, "") else str(value)


def diff_lists(
    old: Sequence[PowerItem], new: Sequence[PowerItem], *, options: MatchOptions | None = None
) -> DiffResult:
    """Pair the items of two lists (code, then normalised name, via the matcher) and classify each change."""
    pairing = match_lists(old, new, options=options)
    # A field counts only where both lists have it: a column one office leaves out is not a change.
    compared = [f for f in COMPARED if any(getattr(i, f) for i in old) and any(getattr(i, f) for i in new)]
    rows: list[DiffRow] = []
    for p in pairing.pairs:
        a, b = old[p.left], new[p.right]
        fields, details = [], []
        renamed = name_key(a.title) != name_key(b.title)
        if renamed:
            details.append(f"名称：{a.title} → {b.title}")
        for fld in compared:
            label, key = COMPARED[fld]
            va, vb = getattr(a, fld), getattr(b, fld)
            if key(va) != key(vb) and not (va is None and vb is None):
                fields.append(fld)
                details.append(f"{label}：{_show(va)} → {_show(vb)}")
        if p.status is Status.REVIEW:
            details.append(f"配对把握不大（得分{p.score:.0f}，{p.reason}），请人工核对")
        change = Change.RENAMED if renamed else (Change.CHANGED if fields else Change.UNCHANGED)
        rows.append(
            DiffRow(
                change=change,
                code=b.code or a.code,
                old_name=a.title,
                new_name=b.title,
                fields=(["name"] if renamed else []) + fields,
                detail="；".join(details),
                old_code=a.code,
                new_code=b.code,
                score=p.score,
                old_source=_src(a),
                new_source=_src(b),
            )
        )
    for i in pairing.left_only:
        a = old[i]
        rows.append(
            DiffRow(
                change=Change.REMOVED,
                code=a.code,
                old_name=a.title,
                new_name=None,
                fields=[],
                detail="新版本中没有该事项",
                old_code=a.code,
                old_source=_src(a),
            )
        )
    for i in pairing.right_only:
        b = new[i]
        rows.append(
            DiffRow(
                change=Change.ADDED,
                code=b.code,
                old_name=None,
                new_name=b.title,
                fields=[],
                detail="新增事项",
                new_code=b.code,
                new_source=_src(b),
            )
        )
    order = list(Change)
    rows.sort(key=lambda r: (order.index(r.change), r.new_source or r.old_source or ""))
    counts = Counter(r.change.value for r in rows)
    return DiffResult(rows=rows, counts={c.value: counts.get(c.value, 0) for c in Change})

"""Handover checklists (交接清单) per receiving unit, and progress ledgers (台账) read back from them."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from quanze.addressing import DEFAULT
from quanze.analysis import Analysis
from quanze.errors import ExitCode, UsageError, exit_code_for
from quanze.gaps import AcceptanceCheck, expected_at, is_refused
from quanze.ingest.readback import row_issue
from quanze.match import MatchResult, Status
from quanze.match.evidence import DEFAULT_SERVICE_CATEGORIES, effective_category, expects_service_item
from quanze.models import Category, IssueCode, PowerItem, RowIssue, ServiceItem
from quanze.normalize import department_key
from quanze.sheets import CHECKLIST, DONE, NOT_DONE
from quanze.vocab import DEPARTMENT_ALIASES

DEFAULT_MATERIALS = "法律法规依据、办事指南、申请表单及示范文本、审查要点、在办件及历史档案"
STATUS_CHOICES = CHECKLIST.column("status").choices
ACCEPTED, REFUSED, UNLISTED, NO_LIST = "已认领", "不认领", "未列入承接清单", "—"
TO_ADD = "平台暂无，需新增"  # an item that should have a service item and has none matched


def service_note(item: PowerItem, expected: Sequence[Category]) -> str:
    """Why an item has no service item to enter: one is missing on the platform, or its kind has none."""
    if expects_service_item(item.category, item.title, expected):
        return TO_ADD
    kind = effective_category(item.category, item.title)
    return f"无需录入（{kind.value if kind is not None else '非服务类事项'}）"


class HandoverRow(BaseModel):
    """One devolved item to hand over to one unit."""

    unit: str
    no: int
    list_no: str | None = Field(default=None, description="the item's 序号 in the devolution list")
    handing_department: str | None
    receiving_department: str | None
    item_code: str | None
    item_name: str
    mode: str | None
    acceptance: str
    service_items: list[str] = Field(default_factory=list)
    service_note: str | None = Field(
        default=None, description="why 应录入的服务事项 is empty: none on the platform yet, or none expected"
    )
    materials: str = DEFAULT_MATERIALS
    status: str = NOT_DONE
    date: str | None = None
    deadline: dt.date | None = None
    note: str | None = None

    @property
    def to_sign(self) -> bool:
        """Whether the item belongs on the pages both sides sign (refused and unlisted ones do not)."""
        return self.acceptance in (ACCEPTED, NO_LIST)


class LedgerRow(BaseModel):
    """Handover progress of one unit (and optionally one handing department)."""

    unit: str
    department: str | None = None
    items: int
    done: int
    pending: int
    overdue: int = 0
    rate: float


class Ledger(BaseModel):
    by_unit: list[LedgerRow]
    by_department: list[LedgerRow]
    issues: list[RowIssue] = Field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        return exit_code_for(self.issues)


_GENERIC_TAILS = ("系统", "部门", "主管部门")
_TOWNSHIP_GOVERNMENT = re.compile(r"(?:乡|镇|街道|苏木)(?:人民政府|政府|办事处)$")
_KNOWN_DEPARTMENTS = frozenset(DEPARTMENT_ALIASES.values())
UNNAMED_HANDING, UNNAMED_RECEIVING = "（未注明移交部门）", "（由承接单位填写）"


def is_township_government(name: str | None) -> bool:
    """Whether a name is a township or street government (上司乡人民政府), not a department of a county."""
    return bool(name) and _TOWNSHIP_GOVERNMENT.search(name or "") is not None


def _key(name: str) -> str:
    """The department key of a handover name; a sector (卫生健康系统) is its bureau (卫生健康局).

    Kept here rather than in `department_key`: matching power lists treats 系统 names as it always has.
    """
    if name.endswith("系统") and len(name) > 4:
        as_bureau = department_key(name[:-2] + "局")
        if as_bureau in _KNOWN_DEPARTMENTS:
            return as_bureau
    return department_key(name) or name


def department_label(name: str) -> str:
    """A department as every report names it: 卫生健康系统 and 卫健局 are 卫生健康局, as in the checklists;
    a department the project does not know keeps its spelling."""
    key = _key(name)
    return key if key in _KNOWN_DEPARTMENTS and not is_township_government(key) else name


def _is_generic(name: str) -> bool:
    """A sector (卫生健康系统) or a vague 部门 is not a department's name."""
    return name.endswith(_GENERIC_TAILS)


def canonical_departments(unit: str, names: Sequence[str | None]) -> dict[str, str]:
    """One canonical name per receiving department of a unit: 县市场监管局 and 东城县市场监督管理局 become one.

    Spellings with the same department key are one department. A department the project knows is named
    the unit plus its canonical name (东城县卫生健康系统 and 县卫健委 become 东城县卫生健康局); another keeps the
    unit's own spelling, the unit's name put in front of a bare 县/区/市 (县民族宗教委 → 东城县…). A township
    government (县上司乡人民政府) keeps its own name, spelled with its county: never a county department's.
    """
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for name in names:
        if name:
            groups[_key(name)][name] += 1
    out: dict[str, str] = {}
    for key, spellings in groups.items():
        if key in _KNOWN_DEPARTMENTS and not is_township_government(key):
            best = f"{unit}{key}"
        else:
            own = [n for n in spellings if n.startswith(unit) and not _is_generic(n)]
            best = max(own, key=lambda n: (spellings[n], len(n), n)) if own else f"{unit}{key}"
        for name in spellings:
            out[name] = best
    return out


def canonical_handing(names: Sequence[str | None]) -> dict[str, str]:
    """One spelling per handing department: 安平市卫健局 and 安平市卫生健康系统 are one department.

    Spellings with the same department key are one; the name shown is the spelling that ends in the
    canonical name (安平市生态环境局 over 安平市环保部门), else the most frequent one that is not a sector.
    """
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for name in names:
        if name:
            groups[name if is_township_government(name) else _key(name)][name] += 1
    out: dict[str, str] = {}
    for key, spellings in groups.items():
        best = max(
            spellings,
            key=lambda n: (n.endswith(key), not _is_generic(n), spellings[n], len(n), n),
        )
        for name in spellings:
            out[name] = best
    return out


def handing_name(upper: str | None, name: str) -> str:
    """A handing department's full name on the seal line, as the receiving side is expanded: 安平市人社局 and
    卫健局 of 安平市 become 安平市人力资源和社会保障局 and 安平市卫生健康局.

    Only an abbreviation of a department the project knows is expanded (the name is shorter than the known
    one), with the unit the devolution list was given for (`upper`); a name already written in full
    (安平市自然资源和规划局, 安平市综合执法局) keeps its words, the unit put in front where it lacks it. A
    township government, or a name with no unit known, is printed as written: never an organ made up.
    """
    if not upper or is_township_government(name):
        return name
    own = name[len(upper) :] if name.startswith(upper) else name
    if len(own) > 2 and own[0] in "市县区" and not own.startswith(("市场", "县域", "区域")):
        own = own[1:]  # 市卫健局: the bare 市 stands for the unit
    key = _key(name)
    if key in _KNOWN_DEPARTMENTS and len(own) < len(key):
        return f"{upper}{key}"
    return f"{upper}{own}"


def sections(rows: Sequence[HandoverRow]) -> list[tuple[str, str, list[HandoverRow]]]:
    """The items to sign grouped by handing and receiving department, in the order of first appearance."""
    groups: dict[tuple[str, str], list[HandoverRow]] = {}
    for r in rows:
        if r.to_sign:
            key = (r.handing_department or UNNAMED_HANDING, r.receiving_department or UNNAMED_RECEIVING)
            groups.setdefault(key, []).append(r)
    return [(h, rc, items) for (h, rc), items in groups.items()]


def receiving_department(unit: str, handing: str | None, taken: PowerItem | None) -> str | None:
    """The receiving department: the unit's list's, else the unit's counterpart of the handing one."""
    if taken is not None and taken.department:
        if is_township_government(taken.department) and not taken.department.startswith(unit):
            # A township government named without the unit (上司乡人民政府, often copied from the handing
            # side) is no organ of this unit that quanze can name: the unit writes it in.
            return None
        return taken.department
    if not handing or is_township_government(handing):
        # A township government of the upper level has no counterpart among the unit's departments.
        return None
    return f"{unit}{_key(handing)}"


def checklists_of(
    analysis: Analysis,
    *,
    deadline: dt.date | None = None,
    expected: Sequence[Category] = DEFAULT_SERVICE_CATEGORIES,
) -> dict[str, list[HandoverRow]]:
    """The checklists of a run: one per receiving unit, which needs a devolution list and a unit to write for."""
    devolved, units = analysis.loaded.devolved, analysis.units
    if not devolved:
        raise UsageError("handover needs a devolution list", hint='add a list with role = "devolution"')
    if not units:
        raise UsageError(
            "no receiving units: give acceptance lists or a catalogue with 行政区划",
            hint='add [[inputs.lists]] with role = "acceptance" and a unit',
        )
    loaded = analysis.loaded
    # The unit each list was given for (安平市): the handing departments' full names start with it.
    # By file: every row of one list shares it (a dict by row held one entry per row of every list).
    handing_units = {items[0].source.file: li.unit for li, items in loaded.lists if li.unit and items}
    return checklists(
        devolved,
        loaded.services,
        analysis.result,
        analysis.acceptance,
        units,
        deadline=deadline,
        handing_units=handing_units,
        expected=expected,
    )


def checklists(
    devolved: Sequence[PowerItem],
    services: Sequence[ServiceItem],
    result: MatchResult,
    acceptance: AcceptanceCheck | None,
    units: Sequence[str],
    *,
    deadline: dt.date | None = None,
    handing_units: Mapping[str, str] | None = None,
    expected: Sequence[Category] = DEFAULT_SERVICE_CATEGORIES,
) -> dict[str, list[HandoverRow]]:
    """For each unit, the devolved items it should receive, with the service items to enter for each.

    Receiving departments are spelled one way per unit; `deadline` fills the optional 交接期限. A handing
    department is named in full with the unit of the list it came from (`handing_units`, by file). An
    item with no service item to enter says why: missing on the platform, or of a kind (`expected` are
    the kinds that have one) that needs none.
    """
    handing_units = handing_units or {}
    entered: dict[tuple[int, str], list[str]] = defaultdict(list)
    for lk in result.links:
        if lk.status is Status.MATCHED:
            s = services[lk.service]
            entered[(lk.power, s.unit or "")].append(s.name)
    out: dict[str, list[HandoverRow]] = {}
    for unit in units:
        accepted_items: dict[int, PowerItem] = {}
        if acceptance is not None and unit in acceptance.pairings:
            expected_idx, pairing = acceptance.pairings[unit]
            for pair in pairing.pairs:
                accepted_items[expected_idx[pair.left]] = acceptance.lists[unit][pair.right]
        rows = []
        uppers: list[str | None] = []
        addressing = acceptance.addressing if acceptance is not None else DEFAULT
        for n, pi in enumerate(expected_at(devolved, unit, addressing), start=1):
            p = devolved[pi]
            taken = accepted_items.get(pi)
            if acceptance is None or unit not in acceptance.pairings:
                state = NO_LIST
            elif taken is None:
                state = UNLISTED
            else:
                state = REFUSED if is_refused(taken) else ACCEPTED
            receiving = receiving_department(unit, p.department, taken)
            uppers.append(p.unit or handing_units.get(p.source.file))
            rows.append(
                HandoverRow(
                    unit=unit,
                    no=n,
                    list_no=p.seq,
                    handing_department=p.department,
                    receiving_department=receiving,
                    item_code=p.code,
                    item_name=p.title,
                    mode=p.devolution_mode,
                    acceptance=state,
                    service_items=sorted(set(entered.get((pi, unit), []))),
                    service_note=None if entered.get((pi, unit)) else service_note(p, expected),
                    deadline=deadline,
                )
            )
        spelling = canonical_departments(unit, [r.receiving_department for r in rows])
        handing = canonical_handing([r.handing_department for r in rows])
        for r, upper in zip(rows, uppers, strict=True):
            if r.receiving_department:
                r.receiving_department = spelling[r.receiving_department]
            if r.handing_department:
                r.handing_department = handing_name(upper, handing[r.handing_department])
        out[unit] = _numbered(rows)
    return out


def _numbered(rows: Sequence[HandoverRow]) -> list[HandoverRow]:
    """The items to sign in section order numbered 1..N, then the others numbered 1..M of their own.

    序号 then runs without holes up to the total the checklist states; `list_no` keeps the list's number.
    """
    to_sign = [r for _, _, items in sections(rows) for r in items]
    others = [r for r in rows if not r.to_sign]
    for n, r in enumerate(to_sign, start=1):
        r.no = n
    for n, r in enumerate(others, start=1):
        r.no = n
    return [*to_sign, *others]


def _parse_date(text: str | None) -> dt.date | None:
    """A date cell as read back (ISO text from a date cell, or 2026-12-31 / 2026/12/31 / 2026年12月31日)."""
    if not text:
        return None
    cleaned = text.strip().split("T")[0].split(" ")[0]
    for sep in ("/", "."):
        cleaned = cleaned.replace(sep, "-")
    cleaned = cleaned.replace("年", "-").replace("月", "-").rstrip("日")
    parts = cleaned.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


def _date_issue(row: Mapping[str, str | None], column: str) -> RowIssue:
    return row_issue(
        row, IssueCode.BAD_DATE, column, "write a date such as 2026-12-31", value=row.get(column)
    )


def ledger(rows: Sequence[Mapping[str, str | None]], *, as_of: dt.date | None = None) -> Ledger:
    """Progress per unit and per handing department from filled-in checklist rows.

    An item is overdue when it is not handed over and its 交接期限 is before `as_of` (default today).
    """
    today = as_of or dt.date.today()
    issues: list[RowIssue] = []
    units: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    depts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        try:
            _parse_date(CHECKLIST.get(row, "date"))
        except ValueError:
            issues.append(_date_issue(row, CHECKLIST.heading("date")))
        try:
            deadline = _parse_date(CHECKLIST.get(row, "deadline"))
        except ValueError:
            issues.append(_date_issue(row, CHECKLIST.heading("deadline")))
            deadline = None
        unit = CHECKLIST.get(row, "unit") or row.get("_sheet") or ""
        status = (CHECKLIST.get(row, "status") or NOT_DONE).strip()
        if status not in STATUS_CHOICES:
            # The item stays on the list the unit signed: counted as not handed over until the cell is fixed.
            issues.append(
                row_issue(
                    row,
                    IssueCode.BAD_HANDOVER_STATUS,
                    CHECKLIST.heading("status"),
                    f"write {DONE} or {NOT_DONE} (choose from the dropdown); counted as {NOT_DONE} meanwhile",
                    value=status,
                )
            )
        done = status == DONE
        overdue = not done and deadline is not None and deadline < today
        dept = CHECKLIST.get(row, "handing_department") or "（未注明）"
        for counter in (units[unit], depts[(unit, dept)]):
            counter[0] += 1
            counter[1] += done
            counter[2] += overdue

    def make(unit: str, dept: str | None, counts: list[int]) -> LedgerRow:
        items, done, overdue = counts
        return LedgerRow(
            unit=unit,
            department=dept,
            items=items,
            done=done,
            pending=items - done,
            overdue=overdue,
            rate=round(done / items, 4) if items else 0.0,
        )

    return Ledger(
        by_unit=[make(u, None, c) for u, c in sorted(units.items())],
        by_department=[make(u, dept, c) for (u, dept), c in sorted(depts.items())],
        issues=issues,
    )

"""Pydantic records for power lists, service items, row issues and how a file was understood."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Category(StrEnum):
    """Kinds of power (权力类型); values are the standard Chinese names."""

    LICENSING = "行政许可"
    PENALTY = "行政处罚"
    COERCION = "行政强制"
    LEVY = "行政征收"
    PAYMENT = "行政给付"
    INSPECTION = "行政检查"
    CONFIRMATION = "行政确认"
    REWARD = "行政奖励"
    ADJUDICATION = "行政裁决"
    OTHER = "其他行政权力"
    PUBLIC_SERVICE = "公共服务"
    FILING = "行政备案"
    REVIEW_FORWARD = "审核转报"
    MEDIATION = "行政调解"
    NON_LICENSING = "非行政许可审批"


class CategoryNumbering(StrEnum):
    """How a category cell that is a number is read: the national catalogue's numbering, or not at all."""

    NATIONAL = "national"
    NONE = "none"


class Level(StrEnum):
    """Administrative level of a list."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    CLUSTER = "cluster"


class ListKind(StrEnum):
    """What a file holds: a power list (权责清单) or a service catalogue (政务服务事项)."""

    AUTO = "auto"
    POWERS = "powers"
    SERVICES = "services"


class Severity(StrEnum):
    ERROR = "error"  # the row did not become a record
    WARNING = "warning"  # the row became a record, but a value is doubtful
    INFO = "info"  # a structural row that holds no item (section, footnote)


class IssueCode(StrEnum):
    """Stable issue codes; reports, ignore lists and tests key on these, never on messages."""

    MISSING_REQUIRED = "missing-required"
    UNKNOWN_CATEGORY = "unknown-category"
    UNKNOWN_DEVOLUTION_MODE = "unknown-devolution-mode"
    UNUSED_HEADER_ALIAS = "unused-header-alias"
    DUPLICATE_CODE = "duplicate-code"
    DUPLICATE_ITEM = "duplicate-item"
    DITTO_WITHOUT_SOURCE = "ditto-without-source"
    BAD_NUMBER = "bad-number"
    CODE_PRECISION_LOST = "code-precision-lost"
    ORPHAN_SUB_ITEM = "orphan-sub-item"
    SECTION_ROW = "section-row"
    FOOTNOTE_ROW = "footnote-row"
    NO_HEADER = "no-header"
    EMPTY_SHEET = "empty-sheet"
    TEXT_TOO_LONG = "text-too-long"
    CONTROL_CHARACTERS = "control-characters"
    FORMULA_WITHOUT_VALUE = "formula-without-value"
    AMBIGUOUS_MATCH = "ambiguous-match"
    UNREADABLE_FILE = "unreadable-file"
    OFFICE_LOCK_FILE = "office-lock-file"
    DUPLICATE_INPUT = "duplicate-input"
    BAD_DECISION = "bad-decision"
    PLACEHOLDER_VALUE = "placeholder-value"
    REPEATED_HEADER = "repeated-header"
    PACKED_SUB_ITEMS = "packed-sub-items"
    MERGED_VALUE_DROPPED = "merged-value-dropped"
    MIXED_ENCODING = "mixed-encoding"
    GUESSED_ENCODING = "guessed-encoding"
    UNBALANCED_QUOTE = "unbalanced-quote"
    TOTAL_ROW = "total-row"
    BLANK_MARKER_ROW = "blank-marker-row"
    SIGNATURE_ROW = "signature-row"
    EXAMPLE_ROW = "example-row"
    ERROR_VALUE = "error-value"
    JUNK_NAME = "junk-name"
    HIDDEN_SHEET = "hidden-sheet"
    HIDDEN_ROWS = "hidden-rows"
    DATE_AS_SEQ = "date-as-seq"
    BAD_STATUS = "bad-status"
    BAD_DATE = "bad-date"
    MISSING_REASON = "missing-reason"
    UNKNOWN_GAP = "unknown-gap"
    NO_CATALOGUE = "no-catalogue"
    UNIT_UNMATCHED = "unit-unmatched"
    OTHER_UNIT = "other-unit"
    UNIT_OUTSIDE_RUN = "unit-outside-run"
    SUPERSEDED_EDIT = "superseded-edit"
    CONFLICTING_DECISIONS = "conflicting-decisions"
    UNIT_ALIAS = "unit-alias"
    STALE_DECISION = "stale-decision"
    NO_RECORDS = "no-records"
    UNPARSED_RECEIVING_UNIT = "unparsed-receiving-unit"
    UNKNOWN_RECEIVING_UNIT = "unknown-receiving-unit"
    UNKNOWN_ITEM = "unknown-item"
    UNKNOWN_ACCEPTANCE = "unknown-acceptance"
    INACTIVE_ITEM = "inactive-item"
    SITUATION_ROW = "situation-row"
    CONTINUATION_ROW = "continuation-row"
    RESTATED_SHEET = "restated-sheet"
    BLANK_ORGAN_COLUMN = "blank-organ-column"
    BLANK_ACCEPTANCE_COLUMN = "blank-acceptance-column"
    BLANK_ACCEPTANCE_CELLS = "blank-acceptance-cells"
    ONE_NAME_THROUGHOUT = "one-name-throughout"
    FEW_NAMES_REPEATED = "few-names-repeated"
    STATED_COUNT_DIFFERS = "stated-count-differs"
    NO_COMMON_ITEMS = "no-common-items"
    SIDE_BY_SIDE_TABLES = "side-by-side-tables"
    MISSING_ACCEPTANCE_LIST = "missing-acceptance-list"
    NO_ACCEPTANCE_COLUMN = "no-acceptance-column"
    DEVOLUTION_LIST_AS_ACCEPTANCE = "devolution-list-as-acceptance"
    CONFLICTING_ACCEPTANCE = "conflicting-acceptance"
    NEAR_NAME_PAIRING = "near-name-pairing"
    NAMES_NOT_ITEMS = "names-not-items"
    COPIED_SHEETS = "copied-sheets"
    BAD_HANDOVER_STATUS = "bad-handover-status"
    ACCEPTANCE_CODE_DIFFERS = "acceptance-code-differs"


class HiddenMode(StrEnum):
    """What to do with hidden sheets and rows. Hidden sheets mostly hold lookup tables or last year's list;
    hidden rows are mostly rows of the list folded or filtered away (a level restated, a group collapsed)."""

    SKIP_SHEETS = "skip-sheets"  # skip hidden sheets, read hidden rows (the default)
    SKIP = "skip"  # skip both, as the list shows when printed
    READ = "read"  # read both


class RowIssue(BaseModel):
    """One problem found in an input, located by file, sheet, row and column."""

    model_config = ConfigDict(frozen=True)

    code: IssueCode
    severity: Severity
    file: str
    sheet: str | None = None
    row: int | None = Field(default=None, description="1-based row number as Excel shows it")
    column: str | None = Field(default=None, description="column letter and header, e.g. 'C 事项类型'")
    value: str | None = None
    message: str

    @classmethod
    def warning_at(
        cls,
        code: IssueCode,
        source: Provenance,
        message: str,
        *,
        column: str | None = None,
        value: str | None = None,
    ) -> RowIssue:
        """A warning at the file, sheet and row a record came from."""
        return cls(
            code=code,
            severity=Severity.WARNING,
            file=source.file,
            sheet=source.sheet,
            row=source.row,
            column=column,
            value=value,
            message=message,
        )

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(self.column)
        return " › ".join(parts)


class Provenance(BaseModel):
    """Where a record came from."""

    model_config = ConfigDict(frozen=True)

    file: str
    sheet: str
    row: int


class PowerItem(BaseModel):
    """One row of a power list (权责清单): a main item (主项), a sub-item (子项) or a single item."""

    name: str
    sub_item: str | None = None
    role: Literal["single", "main", "sub"] = "single"
    seq: str | None = None
    code: str | None = None
    category: Category | None = None
    category_raw: str | None = None
    department: str | None = Field(default=None, description="the organ that holds the power (行使主体)")
    handling_office: str | None = Field(default=None, description="the office inside it (承办机构)")
    level: str | None = None
    level_scope: str | None = Field(default=None, description="what the level covers (权限), when given")
    basis: str | None = None
    duty: str | None = None
    accountability: str | None = None
    remarks: str | None = None
    devolution_mode: str | None = None
    receiving_unit: str | None = None
    acceptance: str | None = None
    supervision_department: str | None = None
    supervision_method: str | None = None
    volume: int | None = None
    unit: str | None = None
    duty_type: str | None = None
    owner_department: str | None = None
    source: Provenance

    @property
    def title(self) -> str:
        """The name a person reads: the sub-item where there is one, else the item."""
        return self.sub_item or self.name


class ServiceItem(BaseModel):
    """One item of the e-government service catalogue (政务服务事项), usually a handling item."""

    name: str
    code: str | None = None
    parent_power_name: str | None = None
    parent_power_code: str | None = None
    handling_type: str | None = None
    category: Category | None = None
    category_raw: str | None = None
    department: str | None = None
    handling_office: str | None = None
    unit: str | None = None
    level: str | None = None
    volume: int | None = None
    supervision_department: str | None = None
    supervision_method: str | None = None
    remarks: str | None = None
    source: Provenance

    @property
    def title(self) -> str:
        return self.name


class ColumnMap(BaseModel):
    """How one column of a sheet was understood."""

    column: str
    header: str
    field: str | None


class ColumnBlock(BaseModel):
    """A pasted block's own header inside a sheet, with its columns in another order: the rows below it are
    read by this mapping."""

    row: int
    columns: list[ColumnMap]


class SheetLayout(BaseModel):
    """How quanze understood one sheet: header rows, column mapping, rows read and skipped."""

    sheet: str
    header_rows: list[int] = Field(default_factory=list)
    title_rows: list[int] = Field(default_factory=list)
    data_start: int | None = None
    columns: list[ColumnMap] = Field(default_factory=list)
    records: int = 0
    skipped_blank: int = 0
    skipped_structural: int = 0
    merged_continuation: int = Field(
        default=0, description="rows whose cells all continue merges from above: part of the record above"
    )
    level: str | None = Field(default=None, description="the level the sheet's name gives its rows")
    rejected: int = 0
    rows_total: int = 0
    hidden: bool = False
    hidden_rows: list[int] = Field(default_factory=list)
    """Hidden rows below the header; read, or skipped (and counted as structural) under --hidden skip."""
    column_blocks: list[ColumnBlock] = Field(default_factory=list)
    """Pasted blocks whose own header maps the columns anew for the rows below it."""


class FileReport(BaseModel):
    """The result of reading one file: its records, its issues and its layout."""

    file: str
    kind: ListKind
    encoding: str | None = None
    sheets: list[SheetLayout] = Field(default_factory=list)
    powers: list[PowerItem] = Field(default_factory=list)
    services: list[ServiceItem] = Field(default_factory=list)
    issues: list[RowIssue] = Field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(s.records for s in self.sheets)


class PowerList(BaseModel):
    """A power list as a whole: its level, the unit that holds it and its version."""

    level: Level | None = None
    unit: str | None = None
    version: str | None = None
    items: list[PowerItem] = Field(default_factory=list)


class ServiceCatalogue(BaseModel):
    """A service catalogue export from the e-government platform."""

    unit: str | None = None
    version: str | None = None
    items: list[ServiceItem] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------------- vocabulary
# The words every stage shares, defined once with their Chinese labels: how a link was found and where it
# stands, an analyst's decision on it, where a gap stands, and how an item stands at a level of a cascade.


class Method(StrEnum):
    """How a link was found."""

    DECISION = "decision"
    CODE = "code"
    EXACT = "exact"
    FUZZY = "fuzzy"


METHOD_ZH = {
    Method.DECISION: "人工确认",
    Method.CODE: "编码一致",
    Method.EXACT: "名称一致",
    Method.FUZZY: "名称相似",
}


class Status(StrEnum):
    """Where a link (or a power left without one) stands."""

    MATCHED = "matched"
    REVIEW = "review"
    UNMATCHED = "unmatched"


STATUS_ZH = {Status.MATCHED: "已匹配", Status.REVIEW: "待复核", Status.UNMATCHED: "未匹配"}


class Decision(StrEnum):
    """An analyst's decision on a candidate link (决定 in review.xlsx)."""

    CONFIRM = "confirm"
    REJECT = "reject"


DECISION_ZH = {Decision.CONFIRM: "确认", Decision.REJECT: "否决"}
"""The words of the review sheet's 决定 dropdown; the reader accepts these and a few variants."""


class GapStatus(StrEnum):
    """Whether a gap stands as found or waits on a review link (its count shrinks after review)."""

    CONFIRMED = "confirmed"
    PENDING_REVIEW = "pending-review"


GAP_STATUS_ZH = {GapStatus.CONFIRMED: "确定", GapStatus.PENDING_REVIEW: "待复核"}


class How(StrEnum):
    """How an item stands at a level."""

    RETAINED = "retained"  # 保留: exercised here and not handed down
    DEVOLVED = "devolved"  # 下放: handed down (直接下放, 授权, 赋权)
    ENTRUSTED = "entrusted"  # 委托: handed down for exercise in the upper level's name
    CLAIMED = "claimed"  # 认领: taken on from the level above
    REFUSED = "refused"  # 不认领: offered from above and refused


HOW_ZH = {
    How.RETAINED: "保留",
    How.DEVOLVED: "下放",
    How.ENTRUSTED: "委托",
    How.CLAIMED: "认领",
    How.REFUSED: "不认领",
}


@dataclass(frozen=True, slots=True)
class Link:
    """One candidate link between a power (by index) and a service item (by index)."""

    power: int
    service: int
    score: float
    method: Method
    status: Status
    reason: str

"""Result tables shared by the pipeline and the reports: one row model per output file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from quanze.errors import ExitCode, exit_code_for
from quanze.gap_types import GapType as GapType  # defined beside its registry entry
from quanze.models import GAP_STATUS_ZH as GAP_STATUS_ZH  # re-exported: the vocabulary lives in models
from quanze.models import HOW_ZH as HOW_ZH
from quanze.models import GapStatus as GapStatus
from quanze.models import How as How
from quanze.models import Level, Method, RowIssue, Status

MATCH_COLUMNS = (
    "power_code",
    "power_name",
    "service_code",
    "service_name",
    "score",
    "method",
    "status",
    "reason",
    "unit",
    "power_department",
    "power_office",
    "service_department",
    "power_source",
    "service_source",
    "power_key",
    "service_key",
)


if TYPE_CHECKING:
    import pandas


class MatchRow(BaseModel):
    """One row of matches.csv: a link, or a power left without one at a unit."""

    power_code: str | None
    power_name: str | None
    service_code: str | None
    service_name: str | None
    score: float | None
    method: Method | None
    status: Status
    reason: str
    unit: str | None = None
    power_department: str | None = None
    power_office: str | None = Field(default=None, description="the office that handles the power (承办机构)")
    service_department: str | None = None
    power_source: str | None = None
    service_source: str | None = None
    power_key: str | None = None
    service_key: str | None = None
    note: str | None = Field(
        default=None, description="for the reviewer: a recorded decision on a near link that lapsed (备注)"
    )


class InputFile(BaseModel):
    """An input as read: path, role, records, and a digest so that a run can be traced to its inputs."""

    path: str
    role: str
    unit: str | None = None
    records: int
    sha256: str


class MatchCounts(BaseModel):
    powers: int = Field(description="power rows read (main items, sub-items and single items)")
    service_items: int
    units: list[str]
    links_matched: int
    links_review: int
    power_units_matched: int = Field(description="(power, unit) pairs with at least one matched link")
    power_units_review: int = Field(description="(power, unit) pairs with review links and no matched one")
    power_units_unmatched: int
    orphan_service_items: int
    ambiguous: int
    decisions_applied: int = Field(
        description="recorded decisions applied: 确认 (links matched) and 否决 in force"
    )
    review_share: float = Field(description="share of (power, unit) pairs that wait for review")


class Summary(BaseModel):
    """summary.json: counts of a run, with no timestamps, so that equal inputs give equal bytes."""

    quanze_version: str
    inputs: list[InputFile]
    match: MatchCounts
    gaps: dict[str, int] = Field(default_factory=dict)
    unmeasured: dict[str, str] = Field(
        default_factory=dict,
        description="gap types the run could not look for, with why (its count in `gaps` is 0 only as data)",
    )
    invalid_rows: int = 0
    issues: dict[str, int] = Field(default_factory=dict)


GAP_COLUMNS = (
    "gap_type",
    "status",
    "unit",
    "item_code",
    "item_name",
    "power_code",
    "power_name",
    "service_code",
    "service_name",
    "detail",
    "department",
    "source",
)


class GapRow(BaseModel):
    """One gap: what it is about (item_*), the power and the service entry where there are ones."""

    gap_type: GapType
    unit: str | None
    item_code: str | None
    item_name: str
    detail: str
    department: str | None = None
    source: str | None = None
    status: GapStatus = GapStatus.CONFIRMED
    power_code: str | None = None
    power_name: str | None = None
    service_code: str | None = None
    service_name: str | None = None


class UsageRow(BaseModel):
    """Usage rate (使用率) of one department at one unit: share of items with at least one transaction."""

    unit: str | None
    department: str
    items: int
    used: int
    rate: float


class AcceptanceRow(BaseModel):
    """Acceptance progress of one receiving unit."""

    unit: str
    devolved: int
    accepted: int
    refused: int
    missing: int
    extra: int
    rate: float
    not_measured: str | None = Field(
        default=None,
        description="why the unit's acceptance was not measured (no acceptance list for it); its counts are then 0",
    )


CASCADE_COLUMNS = ("chain", "level", "unit", "code", "name", "how", "mode", "duty_type", "source")


class CascadeRow(BaseModel):
    chain: int
    level: Level
    unit: str
    code: str | None
    name: str
    how: How
    mode: str | None
    duty_type: str | None = None
    source: str


class ReconcileResult(BaseModel):
    summary: Summary
    matches: list[MatchRow]
    gaps: list[GapRow] = Field(default_factory=list)
    usage: list[UsageRow] = Field(default_factory=list)
    acceptance: list[AcceptanceRow] = Field(default_factory=list)
    cascade: list[CascadeRow] = Field(default_factory=list)
    cascade_levels: list[Level] = Field(default_factory=list)
    issues: list[RowIssue] = Field(default_factory=list)
    supervision_tracked: bool = Field(default=True, exclude=True)
    """Whether the devolution list gives a 监管部门 or 监管方式 at all (else no-supervision is not looked for)."""

    @property
    def exit_code(self) -> ExitCode:
        """`reconcile` and `gaps` report what they found and exit 0; `check` judges the counts."""
        return exit_code_for(findings=False)

    def to_pandas(self) -> dict[str, pandas.DataFrame]:
        """The result's tables as pandas DataFrames: matches, gaps, usage, acceptance, cascade, issues."""
        from quanze.frames import frames

        return frames(
            {
                "matches": self.matches,
                "gaps": self.gaps,
                "usage": self.usage,
                "acceptance": self.acceptance,
                "cascade": self.cascade,
                "issues": self.issues,
            }
        )

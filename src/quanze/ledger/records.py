"""What the ledger holds and answers with: a gap, its events, its history, the outcome of a recorded run."""

from __future__ import annotations

from pydantic import BaseModel, Field

from quanze.results import GapType


class LedgerGap(BaseModel):
    """One tracked gap as the ledger holds it now."""

    id: str
    gap_type: GapType
    unit: str | None
    item_code: str | None
    item_name: str
    department: str | None
    detail: str | None
    source: str | None
    status: str
    reason: str | None = None
    owner_unit: str | None = None
    owner: str | None = None
    due: str | None = None
    notes: str | None = None
    first_seen: str
    since: str = Field(description="when it was last opened or reopened")
    last_seen: str
    overdue: bool = False


class LedgerEvent(BaseModel):
    """One change of a gap: opened, closed, reopened, renamed by a run; status, owner, due, notes by hand."""

    at: str
    kind: str
    status: str
    field: str | None = None
    old: str | None = None
    new: str | None = None
    by: str | None = None
    reason: str | None = None
    source: str | None = None
    run_id: int | None = None


class GapHistory(BaseModel):
    gap: LedgerGap
    events: list[LedgerEvent]


class RunOutcome(BaseModel):
    """What recording one run did to the ledger."""

    ledger: str
    run_id: int
    at: str
    gaps_seen: int
    opened: int
    reopened: int
    closed: int
    renamed: int
    open: int = Field(description="gaps 待整改 or 整改中 after the run")
    overdue: int = Field(description="open gaps past their due date (整改时限) at the run")
    inputs_missing: list[str] = Field(
        default_factory=list,
        description="inputs of the previous run that this run did not read: its closures may not be fixes",
    )
    closures_held: list[str] = Field(
        default_factory=list,
        description="warnings that make the run's numbers untrustworthy (they fail check): it closed no gap",
    )
    units_held: list[str] = Field(
        default_factory=list,
        description="units whose own list an earlier run read and this run did not: none of their gaps closed",
    )
    openings_held: int = Field(
        0,
        description="gaps of those units this run found and did not open or reopen (a missing list is no new gap)",
    )

"""Analysts' decisions on candidate links: an append-only history, re-applied on every run."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from quanze.errors import ConfigError
from quanze.match import DecisionBook
from quanze.models import DECISION_ZH, Decision, IssueCode, RowIssue, Severity
from quanze.report.files import write_text
from quanze.report.outdir import waiting_lock

DEFAULT_DECISIONS = Path("quanze-decisions.jsonl")

CONFIRM_WORDS = frozenset({DECISION_ZH[Decision.CONFIRM], "是", "同意", "confirm", "yes", "y", "✓", "√"})
REJECT_WORDS = frozenset({DECISION_ZH[Decision.REJECT], "否", "不同意", "reject", "no", "n", "×", "x"})


class DecisionRecord(BaseModel):
    """One decision as recorded: who decided what about which link, when, from which file."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    power_key: str
    service_key: str
    decision: Decision
    unit: str | None = None
    power_name: str | None = None
    service_name: str | None = None
    note: str | None = None
    by: str | None = None
    at: str | None = None
    source: str | None = None


def parse_decision_word(text: str | None) -> Decision | None:
    """确认 / 否决 (and their variants) from a review sheet cell; None for blank; ValueError otherwise."""
    if text is None or not text.strip():
        return None
    word = text.strip().lower()
    if word in CONFIRM_WORDS:
        return Decision.CONFIRM
    if word in REJECT_WORDS:
        return Decision.REJECT
    raise ValueError(text)


def load_decisions(path: Path) -> list[DecisionRecord]:
    """Every recorded decision, oldest first; a missing file is an empty history."""
    if not path.exists():
        return []
    records: list[DecisionRecord] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the decisions file ({exc})") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(DecisionRecord.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise ConfigError(
                f"{path} › line {n}: not a valid decision record ({str(exc).splitlines()[0]})",
                hint="restore the file from version control, or delete the line",
            ) from exc
    return records


def decision_book(records: Iterable[DecisionRecord]) -> DecisionBook:
    """The decision in force for each link: the latest one recorded."""
    book: dict[str, dict[str, Decision]] = {}
    for r in records:
        book.setdefault(r.service_key, {})[r.power_key] = r.decision
    return book


def new_records(
    history: Sequence[DecisionRecord], incoming: Iterable[DecisionRecord]
) -> list[DecisionRecord]:
    """The incoming decisions that change what is in force (re-applying a sheet adds nothing)."""
    current = {(r.service_key, r.power_key): r.decision for r in history}
    out = []
    for r in incoming:
        if current.get((r.service_key, r.power_key)) is not r.decision:
            out.append(r)
            current[(r.service_key, r.power_key)] = r.decision
    return out


def serialise(records: Iterable[DecisionRecord]) -> str:
    return "".join(
        json.dumps(r.model_dump(mode="json", exclude_none=True), ensure_ascii=False) + "\n" for r in records
    )


def stale_decisions(
    records: Sequence[DecisionRecord], power_keys: set[str], service_keys: set[str], *, file: str
) -> list[RowIssue]:
    """The decisions in force that match no power and service item of this run: kept, not applied, reported."""
    latest: dict[tuple[str, str], DecisionRecord] = {}
    for r in records:
        latest[(r.service_key, r.power_key)] = r
    issues = []
    for r in latest.values():
        if r.power_key in power_keys and r.service_key in service_keys:
            continue
        issues.append(
            RowIssue(
                code=IssueCode.STALE_DECISION,
                severity=Severity.INFO,
                file=file,
                value=f"{_unit_of(r)}{r.power_name or r.power_key} ↔ {r.service_name or r.service_key}",
                message=f"this {r.decision.value} decision matches no power and service item of this run "
                "(a name, code or unit changed, or the decisions file is another project's); it is kept, "
                "not applied",
            )
        )
    return issues


def _unit_of(r: DecisionRecord) -> str:
    """The unit a decision was made at, as a prefix (东城县：), from the record or its service key."""
    unit = r.unit or r.service_key.split("|", 1)[0]
    return f"{unit}：" if unit else ""


def now_with_zone() -> str:
    """The time a decision is recorded, with its UTC offset (analysts on one drive may sit in two zones)."""
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def record_decisions(
    decisions_path: Path, incoming: Sequence[DecisionRecord], *, notice: Callable[[str], None] | None = None
) -> list[DecisionRecord]:
    """Add the incoming decisions that change what is in force; returns them.

    The read-modify-write holds a lock beside the file (`<file>.lock`), so two analysts applying review
    workbooks at once both land; earlier lines are never changed (the history is kept).
    """
    if not incoming:
        return []
    lock = decisions_path.with_name(decisions_path.name + ".lock")
    with waiting_lock(lock, what=str(decisions_path), on_wait=notice):
        history = load_decisions(decisions_path)
        fresh = new_records(history, incoming)
        if fresh:
            write_text(decisions_path, serialise([*history, *fresh]))
    if notice is not None:
        for line in reversals(history, fresh):
            notice(line)
    return fresh


def reversals(history: Sequence[DecisionRecord], fresh: Iterable[DecisionRecord]) -> list[str]:
    """A line for each fresh decision that reverses one another analyst recorded: who decided what, and when.

    Analysts share one decisions file and the last decision wins; reversing a colleague's is allowed, but
    never silent. An analyst changing their own mind is no news.
    """
    current = {(r.service_key, r.power_key): r for r in history}
    lines = []
    for r in fresh:
        before = current.get((r.service_key, r.power_key))
        current[(r.service_key, r.power_key)] = r
        if before is None or before.decision is r.decision or (before.by or "") == (r.by or ""):
            continue
        where = f"（{r.unit}）" if r.unit else ""
        source = f", from {before.source}" if before.source else ""
        lines.append(
            f"{r.power_name or r.power_key} ↔ {r.service_name or r.service_key}{where}: {DECISION_ZH[r.decision]} by "
            f"{r.by or 'unknown'} reverses {DECISION_ZH[before.decision]} recorded by {before.by or 'unknown'} at "
            f"{before.at or 'an unknown time'}{source}"
        )
    return lines

"""Analysts' decisions: review workbooks applied, links added by hand, one item explained, pending work kept."""

from __future__ import annotations

import getpass
import shlex
from collections.abc import Callable
from pathlib import Path

from quanze.config import ListRole, QuanzeConfig
from quanze.decisions import load_decisions, now_with_zone, record_decisions
from quanze.errors import OutputError, QuanzeError, UsageError
from quanze.ingest.load import inputs_for_links
from quanze.ingest.readback import ReviewOutcome, read_review
from quanze.match.explain import Explanation, explain_power, explain_service
from quanze.match.manual import UnknownItem, find_power, find_service, manual_link
from quanze.outcomes import AddedLink

Progress = Callable[[str], None]


def add_link(
    config: QuanzeConfig,
    power: str,
    service: str,
    *,
    unit: str | None,
    by: str | None,
    at: str,
    note: str | None = None,
) -> AddedLink:
    """Record a link the matcher never proposed as a confirmed decision (`recorded`: it was new)."""
    powers, services = inputs_for_links(config)
    try:
        record = manual_link(powers, services, power, service, unit=unit, by=by, at=at, note=note)
    except UnknownItem as exc:
        raise UsageError(str(exc), hint="`quanze explain NAME` shows how an item was read") from None
    fresh = record_decisions(config.project.decisions, [record])
    return AddedLink(**record.model_dump(), recorded=bool(fresh))


def explain(
    config: QuanzeConfig, text: str, *, service: bool = False, unit: str | None = None
) -> Explanation:
    """How one power (or, with `service`, one service item) named by code or name was read and linked."""
    powers, services = inputs_for_links(config)
    loaded_units = sorted(
        {li.unit for li in config.inputs.lists if li.role is ListRole.ACCEPTANCE and li.unit}
    )
    records = load_decisions(config.project.decisions)
    try:
        if not service:
            p = find_power(powers, text)
            pi = next(i for i, x in enumerate(powers) if x is p)
            return explain_power(
                powers, services, pi, options=config.match, records=records, units=loaded_units
            )
        s = find_service(services, text, unit)
        si = next(i for i, x in enumerate(services) if x is s)
        return explain_service(
            powers, services, si, options=config.match, records=records, units=loaded_units
        )
    except UnknownItem as exc:
        hint = "for a service item add --service (and --unit where names repeat)" if not service else None
        raise UsageError(str(exc), hint=hint) from None


def apply_review(
    review: Path,
    decisions_path: Path,
    *,
    by: str | None,
    at: str,
    config: QuanzeConfig | None = None,
    notice: Progress | None = None,
) -> ReviewOutcome:
    """Record the decisions of a filled-in review workbook in the decisions file (history kept).

    With `config`, rows an analyst added by hand (links the matcher never proposed) are looked up in its inputs.
    """
    incoming, outcome = read_review(review, by=by, at=at, config=config)
    fresh = record_decisions(decisions_path, incoming, notice=notice)
    return outcome.model_copy(
        update={
            "decisions_file": str(decisions_path),
            "recorded": len(fresh),
            "unchanged": len(incoming) - len(fresh),
        }
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def keep_pending_review(out: Path, decisions_path: Path | None, *, notice: Progress | None = None) -> int:
    """Record the decisions of `out/review.xlsx` that are not yet recorded, before a run replaces it.

    An analyst may fill in 决定 and rerun with --force before `review apply`: the work is kept, not wiped.
    A review workbook that cannot be read, or holds words that are not decisions, stops the run instead;
    so does one with decisions when the command knows no decisions file (`handover progress`).
    """
    review = out / "review.xlsx"
    if not review.is_file():
        return 0
    apply_hint = f"run `quanze review apply {shlex.quote(str(review))}` (fix what it reports), or move {review} elsewhere, then run again"
    try:
        incoming, outcome = read_review(review, by=_user(), at=now_with_zone())
    except QuanzeError as exc:
        raise OutputError(
            f"{review} would be replaced, but it cannot be read to keep its decisions ({exc.message})",
            hint=apply_hint,
        ) from None
    if outcome.issues:
        first = outcome.issues[0]
        raise OutputError(
            f"{review} holds {outcome.confirmed + outcome.rejected} decision(s) not to be lost, and "
            f"{len(outcome.issues)} cell(s) that are not decisions ({first.location()}: {first.value!r}); "
            "the run would replace it",
            hint=apply_hint,
        )
    if decisions_path is None:
        if incoming:
            raise OutputError(
                f"{review} holds {len(incoming)} filled-in decision(s) and this command would replace it",
                hint=apply_hint,
            )
        return 0
    fresh = record_decisions(decisions_path, incoming, notice=notice)
    if fresh and notice is not None:
        notice(
            f"{len(fresh)} decision(s) filled in {review} were not yet applied: recorded them in "
            f"{decisions_path} before replacing it"
        )
    return len(fresh)

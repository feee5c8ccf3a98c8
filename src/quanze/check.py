"""Nightly check: the run's counts against the limits in [check], and against the last run's summary."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from quanze.config import QuanzeConfig, Threshold
from quanze.coverage import unmeasured
from quanze.errors import ConfigError, ExitCode, UsageError, exit_code_for
from quanze.gap_types import GAP_TYPES, Need
from quanze.models import IssueCode, RowIssue
from quanze.results import GapType, ReconcileResult, Summary
from quanze.unlisted import lists_gone, measured

# Warnings about the inputs that fail a check whatever its limits (see quanze.ingest.inputcheck).
LOUD_WARNINGS = (
    IssueCode.NO_CATALOGUE,
    IssueCode.UNIT_UNMATCHED,
    IssueCode.OTHER_UNIT,
    IssueCode.BLANK_ORGAN_COLUMN,
    IssueCode.BLANK_ACCEPTANCE_COLUMN,
    IssueCode.NO_COMMON_ITEMS,
    IssueCode.DUPLICATE_INPUT,
    IssueCode.MISSING_ACCEPTANCE_LIST,
    IssueCode.NO_ACCEPTANCE_COLUMN,
    IssueCode.DEVOLUTION_LIST_AS_ACCEPTANCE,
)

# Every metric a [check] limit may name, with what a percentage is a share of.
METRICS: dict[str, str] = {
    **{t.value: spec.metric for t, spec in GAP_TYPES.items()},
    "review": "power_units",
    "unmatched": "power_units",
    "ambiguous": "service_items",
    "invalid-rows": "rows",
    "overdue": "gaps",
}
# Metrics counted on the acceptance lists: not comparable with a run that read other units' lists.
ACCEPTANCE_METRICS = frozenset(t.value for t, spec in GAP_TYPES.items() if Need.ACCEPTANCE in spec.all_needs)
# Metrics that only the ledger counts: a run that records no ledger cannot judge them.
LEDGER_METRICS = frozenset({"overdue"})


class ThresholdResult(BaseModel):
    name: str
    count: int
    value: float = Field(description="the count, or its share when the limit is a percentage")
    limit: str
    passed: bool
    not_measured: str | None = Field(
        default=None, description="why the run could not count this metric (then the limit is not met)"
    )


class Change(BaseModel):
    metric: str
    before: int
    after: int
    change: int
    verdict: str = Field(
        description="better | worse | same | not measured (this run could not count it) | not measured before"
    )


class CheckResult(BaseModel):
    """The verdict of `quanze check`: each limit with its count, and what changed since the baseline."""

    passed: bool
    thresholds: list[ThresholdResult]
    changes: list[Change] = Field(default_factory=list)
    summary: Summary
    accepted: int | None = Field(default=None, description="devolved items accepted, over all units")
    devolved: int | None = Field(default=None, description="devolved items expected, over all units")
    issues: list[RowIssue] = Field(default_factory=list, exclude=True)
    """The inputs' row issues (their counts are in the summary; the list is not part of the JSON)."""

    @property
    def exit_code(self) -> ExitCode:
        return exit_code_for(failed=not self.passed)


def validate_limits(limits: Mapping[str, Threshold]) -> None:
    unknown = sorted(set(limits) - set(METRICS))
    if unknown:
        raise ConfigError(
            f"[check] › {', '.join(unknown)}: not a metric quanze counts",
            hint=f"use one of: {', '.join(METRICS)}",
        )


def require_checkable(config: QuanzeConfig, *, recorded: bool) -> None:
    """A check needs input lists in the config, limits on metrics quanze counts, and the ledger for ledger metrics."""
    if not config.inputs.lists:
        raise UsageError(
            "the config names no input lists", hint="add [[inputs.lists]] blocks, or run `quanze init`"
        )
    validate_limits(config.check)
    require_ledger(config.check, recorded=recorded)


def require_ledger(limits: Mapping[str, Threshold], *, recorded: bool) -> None:
    """A limit on a ledger metric (overdue) needs a run that records in the ledger."""
    wanted = sorted(set(limits) & LEDGER_METRICS)
    if wanted and not recorded:
        raise ConfigError(
            f"[check] › {', '.join(wanted)}: counted only when the run is recorded in the ledger",
            hint="pass --ledger to `quanze check`, or set [ledger] record = true",
        )


def metric_counts(summary: Summary) -> dict[str, int]:
    m = summary.match
    counts = {k: summary.gaps.get(k, 0) for k in METRICS if k in {g.value for g in GapType}}
    counts.update(
        {
            "review": m.links_review,
            "unmatched": m.power_units_unmatched,
            "ambiguous": m.ambiguous,
            "invalid-rows": summary.invalid_rows,
        }
    )
    return counts


def _bases(summary: Summary) -> dict[str, int]:
    m = summary.match
    return {
        "power_units": m.power_units_matched + m.power_units_review + m.power_units_unmatched,
        "service_items": m.service_items,
        "powers": m.powers,
        "rows": sum(i.records for i in summary.inputs) + summary.invalid_rows,
        "gaps": sum(summary.gaps.values()),
    }


def evaluate(
    summary: Summary,
    limits: Mapping[str, Threshold],
    baseline: Summary | None = None,
    *,
    extra: Mapping[str, int] | None = None,
) -> CheckResult:
    """Each limit against the run's counts; a percentage limit against the metric's share of its base.

    `extra` holds the counts that only the ledger knows (overdue).
    """
    validate_limits(limits)
    if "invalid-rows" not in limits and summary.invalid_rows:
        # Rows that did not become records are data lost: a check fails on them unless a limit allows some.
        limits = {**limits, "invalid-rows": Threshold(limit=0)}
    counts = metric_counts(summary)
    counts.update(extra or {})
    require_ledger(limits, recorded=all(name in counts for name in LEDGER_METRICS))
    bases = _bases(summary)
    results = []
    for name in sorted(limits, key=list(METRICS).index):
        limit = limits[name]
        count = counts[name]
        base = bases[METRICS[name]]
        value = (count / base if base else 0.0) if limit.share else float(count)
        results.append(
            ThresholdResult(
                name=name,
                count=count,
                value=round(value, 4),
                limit=limit.describe(),
                passed=limit.holds(value),
            )
        )
    loud = {c: summary.issues.get(c.value, 0) for c in LOUD_WARNINGS}
    if any(loud.values()):
        # Not a limit one may raise: the counts of such a run cannot be trusted as they stand.
        count = sum(loud.values())
        named = ", ".join(f"{c.value} {n}" for c, n in loud.items() if n)
        results.append(
            ThresholdResult(
                name=f"input warnings ({named})", count=count, value=count, limit="0", passed=False
            )
        )
    changes = compare(baseline, summary) if baseline is not None else []
    gone = lists_gone(baseline, summary) if baseline is not None else []
    if gone:
        # The baseline read these units' acceptance lists and this run did not: its acceptance counts cover
        # fewer units, so "fewer not-accepted" is no improvement, and the job must not pass.
        results.append(
            ThresholdResult(
                name=f"acceptance lists gone since the baseline ({'、'.join(gone)})",
                count=len(gone),
                value=len(gone),
                limit="0",
                passed=False,
                not_measured=f"—（未提供{'、'.join(gone)}的承接清单）",
            )
        )
        for c in changes:
            if c.metric in ACCEPTANCE_METRICS and c.verdict in ("better", "worse", "same"):
                c.verdict = "not measured"
    return CheckResult(
        passed=all(r.passed for r in results), thresholds=results, changes=changes, summary=summary
    )


def judge(
    result: ReconcileResult,
    limits: Mapping[str, Threshold],
    before: Summary | None,
    *,
    extra: Mapping[str, int] | None = None,
) -> CheckResult:
    """The verdict of a reconcile run against [check], with its acceptance totals and input issues."""
    verdict = evaluate(result.summary, limits, before, extra=extra)
    missing = unmeasured(result)
    for t in verdict.thresholds:
        if t.name in missing:
            # A limit on a count the run could not take is not met: a nightly job that lost its acceptance
            # lists must not report "not-accepted 0 <= 0 pass".
            t.passed, t.not_measured = False, missing[t.name]
    verdict.passed = all(t.passed for t in verdict.thresholds)
    if result.acceptance:
        verdict.accepted = sum(a.accepted for a in measured(result.acceptance))
        verdict.devolved = sum(a.devolved for a in measured(result.acceptance))
    verdict.issues = result.issues
    return verdict


def compare(before: Summary, after: Summary) -> list[Change]:
    old, new = metric_counts(before), metric_counts(after)
    out = []
    for name in METRICS:
        if name in LEDGER_METRICS:
            continue  # not in a summary.json: the ledger's history holds it
        a, b = old.get(name, 0), new.get(name, 0)
        was, now = name in before.unmeasured, name in after.unmeasured
        if was != now:
            # A count one run could not take is no 0: acceptance lists gone this week are not "better".
            verdict = "not measured" if now else "not measured before"
        else:
            # Every metric counts a problem: fewer is better.
            verdict = "same" if a == b or now else ("better" if b < a else "worse")
        out.append(Change(metric=name, before=a, after=b, change=b - a, verdict=verdict))
    return out


def require_same_project(config: QuanzeConfig, before: Summary, path: Path) -> None:
    """A baseline is an earlier run of this project: it shares an input with the config (a role and file
    name, or a unit). Another project's summary.json would report every difference as better or worse."""
    names = {(li.role.value, li.path.name) for li in config.inputs.lists}
    names |= {("catalogue", c.path.name) for c in config.inputs.catalogue}
    units = {li.unit for li in config.inputs.lists if li.unit} | {
        c.unit for c in config.inputs.catalogue if c.unit
    }
    theirs = {(i.role, Path(i.path).name) for i in before.inputs}
    their_units = {i.unit for i in before.inputs if i.unit}
    if names & theirs or units & their_units:
        return
    raise ConfigError(
        f"{path}: this baseline is another project's summary: none of its {len(before.inputs)} inputs "
        f"({', '.join(sorted(Path(i.path).name for i in before.inputs)[:3])} …) nor its units "
        f"({'、'.join(sorted(their_units)[:3]) or '—'}) is among this config's",
        hint="pass the summary.json of an earlier run of this project (its out folder)",
    )


def load_baseline(path: Path) -> Summary:
    """A previous run's summary.json (or `check --format json` output) to compare with."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such baseline file", hint="pass the summary.json of an earlier run"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable JSON summary ({exc})") from exc
    if isinstance(data, dict) and "summary" in data and "thresholds" in data:
        data = data["summary"]
    try:
        return Summary.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            f"{path}: not a quanze summary ({exc.errors()[0]['msg']})",
            hint="pass the summary.json that `quanze reconcile` or `quanze check` wrote",
        ) from None

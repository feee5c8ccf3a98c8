"""What the command line shows: results, row issues and progress, rendered with rich (stdout and stderr)."""

from __future__ import annotations

import json
import shlex
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from quanze.check import LOUD_WARNINGS, CheckResult
from quanze.coverage import unmeasured
from quanze.diff import DiffResult
from quanze.handover import Ledger
from quanze.ingest.readback import ReviewOutcome
from quanze.ledger import PERIOD_ZH, GapHistory, LedgerReport, LedgerRun, Period
from quanze.match.explain import Explanation
from quanze.models import IssueCode, RowIssue, Severity
from quanze.outcomes import AddedLink, HandoverOutcome, Layouts, ValidationResult
from quanze.report.check import NO_LIMITS
from quanze.report.labels import GAP_ZH
from quanze.results import GapStatus, GapType, ReconcileResult, Summary
from quanze.stages import Step
from quanze.tracking import ApplyOutcome, ExportOutcome
from quanze.unlisted import measured

if TYPE_CHECKING:
    from rich.progress import Progress

# Warnings the terminal says after a run although `check` passes: a config word or list word not understood.
_SAID_WARNINGS = frozenset({IssueCode.UNUSED_HEADER_ALIAS, IssueCode.UNKNOWN_DEVOLUTION_MODE})


class Stages:
    """Progress of a run on stderr: a live line per stage on a terminal, stage timings with -v, else nothing."""

    def __init__(self, err: Console, *, live: bool, timings: bool) -> None:
        self.err = err
        self.timings = timings
        self.started = time.perf_counter()
        self.current: tuple[str, float] | None = None
        self.bar: Progress | None = None
        self.task: Any = None
        if live:
            # Imported here: a quiet or piped run shows no live line and does not import it.
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            self.bar.start()

    def stage(self, message: str) -> None:
        self._end_stage()
        self.current = (message, time.perf_counter())
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task(escape(message), total=None)
            else:
                self.bar.update(self.task, description=escape(message))

    def _end_stage(self) -> None:
        if self.current is not None and self.timings:
            message, began = self.current
            self.err.print(f"[dim]{time.perf_counter() - began:7.2f}s  {escape(message)}[/]")
        self.current = None

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        self._end_stage()
        if self.timings:
            self.err.print(f"[dim]{time.perf_counter() - self.started:7.2f}s  total[/]")


class Terminal:
    """The two streams of the command line: reports on stdout, progress, notes and errors on stderr."""

    def __init__(self) -> None:
        self.err = Console(stderr=True, highlight=False)
        self.out = Console(highlight=False, soft_wrap=True)
        self.quiet = False
        self.verbose = False
        self.stages: Stages | None = None

    # ------------------------------------------------------------------ plumbing

    def say(self, message: str) -> None:
        """A line of information on stderr, unless --quiet."""
        if not self.quiet:
            self.err.print(message, soft_wrap=True)

    def error(self, message: str) -> None:
        self.err.print(message, markup=True)

    def progress(self, step: Step) -> None:
        """A stage began: a live progress line on a terminal, its timing with --verbose, nothing in CI."""
        if self.quiet or not (self.err.is_terminal or self.verbose):
            return
        if self.stages is None:
            self.stages = Stages(self.err, live=self.err.is_terminal, timings=self.verbose)
        self.stages.stage(str(step))

    def close_stages(self) -> None:
        if self.stages is not None:
            self.stages.close()
            self.stages = None

    def json(self, data: Any) -> None:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")

    def issues(self, issues: Sequence[RowIssue]) -> None:
        for i in issues:
            self.err.print(
                f"  [red]{i.code.value}[/] {escape(i.location())}"
                + (f" {escape(repr(i.value))}" if i.value is not None else "")
                + f": {escape(i.message)}"
            )

    # ------------------------------------------------------------------ reading

    def validation(self, result: ValidationResult) -> None:
        out = self.out
        for report in result.files:
            out.print(
                f"[bold]{escape(report.file)}[/]  ({report.kind.value}{', ' + report.encoding if report.encoding else ''})"
            )
            for layout in report.sheets:
                out.print(
                    f"  {escape(layout.sheet)}: {layout.records} records, {layout.rejected} rejected, "
                    f"{layout.skipped_structural} structural and {layout.skipped_blank} blank rows skipped"
                    + (
                        f", {layout.merged_continuation} rows continue a merged item"
                        if layout.merged_continuation
                        else ""
                    )
                )
            for i in report.issues:
                if self.verbose or i.severity is not Severity.INFO:
                    where = " › ".join(p for p in (i.sheet, f"row {i.row}" if i.row else None, i.column) if p)
                    value = f' "{i.value}"' if i.value else ""
                    colour = {"error": "red", "warning": "yellow"}.get(i.severity.value, "dim")
                    out.print(f"    [{colour}]{i.code.value}[/] {escape(where + value)}: {escape(i.message)}")
        counts = ", ".join(f"{k} {v}" for k, v in result.issue_counts.items()) or "no issues"
        records = sum(r.records for r in result.files)
        out.print(f"{len(result.files)} file(s), {records} records; {counts}")

    def layouts(self, result: Layouts) -> None:
        """How each file was understood: header rows, column → field mapping, ignored columns."""
        out = self.out
        for report in result.root:
            out.print(
                f"[bold]{escape(report.file)}[/]  kind: {report.kind.value}"
                + (f", encoding: {report.encoding}" if report.encoding else "")
            )
            for issue in report.issues:
                if issue.code.value == "unreadable-file":
                    out.print(f"  [red]{escape(issue.message)}[/]")
                elif issue.code is IssueCode.UNUSED_HEADER_ALIAS:
                    out.print(f"  [yellow]{issue.code.value}[/] {escape(issue.message)}")
                elif issue.code.value in ("hidden-sheet", "hidden-rows"):
                    where = " › ".join(p for p in (issue.sheet, issue.value) if p)
                    out.print(f"  [yellow]{issue.code.value}[/] {escape(where)}: {escape(issue.message)}")
            for layout in report.sheets:
                if layout.hidden and not layout.columns:
                    out.print(f"  sheet [bold]{escape(layout.sheet)}[/]: hidden, not read")
                    continue
                header = (
                    "-".join(str(r) for r in (layout.header_rows[:1] + layout.header_rows[-1:]))
                    or "none found"
                )
                out.print(
                    f"  sheet [bold]{escape(layout.sheet)}[/]: header row(s) {header}, data from row "
                    f"{layout.data_start or '-'}, title rows {layout.title_rows or 'none'}"
                    + (f", level {escape(layout.level)} (from the sheet name)" if layout.level else "")
                )
                out.print(
                    f"    {layout.records} records; {layout.merged_continuation} rows continue a merged item "
                    f"above; {layout.skipped_structural} structural and {layout.skipped_blank} blank rows skipped"
                )
                table = Table(pad_edge=False)
                table.add_column("column")
                table.add_column("header")
                table.add_column("field")
                for cm in layout.columns:
                    table.add_row(
                        escape(cm.column),
                        escape(cm.header),
                        escape(cm.field) if cm.field else "[dim](ignored)[/]",
                    )
                out.print(table)
                for block in layout.column_blocks:
                    out.print(f"    from row {block.row}, a pasted block's own header maps the columns:")
                    pasted = Table(pad_edge=False)
                    for name in ("column", "header", "field"):
                        pasted.add_column(name)
                    for cm in block.columns:
                        pasted.add_row(
                            escape(cm.column),
                            escape(cm.header),
                            escape(cm.field) if cm.field else "[dim](ignored)[/]",
                        )
                    out.print(pasted)

    # ------------------------------------------------------------------ reconcile, gaps, check

    def rows(self, result: ReconcileResult, *, matches: bool) -> None:
        """One JSON object per line: match rows (kind "match") then gap rows (kind "gap"), written as they go."""
        write = sys.stdout.write
        if matches:
            for m in result.matches:
                write(json.dumps({"kind": "match", **m.model_dump(mode="json")}, ensure_ascii=False) + "\n")
        for g in result.gaps:
            write(json.dumps({"kind": "gap", **g.model_dump(mode="json")}, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    def summary(self, result: ReconcileResult, target: Path) -> None:
        if self.quiet:
            return
        err = self.err
        m = result.summary.match
        table = Table(title="对账结果 reconciliation", show_header=True)
        table.add_column("")
        table.add_column("count", justify="right")
        for label, value in (
            ("powers 权力事项", m.powers),
            ("service items 服务事项", m.service_items),
            ("units 单位", len(m.units)),
            ("matched links 已匹配链接", m.links_matched),
            ("review links 待复核链接", m.links_review),
            ("powers×units unmatched 未匹配", m.power_units_unmatched),
            ("orphan service items, confirmed 无权力支撑（确定）", m.orphan_service_items),
            ("decisions applied 已应用决定", m.decisions_applied),
            ("invalid rows 错误行", result.summary.invalid_rows),
        ):
            table.add_row(label, str(value))
        missing = unmeasured(result)  # a count the run could not take is never shown as 0
        for gap in (t.value for t in GapType if t.value in result.summary.gaps or t.value in missing):
            table.add_row(f"gap {gap}", missing.get(gap, str(result.summary.gaps.get(gap, 0))))
        stale = result.summary.issues.get(IssueCode.STALE_DECISION.value, 0)
        table.add_row("decisions matching nothing 未匹配的决定", str(stale))
        err.print(table)
        self.lapsed_decisions(result.issues)
        for issue in result.issues:
            if issue.code in LOUD_WARNINGS or issue.code in _SAID_WARNINGS:
                err.print(f"[bold yellow]warning:[/] {escape(issue.location())}: {escape(issue.message)}")
        err.print(
            escape(
                f"reports written to {target}/ (review {m.links_review} links in review.xlsx, "
                f"then `quanze review apply {shlex.quote(str(target / 'review.xlsx'))}`)"
            ),
            soft_wrap=True,
        )

    def headline(self, result: ReconcileResult) -> None:
        """The two lines an official reads first: acceptance rate, then the gaps by type (Chinese first)."""
        accepted = sum(a.accepted for a in measured(result.acceptance))
        devolved = sum(a.devolved for a in measured(result.acceptance))
        self.say(rate_line(result.summary, accepted, devolved) + "\n" + gap_line(result.summary))

    def gap_counts(self, result: ReconcileResult, out: Path) -> None:
        pending = Counter(g.gap_type.value for g in result.gaps if g.status is GapStatus.PENDING_REVIEW)
        missing = unmeasured(result)
        for gap, count in result.summary.gaps.items():
            note = f"  ({pending[gap]} 待复核 pending review)" if pending.get(gap) else ""
            shown = f"{count:6d}" if gap not in missing else f"     {escape(missing[gap])}"
            self.out.print(f"{gap:22} {shown}{note}")
        self.say(escape(f"gaps written to {out}/"))

    def check(self, verdict: CheckResult) -> None:
        if not verdict.thresholds:
            # An empty table over "all limits hold" read as a run that passed a check; none was made.
            self.out.print(NO_LIMITS, markup=False)
        else:
            table = Table(title="quanze check", show_header=True)
            for col in ("metric", "count", "limit", "result"):
                table.add_column(col, justify="right" if col == "count" else "left")
            for t in verdict.thresholds:
                shown = str(t.count) if t.value == t.count else f"{t.count} ({t.value:.1%})"
                if t.not_measured:
                    table.add_row(t.name, t.not_measured, t.limit, "[bold red]FAIL[/] (not measured)")
                    continue
                table.add_row(t.name, shown, t.limit, "pass" if t.passed else "[bold red]FAIL[/]")
            self.out.print(table)
        # What changed since the baseline is told whether or not any limit is set.
        for c in verdict.changes:
            if c.verdict != "same" and not self.quiet:
                colour = {"better": "green", "worse": "red"}.get(c.verdict, "yellow")
                self.out.print(f"  {c.metric}: {c.before} → {c.after} ([{colour}]{c.verdict}[/])")
        if verdict.thresholds:
            failed = [t.name for t in verdict.thresholds if not t.passed]
            self.out.print(
                "all limits hold" if not failed else f"[bold red]limits exceeded:[/] {', '.join(failed)}"
            )

    def lapsed_decisions(self, issues: Sequence[RowIssue]) -> None:
        """A warning naming the recorded decisions that no longer match anything (a recode or a rename)."""
        stale = [i.value or "" for i in issues if i.code is IssueCode.STALE_DECISION]
        if not stale:
            return
        self.err.print(
            escape(
                f"warning: {len(stale)} recorded decision(s) lapsed, matching no power and service item of this "
                f"run (a code or name changed): kept, not applied; review.xlsx asks again, with the earlier "
                f"decision in 备注 where the link is near: {'; '.join(stale[:5])}"
                + (f" … and {len(stale) - 5} more (issues.csv)" if len(stale) > 5 else "")
            )
        )

    def check_headline(self, verdict: CheckResult) -> None:
        self.lapsed_decisions(verdict.issues)
        failed = [t.name for t in verdict.thresholds if not t.passed]
        self.say(
            rate_line(verdict.summary, verdict.accepted, verdict.devolved)
            + (
                "；未设限值 no limits set"
                if not verdict.thresholds
                else "；检查通过 all limits hold"
                if not failed
                else f"；[bold red]超出限值 limits exceeded：[/]{escape('、'.join(failed))}"
            )
            + "\n"
            + gap_line(verdict.summary)
        )
        # The warnings that failed the check, each with its fix (a nightly job's log is read, not issues.csv).
        for issue in verdict.issues:
            if issue.code in LOUD_WARNINGS:
                self.say(f"[bold yellow]warning:[/] {escape(issue.location())}: {escape(issue.message)}")

    def unit_done(self, name: str, summary: Summary) -> None:
        m = summary.match
        self.say(
            escape(
                f"{name}: 已匹配 {m.power_units_matched}，待复核 {m.power_units_review}，"
                f"未匹配 {m.power_units_unmatched}，缺口 {sum(summary.gaps.values())}"
            )
        )

    def recorded(self, run: LedgerRun | None) -> None:
        if run is None or run.outcome is None:
            return
        o = run.outcome
        if o.inputs_missing and o.closed:
            self.err.print(
                f"[yellow]warning:[/] the ledger's last run also read {', '.join(o.inputs_missing)}; "
                f"this run did not, so some of its {o.closed} closed gap(s) may be missing inputs, not fixes "
                f"(see `quanze ledger history`, and run again with every input to reopen them)"
            )
        if o.closures_held:
            self.err.print(
                f"[yellow]warning:[/] this run's inputs have warnings that make its numbers untrustworthy "
                f"({', '.join(o.closures_held)}): it closed no gap in the ledger; fix the inputs and run again"
            )
        if o.units_held:
            self.err.print(
                escape(
                    f"warning: earlier runs read a list of {'、'.join(o.units_held)} and this one did not"
                    + (f" ({', '.join(o.inputs_missing)})" if o.inputs_missing else "")
                    + ": none of their gaps was closed (a missing list is not a fix)"
                    + (
                        f" and {o.openings_held} gap(s) found for them only without the list were not opened"
                        if o.openings_held
                        else ""
                    )
                    + "; give the list and run again"
                )
            )
        self.say(
            f"ledger {o.ledger}: run {o.run_id} recorded; {o.opened} gap(s) opened 待整改, {o.closed} closed 已销号, "
            f"{o.reopened} reopened; {o.open} open, {o.overdue} overdue"
        )

    # ------------------------------------------------------------------ diff, explain, handover

    def diff(self, result: DiffResult, old: Path, new: Path, out: Path) -> None:
        findings = [i for i in result.issues if i.severity is not Severity.INFO]
        lines = ", ".join(f"{k} {v}" for k, v in result.counts.items())
        sys.stdout.write(f"{old.name} → {new.name}: {lines}\n")
        for row in result.rows:
            if row.change.value in ("added", "removed", "renamed", "changed") and not self.quiet:
                sys.stdout.write(
                    f"  {row.change.value:9} {row.code or '':16} {row.new_name or row.old_name}  {row.detail}\n"
                )
        if findings:
            self.err.print(f"[yellow]{len(findings)} row issue(s) in the input files:[/]")
            self.issues(findings)
        self.say(escape(f"reports written to {out}/"))

    def explanation(self, result: Explanation) -> None:
        out = self.out
        out.print(f"{'权力事项' if result.kind == 'power' else '服务事项'}：{result.name}（{result.source}）")
        out.print(
            f"  编码 {result.code or '-'}  单位 {result.unit or '-'}  类别 {result.category or '-'}"
            f"{'（处罚/强制/检查类）' if result.enforcement else ''}"
        )
        out.print(
            f"  比对用名称 {result.core}  办理项 {result.handling or '-'}  层级 {result.level or '-'}"
            f"  编码族 {result.family or '-'}"
        )
        if result.listed_parts:
            out.print(f"  列举的事项 {'、'.join(result.listed_parts)}")
        out.print(f"  候选 {len(result.candidates)} 个：")
        for c in result.candidates:
            score = "-" if c.score is None else f"{c.score:g}"
            out.print(
                f"  [{c.status}] {c.unit or '-'} {c.name}  {score} {c.method or '-'}  {c.reason}  → {c.why}",
                markup=False,
            )
        for d in result.decisions:
            out.print(
                f"  决定 {d.decision.value}: {d.power_name} ↔ {d.service_name} ({d.by or '-'}, {d.at or '-'})",
                markup=False,
            )

    def handover_ledger(self, result: Ledger) -> None:
        table = Table(title="交接进度 handover progress")
        for col in ("unit", "items", "done", "pending", "overdue", "rate"):
            table.add_column(col, justify="left" if col == "unit" else "right")
        for r in result.by_unit:
            table.add_row(
                escape(r.unit), str(r.items), str(r.done), str(r.pending), str(r.overdue), f"{r.rate:.1%}"
            )
        self.out.print(table)
        self.issues(result.issues)

    # ------------------------------------------------------------------ the 整改台账

    def ledger_export(self, outcome: ExportOutcome, out: Path) -> None:
        shown = ", ".join(f"{s} {n}" for s, n in outcome.by_status.items())
        self.say(f"wrote {out}: {outcome.gaps} gap(s) ({shown}; {outcome.overdue} overdue)")

    def ledger_apply(self, outcome: ApplyOutcome) -> None:
        if outcome.counts is not None:
            c = outcome.counts
            self.say(
                f"{c.rows} edited row(s): {c.changed_gaps} gap(s) changed ({c.changes} change(s) recorded), "
                f"{c.unchanged} already so in the ledger"
            )
        else:
            self.err.print(
                f"[red]{len(outcome.issues)} bad cell(s); nothing was recorded[/] (fix them and apply again)"
            )
        self.issues([*outcome.issues, *outcome.superseded])

    def ledger_report(self, data: LedgerReport, period: Period, files: Sequence[Path]) -> None:
        table = Table(title=f"{PERIOD_ZH[period]} {data.periods[-1].period if data.periods else ''}")
        for col in ("rank", "unit", "open", "overdue", "opened", "closed"):
            table.add_column(col, justify="left" if col == "unit" else "right")
        for r in data.ranking:
            table.add_row(str(r.rank), r.unit, str(r.open), str(r.overdue), str(r.opened), str(r.closed))
        for r in data.not_ranked:  # upper levels and 跨单位 gaps: listed, not ranked
            table.add_row(
                "—", f"{r.unit}（{r.note}）", str(r.open), str(r.overdue), str(r.opened), str(r.closed)
            )
        self.out.print(table)
        self.say(f"written: {', '.join(str(f) for f in files)}")

    def gap_history(self, data: GapHistory) -> None:
        g = data.gap
        self.out.print(
            f"[bold]{g.id}[/] {escape(g.gap_type.value)} · {escape(g.unit or '-')} · {escape(g.item_name)}: "
            f"{g.status}{' (overdue)' if g.overdue else ''}, 整改时限 {g.due or '-'}"
        )
        table = Table()
        for col in ("at", "event", "status", "change", "by", "reason"):
            table.add_column(col)
        for e in data.events:
            change = f"{e.field}: {e.old or ''} → {e.new or ''}" if e.field else ""
            who = e.by or (f"run {e.run_id}" if e.run_id else "")
            table.add_row(e.at, e.kind, e.status, escape(change), escape(who), escape(e.reason or ""))
        self.out.print(table)

    def review_applied(self, outcome: ReviewOutcome) -> None:
        self.say(
            f"{outcome.rows} rows read: {outcome.confirmed} 确认, {outcome.rejected} 否决, {outcome.blank} blank"
            + (f", {outcome.not_recorded} not recorded (see below)" if outcome.not_recorded else "")
            + f"; {outcome.recorded} new decision(s) recorded in {escape(outcome.decisions_file)}, "
            f"{outcome.unchanged} already recorded"
        )
        self.issues(outcome.issues)

    def link_added(self, added: AddedLink, decisions: Path) -> None:
        self.say(
            f"{'recorded' if added.recorded else 'already recorded'}: {added.power_name} ↔ {added.service_name} "
            f"({added.unit or '-'}) in {decisions}"
        )

    def handover_built(self, outcome: HandoverOutcome, out: Path) -> None:
        for unit, count in outcome.units.items():
            # The count the checklist's 合计 line gives (应交接), and how the devolved items come to it.
            signed = outcome.to_sign.get(unit, count)
            rest = (
                f"，其中不认领或未列入承接清单 {count - signed} 项，见“未认领事项”" if count > signed else ""
            )
            self.say(escape(f"{unit}: 应交接 {signed} 项；下放事项 {count} 项{rest}"))
        self.say(escape(f"checklists written to {out}/"))

    def lines(self, texts: Sequence[str]) -> None:
        """One plain line each on stdout (no markup): output meant for pipes and xargs."""
        for text in texts:
            self.out.print(text, markup=False, highlight=False)


def rate_line(summary: Summary, accepted: int | None, devolved: int | None) -> str:
    if devolved:
        return f"承接率 {(accepted or 0) / devolved:.1%}（{accepted}/{devolved}） acceptance rate"
    m = summary.match
    # 事项×单位, as report.xlsx counts them: not the links of the table above (one power may have several).
    return (
        f"事项×单位：已匹配 {m.power_units_matched}，待复核 {m.power_units_review}，"
        f"未匹配 {m.power_units_unmatched}"
    )


def gap_line(summary: Summary) -> str:
    gaps = "；".join(f"{GAP_ZH[GapType(k)]} {v}" for k, v in summary.gaps.items() if v) or "无"
    return f"缺口 gaps：{gaps}"

"""Renderings of a check result for CI: JUnit XML (one test case per limit) and Markdown."""

from __future__ import annotations

from pathlib import Path

from quanze.check import CheckResult
from quanze.report.files import write_text

# What a check with no limits says instead of an empty table over "all limits hold": nothing was judged.
NO_LIMITS = (
    "no limits set 未设限值: [check] in quanze.toml names none, so no count was judged "
    "(README › Nightly CI); the exit code still reflects invalid rows and input warnings"
)


def junit_xml(result: CheckResult, *, suite: str = "quanze check") -> str:
    from xml.sax.saxutils import escape, quoteattr  # here: it imports urllib, which a run never needs

    failures = sum(1 for t in result.thresholds if not t.passed)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<testsuites tests={quoteattr(str(len(result.thresholds)))} failures={quoteattr(str(failures))}>",
        f"  <testsuite name={quoteattr(suite)} tests={quoteattr(str(len(result.thresholds)))} "
        f'failures={quoteattr(str(failures))} errors="0">',
    ]
    for t in result.thresholds:
        lines.append(f'    <testcase classname="quanze.check" name={quoteattr(t.name)}>')
        if not t.passed:
            message = (
                f"{t.name}: not measured {t.not_measured}, so the limit {t.limit} cannot be judged"
                if t.not_measured
                else f"{t.name}: {t.value:g} exceeds the limit {t.limit}"
            )
            lines.append(f"      <failure message={quoteattr(message)}>{escape(message)}</failure>")
        lines.append("    </testcase>")
    lines += ["  </testsuite>", "</testsuites>", ""]
    return "\n".join(lines)


def write_junit(path: Path, result: CheckResult) -> None:
    write_text(path, junit_xml(result))


def markdown(result: CheckResult, *, title: str = "quanze check") -> str:
    if not result.thresholds:
        lines = [f"## {title}: no limits set", "", NO_LIMITS]
    else:
        verdict = "✅ all limits hold" if result.passed else "❌ limits exceeded"
        lines = [f"## {title}: {verdict}", "", "| metric | count | limit | result |", "|---|---:|---|---|"]
    for t in result.thresholds:
        shown = f"{t.count}" if t.value == t.count else f"{t.count} ({t.value:.1%})"
        if t.not_measured:
            lines.append(f"| {t.name} | {t.not_measured} | {t.limit} | **FAIL** (not measured) |")
            continue
        lines.append(f"| {t.name} | {shown} | {t.limit} | {'pass' if t.passed else '**FAIL**'} |")
    if result.changes:
        lines += [
            "",
            "### Since the baseline",
            "",
            "| metric | before | after | change |",
            "|---|---:|---:|---|",
        ]
        for c in result.changes:
            if c.verdict != "same":
                lines.append(f"| {c.metric} | {c.before} | {c.after} | {c.change:+d} ({c.verdict}) |")
    m = result.summary.match
    lines += [
        "",
        f"{m.powers} powers, {m.service_items} service items, {len(m.units)} units; "
        f"{m.links_matched} links matched, {m.links_review} to review.",
        "",
    ]
    return "\n".join(lines)

"""A run as tables: a row per link (or power left without one), and the summary with its counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING

from quanze import __version__
from quanze.coverage import unmeasured
from quanze.gaps import usage
from quanze.ingest.load import Loaded
from quanze.lapsed import note_earlier_decisions
from quanze.match import MatchResult, power_key, service_key
from quanze.models import Method, PowerItem, ServiceItem, Severity, Status
from quanze.results import GapRow, GapType, MatchCounts, MatchRow, ReconcileResult, Summary

if TYPE_CHECKING:
    from quanze.analysis import Analysis


def _source(item: PowerItem | ServiceItem) -> str:
    return f"{item.source.file} › {item.source.sheet} › {item.source.row}"


def match_rows(
    powers: Sequence[PowerItem], services: Sequence[ServiceItem], result: MatchResult
) -> list[MatchRow]:
    rank = {Status.MATCHED: 0, Status.REVIEW: 1, Status.UNMATCHED: 2}
    keyed: list[tuple[tuple[str, int, int, float, int], MatchRow]] = []
    # A power has a link at each unit that holds it: its source and key are made once, not per link.
    power_ids: dict[int, tuple[str, str]] = {}

    def power_id(pi: int) -> tuple[str, str]:
        ids = power_ids.get(pi)
        if ids is None:
            ids = power_ids[pi] = (_source(powers[pi]), power_key(powers[pi]))
        return ids

    # Rows are built by pydantic-core's validator from a dict, as MatchRow(**fields) builds them without
    # the Python __init__ around it: at 100,000 links it is twice as fast as model_construct's Python loop
    # over the fields, and checks the types besides. The loop below is the hot one: no call per link
    # that a dictionary lookup or an f-string in place can spare.
    validate = MatchRow.__pydantic_validator__.validate_python
    for lk in result.links:
        pi = lk.power
        p, s = powers[pi], services[lk.service]
        ids = power_ids.get(pi)
        p_source, p_key = ids if ids is not None else power_id(pi)
        src = s.source
        row: MatchRow = validate(
            {
                "power_code": p.code,
                "power_name": p.title,
                "service_code": s.code,
                "service_name": s.name,
                "score": lk.score,
                "method": lk.method,
                "status": lk.status,
                "reason": lk.reason,
                "unit": s.unit,
                "power_department": p.department,
                "power_office": p.handling_office,
                "service_department": s.department,
                "power_source": p_source,
                "service_source": f"{src.file} › {src.sheet} › {src.row}",
                "power_key": p_key,
                "service_key": service_key(s),
            }
        )
        keyed.append(((s.unit or "", lk.power, rank[lk.status], -lk.score, lk.service), row))
    for pi, unit in result.unmatched:
        p = powers[pi]
        p_source, p_key = power_id(pi)
        row = MatchRow(
            power_code=p.code,
            power_name=p.title,
            service_code=None,
            service_name=None,
            score=None,
            method=None,
            status=Status.UNMATCHED,
            reason="没有找到对应的服务事项",
            unit=unit,
            power_department=p.department,
            power_office=p.handling_office,
            power_source=p_source,
            power_key=p_key,
        )
        keyed.append(((unit or "", pi, 2, 0.0, -1), row))
    keyed.sort(key=itemgetter(0))
    return [r for _, r in keyed]


def match_counts(
    powers: Sequence[PowerItem], services: Sequence[ServiceItem], result: MatchResult, decisions_applied: int
) -> MatchCounts:
    matched_pairs = {
        (services[lk.service].unit, lk.power) for lk in result.links if lk.status is Status.MATCHED
    }
    review_pairs = {
        (services[lk.service].unit, lk.power) for lk in result.links if lk.status is Status.REVIEW
    } - matched_pairs
    total = len(matched_pairs) + len(review_pairs) + len(result.unmatched)
    return MatchCounts(
        powers=len(powers),
        service_items=len(services),
        units=sorted({s.unit for s in services if s.unit}),
        links_matched=sum(1 for lk in result.links if lk.status is Status.MATCHED),
        links_review=sum(1 for lk in result.links if lk.status is Status.REVIEW),
        power_units_matched=len(matched_pairs),
        power_units_review=len(review_pairs),
        power_units_unmatched=len(result.unmatched),
        orphan_service_items=len(result.orphans),
        ambiguous=result.ambiguous,
        decisions_applied=decisions_applied,
        review_share=round(len(review_pairs) / total, 4) if total else 0.0,
    )


_CODE = attrgetter("code")
_SEVERITY = attrgetter("severity")


def summary_of(
    loaded: Loaded,
    powers: Sequence[PowerItem],
    result: MatchResult,
    gaps: Sequence[GapRow],
    *,
    rejections: int = 0,
) -> Summary:
    """The run's summary (summary.json): inputs, match counts, gaps by type, row issues by code."""
    counts = Counter(g.gap_type.value for g in gaps)
    # Counted in C (the codes and severities are str enums): a unit of a partitioned run carries every
    # file's issues, so a Python loop here cost each unit as much as the whole province's issues.
    issue_counts = Counter(map(_CODE, loaded.issues))
    severities = Counter(map(_SEVERITY, loaded.issues))
    # Confirmations (links matched by decision) and rejections (candidates never proposed again) alike.
    decisions_applied = sum(1 for lk in result.links if lk.method is Method.DECISION) + rejections
    return Summary(
        quanze_version=__version__,
        inputs=loaded.inputs,
        match=match_counts(powers, loaded.services, result, decisions_applied),
        gaps={g.value: counts.get(g.value, 0) for g in GapType},
        invalid_rows=severities[Severity.ERROR],
        issues={code.value: n for code, n in sorted(issue_counts.items())},
    )


def reconcile_result(analysis: Analysis, gaps: list[GapRow]) -> ReconcileResult:
    """A reconcile run as its result: summary, link rows, gaps, usage, acceptance and cascade tables."""
    loaded, acceptance, cascade = analysis.loaded, analysis.acceptance, analysis.cascade
    result = ReconcileResult(
        summary=summary_of(loaded, analysis.powers, analysis.result, gaps, rejections=analysis.rejections),
        matches=match_rows(analysis.powers, loaded.services, analysis.result),
        gaps=gaps,
        usage=usage(loaded.services),
        acceptance=acceptance.progress() if acceptance else [],
        cascade=cascade.rows if cascade else [],
        supervision_tracked=any(p.supervision_department or p.supervision_method for p in loaded.devolved),
        cascade_levels=cascade.levels if cascade else [],
        issues=loaded.issues,
    )
    result.summary.unmeasured = unmeasured(result)
    note_earlier_decisions(result.matches, analysis.lapsed)
    return result

"""The match result as tables: a row per link (or power left without one) and the counts of the summary."""

from __future__ import annotations

from collections.abc import Sequence

from quanze.match import MatchResult, power_key, service_key
from quanze.models import PowerItem, ServiceItem, Status
from quanze.results import MatchCounts, MatchRow


def match_rows(
    powers: Sequence[PowerItem], services: Sequence[ServiceItem], result: MatchResult
) -> list[MatchRow]:
    def src(item: PowerItem | ServiceItem) -> str:
        return f"{item.source.file} › {item.source.sheet} › {item.source.row}"

    rank = {Status.MATCHED: 0, Status.REVIEW: 1, Status.UNMATCHED: 2}
    rows: list[tuple[tuple[object, ...], MatchRow]] = []
    for lk in result.links:
        p, s = powers[lk.power], services[lk.service]
        row = MatchRow.model_construct(
            power_code=p.code,
            power_name=p.title,
            service_code=s.code,
            service_name=s.name,
            score=lk.score,
            method=lk.method,
            status=lk.status,
            reason=lk.reason,
            unit=s.unit,
            power_department=p.department,
            power_office=p.handling_office,
            service_department=s.department,
            power_source=src(p),
            service_source=src(s),
            power_key=power_key(p),
            service_key=service_key(s),
        )
        rows.append(((s.unit or "", lk.power, rank[lk.status], -lk.score, lk.service), row))
    for pi, unit in result.unmatched:
        p = powers[pi]
        row = MatchRow.model_construct(
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
            power_source=src(p),
            power_key=power_key(p),
        )
        rows.append(((unit or "", pi, 2, 0.0, -1), row))
    rows.sort(key=lambda r: r[0])
    return [r for _, r in rows]


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

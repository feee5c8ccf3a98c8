"""Why one power or service item was linked as it was: its normalised name, every candidate, the decisions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from quanze.addressing import applies_to
from quanze.decisions import DecisionRecord, decision_book
from quanze.match.candidates import Index
from quanze.match.catalogue import match_catalogue
from quanze.match.contrasts import contrast
from quanze.match.doubts import NO_SUBJECT_NOTE, no_common_subject_at_all
from quanze.match.evidence import effective_category, family_stem
from quanze.match.inquiries import inquiry_for_another
from quanze.match.model import DecisionBook, Link, MatchOptions, MatchResult, power_key, service_key
from quanze.match.scoring import Candidate, Prepared, prepare, prepare_power, score_pair
from quanze.models import PowerItem, ServiceItem
from quanze.normalize import split_name


class ExplainedCandidate(BaseModel):
    """One candidate considered: its score, method and reason, and why it was kept or dropped."""

    unit: str | None
    code: str | None
    name: str
    score: float | None = Field(description="the candidate's own score, before the review cut-off")
    method: str | None
    status: Literal["matched", "review", "dropped"]
    reason: str
    why: str


class Explanation(BaseModel):
    """How quanze read one item and what it did with it."""

    kind: Literal["power", "service"]
    name: str
    code: str | None
    unit: str | None
    source: str
    key: str
    core: str = Field(description="the name as compared: widths folded, handling word and level taken off")
    handling: str | None
    level: str | None
    category: str | None
    enforcement: bool
    listed_parts: list[str]
    family: str | None
    candidates: list[ExplainedCandidate]
    decisions: list[DecisionRecord]


def _loose(options: MatchOptions) -> MatchOptions:
    """The same options with no review cut-off, to show the score of candidates that were dropped."""
    return options.model_copy(update={"review_threshold": 0.0})


def _why(
    link: Link | None,
    raw: float | None,
    clash: bool,
    rejected: bool,
    options: MatchOptions,
    apart: tuple[str, str] | None = None,
    inquiry: bool = False,
    no_subject: bool = False,
) -> str:
    if rejected:
        return "否决：分析人员已否决该对应关系"
    if link is not None:
        return f"保留：{'已匹配' if link.status.value == 'matched' else '待复核'}"
    if clash:
        return "舍弃：事项类别不同（处罚、强制、检查类与许可类），仅名称相近不能对应"
    if apart is not None and raw is None:
        return f"舍弃：名称中有相对的字词（{apart[0]}/{apart[1]}），不是同一事项"
    if raw is None or raw < options.review_threshold:
        return f"舍弃：得分低于复核线（{options.review_threshold:g}）"
    if inquiry:
        return "舍弃：办理项为查询、咨询或指引类信息服务，不是该事项的办理项"
    if no_subject:
        return f"舍弃：{NO_SUBJECT_NOTE}"
    return "舍弃：另有得分更高或更确定的候选"


def _matched(
    powers: Sequence[PowerItem],
    services: Sequence[ServiceItem],
    options: MatchOptions,
    records: Sequence[DecisionRecord],
    units: Sequence[str],
) -> tuple[DecisionBook, MatchResult]:
    """The analyst's decisions and the whole run's links, which an explanation compares each candidate to."""
    book = decision_book(records)
    return book, match_catalogue(powers, services, options=options, decisions=book, units=units)


def _candidate(
    link: Link | None,
    cand: Candidate | None,
    src: Prepared,
    tgt: Prepared,
    options: MatchOptions,
    *,
    unit: str | None,
    code: str | None,
    name: str,
    rejected: bool,
) -> ExplainedCandidate:
    """One candidate as explained: the kept link's figures, or the pair's own score and why it was dropped."""
    return ExplainedCandidate(
        unit=unit,
        code=code,
        name=name,
        score=link.score if link else (cand.score if cand else None),
        method=(link.method.value if link else (cand.method.value if cand else None)),
        status=link.status.value if link else "dropped",
        reason=link.reason if link else (cand.reason if cand else "名称、编码都不相近"),
        why=_why(
            link,
            cand.score if cand else None,
            src.kind_clash(tgt),
            rejected,
            options,
            contrast(src.core, tgt.core, options.contrast_groups()),
            inquiry_for_another(src.full, tgt.full),
            no_common_subject_at_all(src, tgt),
        ),
    )


def _header(item: PowerItem | ServiceItem, kind: Literal["power", "service"], key: str) -> dict[str, object]:
    name = item.title
    parts = split_name(name)
    prepared = (
        prepare_power(item)
        if isinstance(item, PowerItem)
        else prepare(name, None, item.code, None, item.category)
    )
    category = effective_category(item.category, name)
    return {
        "kind": kind,
        "name": name,
        "code": item.code,
        "unit": item.unit,
        "source": f"{item.source.file} › {item.source.sheet} › {item.source.row}",
        "key": key,
        "core": parts.core,
        "handling": parts.handling,
        "level": parts.level,
        "category": category.value if category else None,
        "enforcement": prepared.enforcement,
        "listed_parts": list(prepared.parts),
        "family": family_stem(item.code),
    }


def _code_agreement(src: Prepared, tgt: Prepared) -> bool | None:
    """True for equal codes, False for a service code that extends the power's, None otherwise."""
    if not src.code or not tgt.code:
        return None
    if src.code == tgt.code:
        return True
    return False if tgt.code_stem and src.code.startswith(tgt.code_stem) else None


def _service_prepared(s: ServiceItem) -> tuple[Prepared, Prepared | None]:
    src = prepare(s.name, None, s.code, s.department, s.category)
    parent = (
        prepare(s.parent_power_name, None, s.parent_power_code, s.department) if s.parent_power_name else None
    )
    return src, parent


def explain_service(
    powers: Sequence[PowerItem],
    services: Sequence[ServiceItem],
    si: int,
    *,
    options: MatchOptions | None = None,
    records: Sequence[DecisionRecord] = (),
    units: Sequence[str] = (),
) -> Explanation:
    """Every power considered for one service item, with the matcher's outcome for each."""
    options = options or MatchOptions()
    book, result = _matched(powers, services, options, records, units)
    s = services[si]
    skey = service_key(s)
    links = {lk.power: lk for lk in result.links if lk.service == si}
    members = [pi for pi, p in enumerate(powers) if p.role != "main" and applies_to(p, s.unit)]
    index = Index([prepare_power(powers[pi]) for pi in members])
    src, parent = _service_prepared(s)
    considered: set[int] = set()
    for code in {src.code, parent.code if parent else None} - {None}:
        considered |= {members[t] for t, _ in index.code_hits(code)}
    for q in {src.core, src.full, *((parent.core,) if parent else ())}:
        considered |= {members[t] for t in index.by_core.get(q, ())}
        considered |= {members[t] for t in index.fuzzy_candidates(q, options.candidates)}
    considered |= set(links)
    rejected = {pk for pk, d in book.get(skey, {}).items() if d.value == "reject"}
    loose = _loose(options)
    out = []
    for pi in sorted(considered):
        tgt = prepare_power(powers[pi])
        cand = score_pair(src, tgt, loose, code_exact=_code_agreement(src, tgt), parent=parent)
        link = links.get(pi)
        out.append(
            _candidate(
                link,
                cand,
                src,
                tgt,
                options,
                unit=s.unit,
                code=powers[pi].code,
                name=powers[pi].title,
                rejected=power_key(powers[pi]) in rejected,
            )
        )
    out.sort(key=lambda c: (c.status == "dropped", -(c.score or 0.0), c.name))
    header = _header(s, "service", skey)
    return Explanation(
        **header,
        candidates=out,
        decisions=[r for r in records if r.service_key == skey],
    )


def explain_power(
    powers: Sequence[PowerItem],
    services: Sequence[ServiceItem],
    pi: int,
    *,
    options: MatchOptions | None = None,
    records: Sequence[DecisionRecord] = (),
    units: Sequence[str] = (),
) -> Explanation:
    """Every service item considered for one power, at every unit where the power is expected."""
    options = options or MatchOptions()
    book, result = _matched(powers, services, options, records, units)
    p = powers[pi]
    pkey = power_key(p)
    links = {lk.service: lk for lk in result.links if lk.power == pi}
    tgt = prepare_power(p)
    pool = [si for si, s in enumerate(services) if applies_to(p, s.unit)]
    index = Index([_service_prepared(services[si])[0] for si in pool])
    considered = {pool[t] for t in index.fuzzy_candidates(tgt.core, options.candidates * 2)}
    for q in (tgt.core, *tgt.parts, *((tgt.alt_core,) if tgt.alt_core else ())):
        considered |= {pool[t] for t in index.by_core.get(q, ())}
    considered |= {
        pool[t] for t, prepared in enumerate(index.targets) if _code_agreement(prepared, tgt) is not None
    }
    considered |= set(links)
    loose = _loose(options)
    out = []
    for si in sorted(considered):
        s = services[si]
        src, parent = _service_prepared(s)
        cand = score_pair(src, tgt, loose, code_exact=_code_agreement(src, tgt), parent=parent)
        link = links.get(si)
        rejected = (
            book.get(service_key(s), {}).get(pkey) is not None
            and book[service_key(s)][pkey].value == "reject"
        )
        out.append(
            _candidate(
                link, cand, src, tgt, options, unit=s.unit, code=s.code, name=s.name, rejected=rejected
            )
        )
    out.sort(key=lambda c: (c.status == "dropped", -(c.score or 0.0), c.unit or "", c.name))
    header = _header(p, "power", pkey)
    return Explanation(
        **header,
        candidates=out,
        decisions=[r for r in records if r.power_key == pkey],
    )

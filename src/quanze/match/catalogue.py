"""Catalogue matching: link each service item to the power it implements, unit by unit."""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import partial
from typing import Final

from quanze.addressing import DEFAULT, Addressing
from quanze.match.candidates import Index, collect
from quanze.match.distinct_runs import propose_by_distinct_run
from quanze.match.doubts import TIE_MARK, drop_no_subject, rank_doubtful
from quanze.match.evidence import family_stem, is_placeholder
from quanze.match.families import quiet_family_links, unanimous_owner
from quanze.match.inquiries import drop_inquiries
from quanze.match.joint import link_partner_rows
from quanze.match.kind_qualifier import propose_by_kind
from quanze.match.kinds import unit_kind_links
from quanze.match.model import (
    Decision,
    DecisionBook,
    Link,
    MatchOptions,
    MatchResult,
    Method,
    Status,
    power_key,
    service_key,
)
from quanze.match.row_order import propose_by_row_order
from quanze.match.scoring import (
    KEY_WORD_NOTE,
    Candidate,
    Prepared,
    Scorer,
    prepare,
    prepare_power,
    shared_scorer,
    similarity,
)
from quanze.match.settle import CONFIDENT, Found, Tied, settle, shares_only_subject
from quanze.match.short_forms import propose_read_in_full
from quanze.match.siblings import drop_strays, propose_for_uncoded, propose_for_unlinked
from quanze.match.sub_acts import narrow_by_act
from quanze.match.subject_kinds import propose_kinds_of_class
from quanze.models import PowerItem, ServiceItem
from quanze.normalize import name_key

# ---------------------------------------------------------------------------------------------- matching


def _partition_key(unit: str | None) -> str:
    return name_key(unit) if unit else ""


def match_catalogue(
    powers: Sequence[PowerItem],
    services: Sequence[ServiceItem],
    *,
    options: MatchOptions | None = None,
    decisions: DecisionBook | None = None,
    units: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
    addressing: Addressing = DEFAULT,
    workers: int | None = None,
) -> MatchResult:
    """Find, for every service item, the power it implements; report powers and items left without one.

    Service items are matched within their unit (行政区划) against the powers expected at that unit. The
    strongest evidence wins: an analyst's decision, a code, an exact core name, then fuzzy similarity.
    `units` names receiving units to cover even when the catalogue holds no item of theirs (all unmatched).
    Units are independent partitions: matching a subset of units gives the same links for those units.
    `workers` > 1 matches groups of units in forked processes (the links are the same); None decides by
    size: two on a large catalogue where fork is available, else one.
    """
    options = options or MatchOptions()
    scorer = shared_scorer(options)
    result = MatchResult()
    by_unit: dict[str, list[int]] = defaultdict(list)
    unit_names: dict[str, str | None] = {}
    for si, s in enumerate(services):
        k = _partition_key(s.unit)
        by_unit[k].append(si)
        unit_names.setdefault(k, s.unit)
    for named in units:
        unit_names.setdefault(_partition_key(named), named)
    if not unit_names:
        unit_names[""] = None
    # Powers of one unit's own list go to that unit only; the others are tested against each unit.
    own_unit: dict[str, list[int]] = defaultdict(list)
    floating: list[int] = []
    for pi, p in enumerate(powers):
        if p.role == "main":
            continue  # a main item (主项) is served through its sub-items (子项)
        if p.unit:
            own_unit[_partition_key(p.unit)].append(pi)
        else:
            floating.append(pi)
    run = _Run(
        powers,
        services,
        scorer,
        decisions,
        addressing,
        by_unit,
        unit_names,
        own_unit,
        floating,
        options,
    )
    ukeys = sorted(unit_names)
    jobs = _workers(workers, len(services), len(ukeys))
    outs = _in_pool(run, ukeys, jobs, progress) if jobs > 1 else _in_turn(run, ukeys, progress)
    for ukey in ukeys:
        links, orphans, unmatched, ambiguous = outs[ukey]
        result.links += links
        result.orphans += orphans
        result.unmatched += unmatched
        result.ambiguous += ambiguous
    if progress is not None:
        progress(len(services), len(services))
    # Links come by unit (partition keys in order), each unit's sorted by power, score and service item.
    return result


# What one unit gives: links (power, service, score, method, status, reason), orphans, unmatched, ambiguous.
_UnitOut = tuple[
    list[tuple[int, int, float, Method, Status, str]], list[int], list[tuple[int, str | None]], int
]
# The same with its links made Links: by the parent as each group of units comes back from the pool, while
# the workers still match the rest (tuples travel between processes faster than Links).
_UnitLinks = tuple[list[Link], list[int], list[tuple[int, str | None]], int]


def _with_links(out: _UnitOut) -> _UnitLinks:
    links, orphans, unmatched, ambiguous = out
    return [Link(*link) for link in links], orphans, unmatched, ambiguous


@dataclass(frozen=True, slots=True)
class _Run:
    """What matching a unit needs from the whole run; shared with forked workers, never pickled."""

    powers: Sequence[PowerItem]
    services: Sequence[ServiceItem]
    scorer: Scorer
    decisions: DecisionBook | None
    addressing: Addressing
    by_unit: Mapping[str, list[int]]
    unit_names: Mapping[str, str | None]
    own_unit: Mapping[str, list[int]]
    floating: Sequence[int]
    options: MatchOptions


def _match_unit(run: _Run, ukey: str, tick: Callable[[], None] | None = None) -> _UnitOut:
    """Links, orphans and unmatched powers of one unit (行政区划): units are independent partitions."""
    powers, services, scorer, decisions = run.powers, run.services, run.scorer, run.decisions
    unit = run.unit_names[ukey]
    extra = [pi for pi in run.floating if run.addressing.applies_to(powers[pi], unit)]
    if unit is not None:
        members = sorted(run.own_unit.get(ukey, []) + extra)
    else:  # a catalogue with no 行政区划: every power is a candidate
        members = [pi for pi, p in enumerate(powers) if p.role != "main"]
    # Powers are prepared here, in the worker that matches the unit, not all of them before the pool starts.
    index = Index([prepare_power(powers[pi]) for pi in members])
    local_of: dict[str, list[int]] = defaultdict(list)
    if decisions:  # only analysts' decisions name powers by key
        for local, pi in enumerate(members):
            local_of[power_key(powers[pi])].append(local)
    in_unit = run.by_unit.get(ukey, [])
    families = _families(services, in_unit)
    parents = _family_parents(services, families)
    found_by: dict[int, list[Found]] = {}
    ambiguous_count = 0
    items: dict[int, Prepared] = {}
    parent_by: dict[int, Prepared | None] = {}
    for si in in_unit:
        s = services[si]
        parent = parent_by[si] = _parent_of(s, parents.get(si))
        items[si] = _item_prepared(s, parent)
        found, ambiguous = _match_one(s, items[si], parent, index, scorer, decisions, local_of)
        ambiguous_count += ambiguous
        found_by[si] = found
        if tick is not None:
            tick()
    work = UnitWork(
        services=services,
        in_unit=in_unit,
        items=items,
        parent_of=parent_by.__getitem__,
        families=families,
        parents=parents,
        found_by=found_by,
        own_found={},
        index=index,
        scorer=scorer,
        options=run.options,
        decisions=decisions,
        local_of=local_of,
        rejected_at=partial(_rejected_at, services, decisions, local_of),
        remarks=[powers[pi].remarks for pi in members],
    )
    for rule in UNIT_PASSES:
        rule.run(work)
    links: list[tuple[int, int, float, Method, Status, str]] = []
    orphans: list[int] = []
    linked: set[int] = set()
    for si in in_unit:
        for local, score, method, status, reason in found_by[si]:
            links.append((members[local], si, score, method, status, reason))
            linked.add(members[local])
        if not found_by[si]:
            orphans.append(si)
    unmatched = [(pi, unit) for pi in members if pi not in linked]
    # In the order the result lists a unit's links (each worker sorts its own units).
    links.sort(key=lambda lk: (lk[0], -lk[2], lk[1]))
    return links, orphans, unmatched, ambiguous_count


def _in_turn(
    run: _Run, ukeys: Sequence[str], progress: Callable[[int, int], None] | None
) -> dict[str, _UnitLinks]:
    done = 0
    total = len(run.services)

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % 500 == 0:
            progress(done, total)

    return {ukey: _with_links(_match_unit(run, ukey, tick)) for ukey in ukeys}


# Below this many service items a pool costs more than it saves (forking, sending the links back).
POOL_MIN_ITEMS = 20_000
_POOL_RUN: _Run | None = None  # the run a forked worker inherits


def _workers(requested: int | None, items: int, units: int) -> int:
    """How many processes match the units: as asked, or two on a large catalogue when fork is there."""
    if units < 2:
        return 1
    if requested is not None:
        return max(1, min(requested, units))
    usable = (
        "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon
    )
    if not usable or items < POOL_MIN_ITEMS:
        return 1
    return min(2, os.cpu_count() or 1)


def _pooled(ukeys: Sequence[str]) -> list[tuple[str, _UnitOut]]:
    run = _POOL_RUN
    if run is None:  # pragma: no cover - only a worker forked by _in_pool calls this
        raise RuntimeError("a matching worker started without its run")
    return [(ukey, _match_unit(run, ukey)) for ukey in ukeys]


def _in_pool(
    run: _Run, ukeys: Sequence[str], jobs: int, progress: Callable[[int, int], None] | None
) -> dict[str, _UnitLinks]:
    """The units matched by `jobs` forked workers, in groups of about equal size; the same as in turn."""
    global _POOL_RUN
    # Many small groups, handed out as workers free up: the last ones end close together.
    groups: list[list[str]] = [[] for _ in range(jobs * 16)]
    sizes = [0] * len(groups)
    for ukey in sorted(ukeys, key=lambda k: (-len(run.by_unit.get(k, ())), k)):
        g = sizes.index(min(sizes))
        groups[g].append(ukey)
        sizes[g] += len(run.by_unit.get(ukey, ())) + 1
    groups = [g for g in groups if g]
    outs: dict[str, _UnitLinks] = {}
    done = 0
    _POOL_RUN = run
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            for future in as_completed([pool.submit(_pooled, group) for group in groups]):
                for ukey, out in future.result():
                    outs[ukey] = _with_links(out)
                    done += len(run.by_unit.get(ukey, ()))
                if progress is not None:
                    progress(done, len(run.services))
    except (BrokenProcessPool, OSError):
        # A worker that could not start or was killed (out of memory): the units left are matched in turn,
        # which gives the same links.
        rest = [ukey for ukey in ukeys if ukey not in outs]
        outs.update(_in_turn(run, rest, None))
        if progress is not None:
            progress(len(run.services), len(run.services))
    finally:
        _POOL_RUN = None
    return outs


_Parent = tuple[str, str | None]  # the power a service item names: name, code


def _families(services: Sequence[ServiceItem], in_unit: Sequence[int]) -> dict[str, list[int]]:
    """Service items of one unit grouped by the main-item stem of their codes (two or more per family)."""
    families: dict[str, list[int]] = defaultdict(list)
    for si in in_unit:
        stem = family_stem(services[si].code)  # (remembered by code in evidence)
        if stem:
            families[stem].append(si)
    return {stem: members for stem, members in families.items() if len(members) >= 2}


def _family_parents(services: Sequence[ServiceItem], families: Mapping[str, list[int]]) -> dict[int, _Parent]:
    """A parent power (主项名称 / 基本目录名称) given on some items of a family counts for all of them."""
    out: dict[int, _Parent] = {}
    for members in families.values():
        given = [services[si] for si in members if not is_placeholder(services[si].parent_power_name)]
        names = {name_key(s.parent_power_name or "") for s in given}
        if len(names) != 1:
            continue  # none given, or the family disagrees with itself: nothing to spread
        first = given[0]
        for si in members:
            if is_placeholder(services[si].parent_power_name):
                out[si] = (first.parent_power_name or "", first.parent_power_code)
    return out


def _rejected(s: ServiceItem, decisions: DecisionBook | None, local_of: Mapping[str, list[int]]) -> set[int]:
    if decisions is None:
        return set()
    book = decisions.get(service_key(s), {})
    return {local for pk, d in book.items() if d is Decision.REJECT for local in local_of.get(pk, ())}


def _rejected_at(
    services: Sequence[ServiceItem],
    decisions: DecisionBook | None,
    local_of: Mapping[str, list[int]],
    si: int,
) -> set[int]:
    return _rejected(services[si], decisions, local_of)


def _family_links(
    services: Sequence[ServiceItem],
    families: Mapping[str, list[int]],
    found_by: dict[int, list[Found]],
    index: Index,
    scorer: Scorer,
    decisions: DecisionBook | None,
    local_of: Mapping[str, list[int]],
    parents: Mapping[int, _Parent],
) -> None:
    """Siblings of a code family follow the power the rest of the family matched.

    Handling items of one power share the main-item stem of their codes (511Z18278001 … 011). When some
    of a family are matched to a power, the others become its candidates: matched when the name supports
    the link as well, review otherwise. A stem whose items matched several powers only proposes.
    """
    options = scorer.options
    for stem, members in sorted(families.items()):
        matched = {f[0] for si in members for f in found_by[si] if f[3] is Status.MATCHED}
        proposes_only = not matched
        if not matched:
            # No item of the family is matched: a power most of its reviewed items put first is proposed.
            firsts = [min(found_by[si], key=lambda f: (-f[1], f[0])) for si in members if found_by[si]]
            # Only a confident review is a vote: a weak or doubtful one says little about the family.
            tops = Counter(f[0] for f in firsts if f[1] >= CONFIDENT and KEY_WORD_NOTE not in f[4])
            if tops:
                top, votes = tops.most_common(1)[0]
                if votes >= 2 and votes * 2 > sum(tops.values()):
                    matched = {top}
            if not matched:
                # Every linked member points at one power, confidently: the unlinked ones are proposed for it.
                linked = [[(f[0], f[1], f[4]) for f in found_by[si]] for si in members if found_by[si]]
                agreed = unanimous_owner(linked, len(members))
                matched = {agreed} if agreed is not None else set()
        # Sub-items of one main item share its code stem: the family points at all of them, so it proposes.
        siblings = {s for t in matched for s in index.by_main.get(index.targets[t].alt_core or "", ())}
        owners = sorted(matched | siblings)
        if not owners:
            continue
        for si in members:
            if any(f[3] is Status.MATCHED for f in found_by[si]):
                continue
            if len(owners) > 1 and any(f[0] in owners for f in found_by[si]):
                continue  # the names already chose among the family's powers; the family adds nothing
            if proposes_only and any(f[0] not in owners for f in found_by[si]):
                continue  # a vote of its siblings does not outweigh the item's own name pointing elsewhere
            s = services[si]
            src = prepare(s.name, None, s.code, s.department, s.category)
            # The name that supports a sibling's link is its own (or the parent it names itself): a parent
            # spread from the family would make the family vouch for itself.
            parent = _parent_of(s, None)
            rejected = _rejected(s, decisions, local_of)
            note = f"同一编码族（{stem}）的其他办理项" + (
                "多指向该事项" if proposes_only else "已匹配到该事项"
            )
            if len(owners) > 1:
                note += f"（该编码族对应{len(owners)}个事项）"
            proposed: dict[int, Found] = {f[0]: f for f in found_by[si]}
            for t in owners:
                if t in rejected:
                    continue
                cand = scorer(src, index.targets[t], code_exact=None, parent=parent)
                name_score = cand.score if cand is not None else 0.0
                supports = name_score >= CONFIDENT and not shares_only_subject(src, index.targets[t])
                if len(owners) == 1 and not proposes_only and supports:
                    score = max(name_score, options.match_threshold)
                    found_by[si] = [
                        (t, score, Method.CODE, Status.MATCHED, f"{note}；{cand.reason if cand else ''}")
                    ]
                    break
                score = min(max(name_score, options.review_threshold), options.match_threshold - 1.0)
                reason = note + (f"；{cand.reason}" if cand is not None else "")
                if t not in proposed or proposed[t][1] < score:
                    proposed[t] = (t, score, Method.CODE, Status.REVIEW, reason)
            else:
                found_by[si] = sorted(proposed.values(), key=lambda f: (-f[1], f[0]))


# ---------------------------------------------------------------------------------------------- unit passes


@dataclass(slots=True)
class UnitWork:
    """What the rules after the first links read and update for one unit: `found_by` (each item's links, by
    local power index) is updated in place, pass after pass."""

    services: Sequence[ServiceItem]
    in_unit: Sequence[int]
    items: Mapping[int, Prepared]
    parent_of: Callable[[int], Prepared | None]
    families: Mapping[str, list[int]]
    parents: Mapping[int, _Parent]
    found_by: dict[int, list[Found]]
    own_found: dict[int, list[Found]]  # each item's own links, before its code family proposed any
    index: Index
    scorer: Scorer
    options: MatchOptions
    decisions: DecisionBook | None
    local_of: Mapping[str, list[int]]
    rejected_at: Callable[[int], set[int]]
    remarks: Sequence[str | None]


@dataclass(frozen=True, slots=True)
class UnitPass:
    """A rule run on a unit's links after the first ones: its name, the function it runs (looked up in this
    module when it runs, so that tools/matchstages.py can time it by name), and what it may add and drop."""

    name: str
    function: Callable[..., None]
    run: Callable[[UnitWork], None]
    adds: str
    drops: str


def _run_family_links(w: UnitWork) -> None:
    w.own_found.update(w.found_by)  # what settling weighs as each item's own links
    _family_links(w.services, w.families, w.found_by, w.index, w.scorer, w.decisions, w.local_of, w.parents)


# The rules after the first links, in the order they run; each reads what the ones before it left. A rule module's
# pass is any public function of quanze.match taking `found_by` (tests/test_unit_passes.py holds this list to
# that, and tools/matchstages.py times each entry).
UNIT_PASSES: Final[tuple[UnitPass, ...]] = (
    UnitPass(
        "drop no subject",
        drop_no_subject,
        lambda w: drop_no_subject(w.in_unit, w.items, w.found_by, w.index.targets),
        adds="nothing",
        drops="review links by wording whose names share no subject",
    ),
    UnitPass(
        "unit kinds",
        unit_kind_links,
        lambda w: unit_kind_links(
            w.in_unit, w.items, w.found_by, w.index.targets, w.scorer, w.parent_of, w.rejected_at
        ),
        adds="review links to powers on units in general, for items with no matched link",
        drops="nothing",
    ),
    UnitPass(
        "family links",
        _family_links,
        _run_family_links,
        adds="matched or review links by code family, for members with no matched link",
        drops="an unmatched member's links, replaced by its family's",
    ),
    UnitPass(
        "settle",
        settle,
        lambda w: settle(
            w.services,
            w.items,
            w.in_unit,
            w.families,
            w.own_found,
            w.found_by,
            w.index.targets,
            w.options,
            w.rejected_at,
        ),
        adds="nothing (review links settled as matched)",
        drops="links a main-item code or an agreeing family rules out",
    ),
    UnitPass(
        "narrow by act",
        narrow_by_act,
        lambda w: narrow_by_act(w.in_unit, w.found_by, w.items, w.index.targets),
        adds="nothing",
        drops="review links to sub-items the item's act rules out",
    ),
    UnitPass(
        "drop inquiries",
        drop_inquiries,
        lambda w: drop_inquiries(w.in_unit, w.found_by, w.items, w.index.targets),
        adds="nothing",
        drops="review links by name from an information service to a power that is none",
    ),
    UnitPass(
        "propose by kind",
        propose_by_kind,
        lambda w: propose_by_kind(w.in_unit, w.found_by, w.items, w.index.targets, w.options, w.rejected_at),
        adds="a review link for an unlinked item, to the one power named for its kind",
        drops="nothing",
    ),
    UnitPass(
        "drop strays",
        drop_strays,
        lambda w: drop_strays(w.in_unit, w.found_by, w.items, w.index.targets, w.options),
        adds="nothing",
        drops="weak review links to another department's power from an item its family places at home",
    ),
    UnitPass(
        "propose for unlinked",
        propose_for_unlinked,
        lambda w: propose_for_unlinked(
            w.families, w.found_by, w.items, w.index.targets, w.options, w.rejected_at
        ),
        adds="a review link for a family's unlinked members, to the one power its linked members point at",
        drops="nothing",
    ),
    UnitPass(
        "propose for uncoded",
        propose_for_uncoded,
        lambda w: propose_for_uncoded(
            w.in_unit, w.families, w.found_by, w.items, w.index.targets, w.options, w.rejected_at
        ),
        adds="a review link for an unlinked item with no code, to the power of the family it begins like",
        drops="nothing",
    ),
    UnitPass(
        "read in full",
        propose_read_in_full,
        lambda w: propose_read_in_full(
            w.in_unit,
            w.found_by,
            w.items,
            w.index.targets,
            w.options,
            w.rejected_at,
            postings=w.index.postings,
        ),
        adds="review links for items with no matched link, to the powers their short forms name in full",
        drops="nothing",
    ),
    UnitPass(
        "quiet family links",
        quiet_family_links,
        lambda w: quiet_family_links(
            w.families, w.items, w.parent_of, w.found_by, w.index, w.options, w.rejected_at
        ),
        adds="review links for every member of an unlinked family, to the power their weak names agree on",
        drops="nothing",
    ),
    UnitPass(
        "kinds of class",
        propose_kinds_of_class,
        lambda w: propose_kinds_of_class(
            w.in_unit, w.found_by, w.items, w.index.targets, w.options, w.rejected_at
        ),
        adds="a review link for an item with no matched link, to the power on the class it names a kind of",
        drops="nothing",
    ),
    UnitPass(
        "distinct run",
        propose_by_distinct_run,
        lambda w: propose_by_distinct_run(
            w.in_unit,
            w.found_by,
            w.items,
            w.index.targets,
            w.options,
            w.rejected_at,
            w.index.postings,
            w.families,
        ),
        adds="review links for unlinked items (and their families), to the one power holding their run",
        drops="nothing",
    ),
    UnitPass(
        "row order",
        propose_by_row_order,
        lambda w: propose_by_row_order(
            w.in_unit,
            w.found_by,
            w.items,
            w.index.targets,
            w.options,
            w.rejected_at,
            w.services,
            w.index.postings,
        ),
        adds="review links for unlinked items with no code, to the power of the catalogue rows around them",
        drops="nothing",
    ),
    UnitPass(
        "partner rows",
        link_partner_rows,
        lambda w: link_partner_rows(w.in_unit, w.found_by, w.index.targets, w.rejected_at, remarks=w.remarks),
        adds="links to the other department's row of a power two departments hold",
        drops="nothing",
    ),
    UnitPass(
        "rank doubtful",
        rank_doubtful,
        lambda w: rank_doubtful(w.in_unit, w.items, w.found_by, w.index.targets, w.options),
        adds="nothing (doubtful review links lowered to the review line, the doubt named)",
        drops="nothing",
    ),
)


def _parent_of(s: ServiceItem, spread: _Parent | None) -> Prepared | None:
    """The power a service item names (主项名称), its own or one its code family gives; placeholders are none."""
    if not is_placeholder(s.parent_power_name):
        return prepare(s.parent_power_name or "", None, s.parent_power_code, s.department)
    if spread is not None:
        return prepare(spread[0], None, spread[1], s.department)
    return None


SPREAD_PARENT_NOTE = "；该名称来自同一编码族其他办理项所填的基本目录名称（编码族可能对应多个事项）"


def _spread_parent_proposes(
    src: Prepared, cands: dict[int, Candidate], index: Index, scorer: Scorer, rejected: set[int]
) -> dict[int, Candidate]:
    """A parent spread from the item's code family proposes, it does not decide.

    Other items of the family name the parent, this one does not, and a stem may hold the items of several
    powers: a link only that parent makes sure of is reviewed, not matched, unless the item's own name
    points to the same power at least as well as to any other.
    """
    options = scorer.options
    own = collect(src, index, scorer, rejected=rejected)
    own_best = max((c.score for c in own.values()), default=0.0)
    out: dict[int, Candidate] = {}
    for t, c in cands.items():
        mine = own.get(t)
        supported = (
            mine is not None
            and mine.score >= CONFIDENT
            and mine.score >= own_best
            and KEY_WORD_NOTE not in mine.reason
        )
        if c.score >= options.match_threshold and not supported and (mine is None or mine.score < c.score):
            review = min(c.score, options.match_threshold - options.margin)
            c = Candidate(t, review, c.method, c.reason + SPREAD_PARENT_NOTE)
        out[t] = c
    for t, mine in own.items():  # the parent may hide what the item's own name finds
        if t not in out or mine.score > out[t].score:
            out[t] = mine
    return out


def _item_prepared(s: ServiceItem, parent: Prepared | None) -> Prepared:
    """A service item as matching and settling compare it: its kind follows the power it names."""
    src = prepare(s.name, None, s.code, s.department, s.category)
    if parent is not None and parent.enforcement and not src.enforcement:
        return replace(src, enforcement=True)  # a handling item of a penalty is a penalty's item
    if parent is not None and parent.grant and not src.grant:
        return replace(src, grant=True)  # a handling item of a licence (劳务派遣经营许可 › …书面报告)
    return src


def _match_one(
    s: ServiceItem,
    src: Prepared,
    parent: Prepared | None,
    index: Index,
    scorer: Scorer,
    decisions: DecisionBook | None,
    local_of: Mapping[str, list[int]],
) -> tuple[list[Found], bool]:
    """Links of one service item (prepared as `src`, naming `parent`) to the partition's powers (local
    indices), and whether it was ambiguous."""
    options = scorer.options
    spread = parent is not None and is_placeholder(s.parent_power_name)
    rejected: set[int] = set()
    skey = service_key(s) if decisions else ""  # no decisions, no key to look up
    if decisions and skey in decisions:
        confirmed: list[int] = []
        for pk, d in decisions[skey].items():
            for local in local_of.get(pk, ()):
                if d is Decision.CONFIRM:
                    confirmed.append(local)
                else:
                    rejected.add(local)
        if confirmed:
            return [(t, 100.0, Method.DECISION, Status.MATCHED, "分析人员已确认") for t in confirmed], False

    cands = collect(src, index, scorer, parent=parent, rejected=rejected)
    if spread and cands:
        cands = _spread_parent_proposes(src, cands, index, scorer, rejected)
    if not cands:
        return [], False
    ranked = sorted(cands.values(), key=lambda c: (-c.score, c.target))
    best = ranked[0]
    links: list[Found] = []
    if best.score >= options.match_threshold:
        rivals = [c for c in ranked[1:] if c.score > best.score - options.margin]
        if not rivals:
            return [(best.target, best.score, best.method, Status.MATCHED, best.reason)], False
        own = _own_name_pick(src, [best, *rivals], index, options)
        if own is not None:
            reason = own.reason + "；子项名称与办理项名称一一对应"
            return [(own.target, max(own.score, best.score), own.method, Status.MATCHED, reason)], False
        tied = _own_name_narrow(src, [best, *rivals], index, options)
        if len(tied) == 1:
            (only,) = tied
            note = "；主项名称相同，子项名称与之最接近"
            return [(only.target, only.score, only.method, Status.REVIEW, only.reason + note)], False
        for c in tied:
            other = (tied[1] if c is tied[0] else tied[0]).target
            note = f"；{TIE_MARK}（{index.targets[other].core}）"
            links.append(Tied((c.target, c.score, c.method, Status.REVIEW, c.reason + note)))
        return links, True
    close = [c for c in ranked[:3] if c.score > best.score - 2 * options.margin]
    own = _own_name_pick(src, close, index, options) if len(close) > 1 else None
    for c in [own] if own is not None else close:
        links.append((c.target, c.score, c.method, Status.REVIEW, c.reason))
    return links, False


def _own_scores(src: Prepared, close: Sequence[Candidate], index: Index) -> list[float]:
    """How well the handling item's own name (with its handling word) fits each candidate's own name."""
    return [
        max(similarity(src.core, t.core), similarity(src.full, t.core))
        - (0.0 if src.handling == t.handling else 15.0)
        for t in (index.targets[c.target] for c in close)
    ]


def _own_name_narrow(
    src: Prepared, close: Sequence[Candidate], index: Index, options: MatchOptions
) -> list[Candidate]:
    """Of sub-items that one main item ties, those whose own names fit the handling item best.

    With no clear single sub-item (民办职业培训学校分立、合并审批 under 1.设立 … 5.终止), the review shows the
    sub-items nearest by their own names, not every sub-item of the main item.
    """
    targets = [index.targets[c.target] for c in close]
    if not targets[0].alt_core or any(t.alt_core != targets[0].alt_core for t in targets):
        return list(close)
    own = _own_scores(src, close, index)
    top = max(own)
    return [c for c, o in zip(close, own, strict=True) if o >= top - options.margin]


def _is_sub_item(target: Prepared, close: Sequence[Prepared]) -> bool:
    """A sub-item: it names its main item, or its own name is the main item of the others it ties with.

    特种设备作业人员资格认定（补发） prepares to the main item's name with the handling word 补发 apart, so it
    carries no main-item name of its own; its siblings (…（复审）, …（取证）) do.
    """
    return target.alt_core is not None or any(t.alt_core == target.core for t in close if t is not target)


def _own_name_pick(
    src: Prepared, close: Sequence[Candidate], index: Index, options: MatchOptions
) -> Candidate | None:
    """The one sub-item whose own name pairs with the handling item, when the main item ties them all.

    Sub-items of one main item (1.民办职业培训学校设立审批 …) all share the main item's name, which a
    handling item's 主项名称 also gives: pair each handling item with the sub-item its own name matches,
    not every handling item with every sub-item.
    """
    targets = [index.targets[c.target] for c in close]
    # Own names compared with their handling words: 变更审查 and 核发 sub-items of one licence differ.
    own = _own_scores(src, close, index)
    order = sorted(range(len(close)), key=lambda i: -own[i])
    top = order[0]
    if (
        _is_sub_item(targets[top], targets)
        and own[top] >= options.match_threshold
        and all(own[i] <= own[top] - options.margin for i in order[1:])
    ):
        return close[top]
    return None

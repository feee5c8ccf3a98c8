"""Match quality on held-out departments: precision of `matched`, recall into matched+review, review share;
then gap quality: precision and recall per gap type on generated held-out cases (tools/gap_cases.py).

Run with `make quality` (also part of `make bench`). The scenarios are built from departments that the
bundled sample data does not use, so the matcher and the gap finders are measured on names they were not
tuned on.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gap_cases import MEASURED, Score, make_case
from gap_cases import measure as measure_gaps
from quanze.match import MatchOptions, Status, match_catalogue
from quanze.models import Category, PowerItem, Provenance, ServiceItem

from synth import Scenario, load_pool, make_scenario, split_pool


@dataclass
class Quality:
    links_true: int
    matched: int
    matched_correct: int
    found: int
    review_pairs: int
    power_unit_pairs: int

    @property
    def precision(self) -> float:
        return self.matched_correct / self.matched if self.matched else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.links_true if self.links_true else 1.0

    @property
    def review_share(self) -> float:
        return self.review_pairs / self.power_unit_pairs if self.power_unit_pairs else 0.0


def to_items(sc: Scenario) -> tuple[list[PowerItem], list[ServiceItem]]:
    src = Provenance(file="synthetic", sheet="-", row=0)
    cats = {c.value for c in Category}
    powers = [
        PowerItem(
            name=p.name,
            sub_item=p.sub_item,
            code=p.code,
            department=f"{sc.city}{p.department}",
            role="sub" if p.sub_item else ("single" if p.handling else "main"),
            category=Category(p.category) if p.category in cats else None,
            source=src,
        )
        for p in sc.powers
    ]
    services = [
        ServiceItem(
            name=s.name,
            code=s.code,
            unit=s.unit,
            department=s.department,
            parent_power_name=s.parent_power_name,
            volume=s.volume,
            source=src,
        )
        for s in sc.services
    ]
    return powers, services


def measure(sc: Scenario, options: MatchOptions | None = None, *, show: int = 0) -> Quality:
    powers, services = to_items(sc)
    result = match_catalogue(powers, services, options=options)
    truth = {(si, s.truth) for si, s in enumerate(sc.services) if s.truth is not None}
    matched = [(lk.service, lk.power) for lk in result.links if lk.status is Status.MATCHED]
    found = {(lk.service, lk.power) for lk in result.links}
    review_pairs = {
        (services[lk.service].unit, lk.power) for lk in result.links if lk.status is Status.REVIEW
    }
    if show:
        wrong = [
            lk for lk in result.links if lk.status is Status.MATCHED and (lk.service, lk.power) not in truth
        ]
        for lk in wrong[:show]:
            print("  FP", services[lk.service].name, "->", powers[lk.power].title, lk.score, lk.reason)
        missed = [t for t in truth if t not in found]
        for si, pi in missed[:show]:
            print("  FN", services[si].name, "|", services[si].code, "->", powers[pi].title, powers[pi].code)
        rev = [lk for lk in result.links if lk.status is Status.REVIEW]
        for lk in rev[:show]:
            ok = (lk.service, lk.power) in truth
            print(
                "  RV",
                "ok " if ok else "bad",
                services[lk.service].name,
                "->",
                powers[lk.power].title,
                lk.score,
                lk.reason,
            )
    return Quality(
        links_true=len(truth),
        matched=len(matched),
        matched_correct=sum(1 for m in matched if m in truth),
        found=len(truth & found),
        review_pairs=len(review_pairs),
        power_unit_pairs=sum(1 for p in powers if p.role != "main") * len(sc.units),
    )


TARGETS = {"precision": 0.99, "recall": 0.98, "review_share": 0.15}
GAP_TARGET = 0.95
GAP_SEEDS = (101, 102, 103, 104)


def gap_quality(show: int = 0) -> bool:
    """Precision and recall per gap type over several held-out cases (target >= 0.95 each)."""
    print(f"gap quality on held-out cases (seeds {', '.join(map(str, GAP_SEEDS))}; target >= {GAP_TARGET})")
    totals = {kind: Score() for kind in MEASURED}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in GAP_SEEDS:
            case = make_case(Path(tmp) / str(seed), seed)
            scores, extra, missed = measure_gaps(case)
            for kind, sc in scores.items():
                t = totals[kind]
                t.true_positive += sc.true_positive
                t.found += sc.found
                t.expected += sc.expected
            for key in sorted(extra, key=str)[:show]:
                print("  FP", seed, *key)
            for key in sorted(missed, key=str)[:show]:
                print("  FN", seed, *key)
    ok = True
    for kind, t in totals.items():
        passed = t.precision >= GAP_TARGET and t.recall >= GAP_TARGET
        ok &= passed
        print(
            f"  {kind.value:20} precision {t.precision:.4f}  recall {t.recall:.4f}  "
            f"({t.true_positive} right of {t.found} found, {t.expected} expected)  "
            f"{'ok' if passed else 'BELOW TARGET'}"
        )
    return ok


def main() -> int:
    _, held_out = split_pool(load_pool())
    ok = True
    print(
        "match quality on held-out departments (targets: precision >= 0.99, recall >= 0.98, review <= 0.15)"
    )
    for seed in (11, 12, 13):
        sc = make_scenario(
            held_out,
            n_powers=min(255, len(held_out) - 40),
            n_units=7,
            seed=seed,
            city="临江市",
            sub_item_share=0.2,
        )
        q = measure(sc, show=int(sys.argv[1]) if len(sys.argv) > 1 else 0)
        passed = (
            q.precision >= TARGETS["precision"]
            and q.recall >= TARGETS["recall"]
            and (q.review_share <= TARGETS["review_share"])
        )
        ok &= passed
        print(
            f"  seed {seed}: {len(sc.powers)} powers x {len(sc.units)} units, {len(sc.services)} service items: "
            f"precision {q.precision:.4f}  recall {q.recall:.4f}  review share {q.review_share:.4f}  "
            f"{'ok' if passed else 'BELOW TARGET'}"
        )
    ok &= gap_quality(show=int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

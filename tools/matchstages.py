"""Where the match stage's time goes on the bench province, in CPU seconds (`python tools/matchstages.py`).

`make bench` gives the match stage's wall and CPU time against the fair cdist baseline; this tool says what
that time is made of, so that the next change aims at the part that is large:

- the stage in one process, cold (a fresh process: nothing remembered) and warm (run again at once: every
  name and pair of names remembered), so cold minus warm is the work done once per distinct name or pair;
- the cold run by part: gathering candidates (`collect`, with the name evidence it asks for inside it), the
  name evidence of the distinct pairs of names, the bigram top-k, preparing items and powers, indexing each
  unit, grouping code families, each rule that runs after the first links, and the collector;
- the name evidence of every distinct pair the run scores, timed alone in a fresh process: the floor of any
  matcher that keeps these rules in Python, whatever gathers the candidates;
- the fair baseline (rapidfuzz cdist of every pair within each unit, in one thread) on the same names.

Each figure is measured in a fresh process; nothing is asserted. CPU seconds, as the machine is shared.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from quanze.match.catalogue import UNIT_PASSES

ROOT = Path(__file__).resolve().parent.parent

# Functions of the match package timed in the cold run, as (module, name, label). Time inside a function is
# also counted in the functions that call it (collect holds the name evidence it asks for).
PARTS = [
    ("quanze.match.catalogue", "collect", "gathering candidates (collect, with the evidence inside it)"),
    ("quanze.match.scoring", "_name_evidence", "name evidence of distinct pairs (memo misses)"),
    ("quanze.match.candidates", "Index.fuzzy_candidates", "bigram top-k (inside collect)"),
    ("quanze.match.catalogue", "_item_prepared", "preparing service items"),
    ("quanze.match.catalogue", "_parent_of", "preparing the parent each item names"),
    ("quanze.match.catalogue", "prepare_power", "preparing powers (each unit)"),
    ("quanze.match.catalogue", "Index", "indexing each unit's powers"),
    ("quanze.match.catalogue", "_families", "code families"),
    # Each rule after the first links, as catalogue.UNIT_PASSES runs them (timed by the name it calls them by).
    *(("quanze.match.catalogue", rule.function.__name__, f"rule: {rule.name}") for rule in UNIT_PASSES),
]

RUN_SCRIPT = r"""
import gc, importlib, json, pickle, sys, time
from collections import Counter
from pathlib import Path
powers, services, units, aliases, options = pickle.loads(Path(sys.argv[1]).read_bytes())
mode, parts = sys.argv[2], json.loads(sys.argv[3])
from quanze.addressing import Addressing
from quanze.gctune import freeze_inputs, relaxed_gc
import quanze.match.catalogue as catalogue
import quanze.match.scoring as scoring
spent, pairs = Counter(), []
def timed(owner, name, label):
    f = getattr(owner, name)
    def g(*a, **k):
        t = time.process_time()
        try:
            return f(*a, **k)
        finally:
            spent[label] += time.process_time() - t
    setattr(owner, name, g)
if mode == "parts":
    for module, name, label in parts:
        owner = importlib.import_module(module)
        *path, last = name.split(".")
        for attr in path:
            owner = getattr(owner, attr)
        timed(owner, last, label)
if mode == "record":  # the distinct pairs the run asks name evidence for (each asked once: the rest is memo)
    f = scoring._name_evidence
    def record(src, tgt, rules, *, code_exact, parent, prune=True):
        pairs.append((src, tgt, code_exact, parent))
        return f(src, tgt, rules, code_exact=code_exact, parent=parent, prune=prune)
    scoring._name_evidence = record
collections = []
gc.callbacks.append(lambda phase, info: collections.append((phase, time.process_time())))
with relaxed_gc():
    freeze_inputs()
    cpu = []
    for _ in range(2 if mode == "warm" else 1):
        start = time.process_time()
        catalogue.match_catalogue(powers, services, options=options, decisions={}, units=units,
                                  addressing=Addressing(aliases), workers=1)
        cpu.append(time.process_time() - start)
collector = sum(t - s for (p, s), (q, t) in zip(collections[::2], collections[1::2]) if p == "start")
if mode == "record":
    Path(sys.argv[4]).write_bytes(pickle.dumps((pairs, options)))
print(json.dumps({"cpu": cpu, "parts": dict(spent), "collector": collector, "pairs": len(pairs)}))
"""

FLOOR_SCRIPT = r"""
import json, pickle, sys, time
from collections import defaultdict
from pathlib import Path
pairs, options = pickle.loads(Path(sys.argv[1]).read_bytes())
from quanze.match import scoring
rules = scoring._rules(options)
start, dropped = time.process_time(), 0
for src, tgt, code_exact, parent in pairs:
    dropped += scoring._name_evidence(src, tgt, rules, code_exact=code_exact, parent=parent) is None
evidence = time.process_time() - start
from rapidfuzz import fuzz, process
powers, services, *_ = pickle.loads(Path(sys.argv[2]).read_bytes())
by_unit_p, by_unit_s = defaultdict(list), defaultdict(list)
for p in powers:
    by_unit_p[p.unit].append(p.title)
for s in services:
    by_unit_s[s.unit].append(s.name)
start = time.process_time()
for unit, names in by_unit_s.items():
    if by_unit_p.get(unit):
        process.cdist(names, by_unit_p[unit], scorer=fuzz.ratio, workers=1, dtype="uint8")
baseline = time.process_time() - start
print(json.dumps({"evidence": evidence, "dropped": dropped, "baseline": baseline}))
"""


def _run(script: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", script, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    from bench import province
    from quanze.config import load_config
    from quanze.ingest.load import load_inputs

    folder = province(1.0)[0]
    config = load_config(folder / "quanze.toml")
    loaded = load_inputs(config)
    powers = loaded.devolved or [p for unit in sorted(loaded.acceptance) for p in loaded.acceptance[unit]]
    with tempfile.TemporaryDirectory() as tmp:
        inputs, recorded = Path(tmp) / "inputs.pkl", Path(tmp) / "pairs.pkl"
        state = (powers, loaded.services, sorted(loaded.acceptance), dict(config.aliases.units), config.match)
        inputs.write_bytes(pickle.dumps(state))
        plan = json.dumps(PARTS)
        warm = _run(RUN_SCRIPT, str(inputs), "warm", plan)
        parts = _run(RUN_SCRIPT, str(inputs), "parts", plan)
        record = _run(RUN_SCRIPT, str(inputs), "record", plan, str(recorded))
        floor = _run(FLOOR_SCRIPT, str(recorded), str(inputs))
    cold, again = warm["cpu"]
    print(f"match stage, one process, {len(loaded.services):,} service items, {len(powers):,} power rows:")
    print(
        f"  cold {cold:.2f} s CPU, warm (run again at once) {again:.2f} s: once per name or pair {cold - again:.2f} s"
    )
    print(f"  by part, cold run ({parts['cpu'][0]:.2f} s CPU with the timers):")
    for label, seconds in sorted(parts["parts"].items(), key=lambda kv: -kv[1]):
        print(f"    {seconds:6.2f} s  {label}")
    print(f"    {parts['collector']:6.2f} s  the garbage collector")
    dropped = floor["dropped"]
    print(
        f"  name evidence of the {record['pairs']:,} distinct pairs alone: {floor['evidence']:.2f} s CPU "
        f"({dropped:,} of them give no link)"
    )
    print(f"  fair baseline, cdist of every pair within each unit, one thread: {floor['baseline']:.2f} s CPU")


if __name__ == "__main__":
    main()

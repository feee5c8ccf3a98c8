"""Speed and memory benchmark: `make bench`. Prints figures and ratios; asserts nothing.

1. The sample scenario end to end (`quanze reconcile`, process start to exit): target < 1 s.
2. A province-scale case (150 units, ~45,000 power rows, ~100,000 service items) end to end through
   the CLI, read cache cold and warm: wall time and peak memory (targets < 15 s and < 1 GB), each stage
   separately, and quanze's reading of the files against python-calamine's raw read (target within 2x).
3. Growth from 1x to 4x the size (a quarter province to a whole one): should be close to linear.
4. The fair baseline: every pair within each unit scored by rapidfuzz cdist, against the real matcher.
5. The garbage collector: CPython's default against quanze's relaxed one (gctune.py), side by side.
6. Match quality on held-out departments (see quality.py).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from openpyxl import Workbook

import quality

from synth import Scenario, load_pool, make_scenario

ROOT = Path(__file__).parents[1]
CACHE = Path(os.environ.get("QUANZE_BENCH_DIR", tempfile.gettempdir())) / "quanze-bench"


def _run(args: list[str], cwd: Path, *, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time and peak memory (MB) of one quanze command in a fresh process, start to exit.

    The command runs as `python -m quanze`, exactly as a user's (it leaves through os._exit, so nothing can
    be printed after it); its peak memory is the child's rusage, read when it is reaped.
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "quanze", *args],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, **(env or {})},
        )
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            err.seek(0)
            raise subprocess.CalledProcessError(child.returncode, args, stderr=err.read())
    return elapsed, usage.ru_maxrss // 1024


def _reconcile(folder: Path, out: str, *flags: str, env: dict[str, str] | None = None) -> tuple[float, int]:
    """`quanze reconcile` of a generated case's quanze.toml into `out`, measured as `_run` measures."""
    args = ["--quiet", *flags, "reconcile", "--config", str(folder / "quanze.toml"), "--out", out, "--force"]
    return _run(args, ROOT, env=env)


def bench_sample() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        times = [
            _run(["--quiet", "reconcile", "--out", f"{tmp}/r{i}"], ROOT / "sample_data")[0] for i in range(3)
        ]
    median = statistics.median(times)
    print(
        f"sample scenario, `quanze reconcile` end to end: median {median:.2f} s of 3 "
        f"(target < 1 s: {'ok' if median < 1 else 'SLOW'})"
    )


def write_province(sc: Scenario, folder: Path) -> Path:
    """One power file (each unit's list, 行政区划 column) and one platform export, as .xlsx."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("权力事项")
    ws.append(["序号", "行政区划", "事项名称", "权力类型", "权力编码", "实施部门", "认领情况"])
    n = 0
    for unit in sc.units:
        for r in sc.acceptance[unit]:
            n += 1
            ws.append([n, unit, r.name, r.category, r.code, r.department, r.acceptance])
    wb.save(folder / "powers.xlsx")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("服务事项")
    ws.append(["序号", "行政区划", "实施主体", "基本目录名称", "业务办理项名称", "业务办理项编码", "办件量"])
    for i, s in enumerate(sc.services, 1):
        ws.append([i, s.unit, s.department, s.parent_power_name, s.name, s.code, s.volume])
    wb.save(folder / "catalogue.xlsx")
    (folder / "quanze.toml").write_text(
        '[project]\nname = "省级对账基准"\n\n[[inputs.lists]]\npath = "powers.xlsx"\nrole = "devolution"\n\n'
        '[inputs.catalogue]\npath = "catalogue.xlsx"\n',
        encoding="utf-8",
    )
    return folder


def province(scale: float, *, seed: int = 99, name: str = "示范省") -> tuple[Path, int, int]:
    units = max(1, round(150 * scale))
    folder = CACHE / (f"province-{units}" if seed == 99 else f"province-{units}-{seed}")
    marker = folder / "counts.json"
    if not marker.exists():
        pool = load_pool()
        sc = make_scenario(pool, n_powers=300, n_units=units, seed=seed, city=name)
        extra = random.Random(5)
        # Top up to ~667 service items per unit, as in a province platform export.
        target = round(100_000 * units / 150)
        while len(sc.services) < target:
            s = extra.choice(sc.services)
            sc.services.append(
                type(s)(**{**s.__dict__, "name": s.name + extra.choice(["（网上办理）", "（窗口办理）"])})
            )
        write_province(sc, folder)
        marker.write_text(
            json.dumps({"powers": sum(len(v) for v in sc.acceptance.values()), "services": len(sc.services)})
        )
    counts = json.loads(marker.read_text())
    return folder, counts["powers"], counts["services"]


STAGE_SCRIPT = """
import contextlib, json, sys, time, resource
from pathlib import Path
from quanze.config import load_config
from quanze.gctune import relaxed_gc
from quanze.pipeline import reconcile
from quanze.report.reconcile import write_reconcile
from quanze.ingest.load import load_inputs
config = load_config(Path(sys.argv[1]) / "quanze.toml")
load_inputs(config)  # untimed: fills the read cache if this code has not read these files yet
def cpu():  # this process and its children waited for (matching's pool workers end with the match stage)
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
marks = [("start", time.perf_counter(), cpu())]
def progress(msg):
    for stage in ("matching", "finding gaps"):
        if str(msg).startswith(stage):  # a typed Step prints as its detail
            marks.append((stage, time.perf_counter(), cpu()))
# As a CLI run does (pipeline._reconcile_into), unless asked for CPython's default collector.
with relaxed_gc() if sys.argv[3] == "relaxed" else contextlib.nullcontext():
    result = reconcile(config, progress=progress)
    marks.append(("writing", time.perf_counter(), cpu()))
    write_reconcile(Path(sys.argv[2]), result)
    marks.append(("end", time.perf_counter(), cpu()))
names = ["ingest", "match", "gaps", "reports"]
print(json.dumps([{n: marks[i + 1][at] - marks[i][at] for i, n in enumerate(names)} for at in (1, 2)]))
"""


def stages(folder: Path, gc: str = "relaxed", *, cpu: dict[str, float] | None = None) -> dict[str, float]:
    """Wall seconds of each stage of one province run in a fresh process; `cpu`, when given, is filled with
    each stage's CPU seconds (the process's and its workers')."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", STAGE_SCRIPT, str(folder), tmp, gc],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    wall, used = json.loads(out)
    if cpu is not None:
        cpu.update(used)
    return wall  # type: ignore[no-any-return]


def bench_gc(folder: Path, relaxed: dict[str, float]) -> None:
    """The province with CPython's default collector and with quanze's relaxed one, runs interleaved."""
    runs: dict[str, list[dict[str, float]]] = {"default": [], "relaxed": [relaxed]}
    for gc in ("default", "relaxed", "default"):
        runs[gc].append(stages(folder, gc))
    med = {gc: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for gc, rs in runs.items()}
    total = {gc: sum(m.values()) for gc, m in med.items()}
    print(
        f"garbage collector, province stages (medians of 2 interleaved runs each): default "
        f"{total['default']:.1f} s, relaxed {total['relaxed']:.1f} s: x{total['default'] / total['relaxed']:.2f} "
        "(" + ", ".join(f"{k} x{med['default'][k] / med['relaxed'][k]:.2f}" for k in med["relaxed"]) + ")"
    )


READ_SCRIPT = """
import json, sys, time
from pathlib import Path
paths = [Path(sys.argv[2]) / n for n in ("powers.xlsx", "catalogue.xlsx")]
start, cpu = time.perf_counter(), time.process_time()
if sys.argv[1] == "calamine":
    import python_calamine
    rows = 0
    for path in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows += len(book.get_sheet_by_name(name).to_python())
elif sys.argv[1] == "prescan":  # the byte scan quanze makes before handing a workbook to calamine
    import zipfile
    from quanze.ingest.xlsx_fast import scan_sheet
    rows = 0
    for path in paths:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    rows += scan_sheet(zf, name).max_row
else:
    from quanze.ingest import IngestOptions, read_file
    from quanze.models import ListKind
    kinds = (ListKind.POWERS, ListKind.SERVICES)
    rows = sum(read_file(p, IngestOptions(kind=k)).records for p, k in zip(paths, kinds))
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "rows": rows}))
"""


def _read_seconds(reader: str, folder: Path) -> tuple[float, int, float]:
    """Wall seconds, rows or records read, and CPU seconds of one reader in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", READ_SCRIPT, reader, str(folder)], check=True, capture_output=True, text=True
    ).stdout
    got = json.loads(out)
    return got["seconds"], got["rows"], got["cpu"]


def bench_read(folder: Path, repeat: int = 3) -> None:
    """quanze's own reading of the province files (no read cache, one process) against calamine's raw read."""
    raw: list[tuple[float, int, float]] = []
    ours: list[tuple[float, int, float]] = []
    scans: list[tuple[float, int, float]] = []
    for _ in range(repeat):
        raw.append(_read_seconds("calamine", folder))
        ours.append(_read_seconds("quanze", folder))
        scans.append(_read_seconds("prescan", folder))
    r, q = (statistics.median(t for t, _, _ in runs) for runs in (raw, ours))
    rc, qc, pc = (statistics.median(c for _, _, c in runs) for runs in (raw, ours, scans))
    print(
        f"  reading the two province files in one process, no read cache: quanze {q:.1f} s ({ours[0][1]:,} "
        f"records), python-calamine's raw read {r:.1f} s ({raw[0][1]:,} rows): x{q / r:.1f} "
        f"(target <= x2: {'ok' if q / r <= 2 else 'MISSED'}); CPU {qc:.1f} s against {rc:.1f} s: x{qc / rc:.1f}; "
        f"of quanze's, the safety pre-scan of the zip {pc:.2f} s CPU (x{pc / rc:.1f} of calamine's read); "
        f"medians of {repeat}, interleaved"
    )


def fair_baseline(folder: Path, match_seconds: float, match_cpu: float) -> None:
    """The honest baseline: every pair *within each unit* scored by rapidfuzz's vectorised cdist (2 workers).

    A matcher that only scores pairs inside a unit must beat this, not an all-pairs strawman across the
    whole province. CPU seconds are compared too (the matcher's with its pool workers, the baseline's with
    cdist's threads): on a machine others share, wall time says as much about them as about either side.
    """
    from collections import defaultdict

    from rapidfuzz import fuzz, process

    from quanze.ingest import IngestOptions, read_file
    from quanze.models import ListKind

    powers: dict[str | None, list[str]] = defaultdict(list)
    for p in read_file(folder / "powers.xlsx", IngestOptions(kind=ListKind.POWERS)).powers:
        powers[p.unit].append(p.title)
    services: dict[str | None, list[str]] = defaultdict(list)
    for s in read_file(folder / "catalogue.xlsx", IngestOptions(kind=ListKind.SERVICES)).services:
        services[s.unit].append(s.name)
    pairs = sum(len(services[u]) * len(powers.get(u, ())) for u in services)
    start, cpu = time.perf_counter(), time.process_time()  # (process time counts every thread's)
    for unit, names in services.items():
        if powers.get(unit):
            process.cdist(names, powers[unit], scorer=fuzz.ratio, workers=2, dtype="uint8")
    elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    verdict = "faster" if match_seconds < elapsed else "SLOWER"
    print(
        f"fair baseline, every pair within each unit ({pairs:,} pairs) by rapidfuzz cdist on 2 workers: "
        f"{elapsed:.2f} s; the matcher ({match_seconds:.2f} s, with every evidence rule) is "
        f"{elapsed / match_seconds:.2f}x the baseline's speed ({verdict}); CPU {used:.2f} s against the "
        f"matcher's {match_cpu:.2f} s: {used / match_cpu:.2f}x"
    )


def bench_million_rows() -> None:
    """`quanze validate` streams: a million-row CSV is checked in bounded memory."""
    path = CACHE / "million.csv"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        pool = load_pool()
        rng = random.Random(3)
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write("序号,事项名称,事项类型,事项编码,实施部门\n")
            for i in range(1, 1_000_001):
                item = pool[rng.randrange(len(pool))]
                fh.write(
                    f"{i},{item.name.replace(',', '，')}{i % 997},{item.category},C{i:08d},{item.department}\n"
                )
    seconds, rss = _run(["validate", str(path)], ROOT)
    print(
        f"1,000,000-row CSV, `quanze validate`: {seconds:.1f} s ({1_000_000 / seconds:.0f} rows/s), "
        f"peak memory {rss} MB"
    )


UNITS_SCRIPT = """
import json, resource, sys
from pathlib import Path
from quanze.config import load_config
from quanze.gctune import relaxed_gc
from quanze.pipeline import reconcile
from quanze.units_pool import each_unit
config = load_config(Path(sys.argv[1]) / "quanze.toml")
if sys.argv[2] == "whole":
    with relaxed_gc():  # as `quanze reconcile` runs it, and as each_unit runs every unit
        reconcile(config)
else:
    for _ in each_unit(config, jobs=int(sys.argv[3])):
        pass
ru = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"cpu": ru.ru_utime + ru.ru_stime + kids.ru_utime + kids.ru_stime}))
"""


def _cpu(folder: Path, *args: str) -> tuple[float, float]:
    """CPU seconds (this process and its workers) and wall seconds of one library run in a fresh process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", UNITS_SCRIPT, str(folder), *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)["cpu"], time.perf_counter() - start


def bench_units(folder: Path, repeat: int = 3) -> None:
    """All units one by one (inputs read once, into the read cache) against one whole run: CPU and wall."""
    _cpu(folder, "whole")  # fills the read cache (the nightly job's first step)
    whole = [_cpu(folder, "whole") for _ in range(repeat)]
    single = [_cpu(folder, "units", "1") for _ in range(repeat)]
    pooled = [_cpu(folder, "units", "2") for _ in range(repeat)]
    w = statistics.median(c for c, _ in whole)
    for label, runs in (("one by one", single), ("2 worker processes", pooled)):
        c = statistics.median(c for c, _ in runs)
        wall = statistics.median(t for _, t in runs)
        print(
            f"  every unit {label}: CPU {c:.1f} s (x{c / w:.2f} of one whole run's {w:.1f} s; target <= x1.2: "
            f"{'ok' if c / w <= 1.2 else 'MISSED'}), wall {wall:.1f} s (whole "
            f"{statistics.median(t for _, t in whole):.1f} s); medians of {repeat}, read cache warm"
        )


def bench_country(repeat: int = 1) -> None:
    """A tenth of the country (two provinces, 300 counties) as separate province jobs; extrapolated."""
    jobs = [province(1.0), province(1.0, seed=7, name="试验省")]
    powers = sum(p for _, p, _ in jobs)
    items = sum(s for _, _, s in jobs)
    figures: list[tuple[float, int]] = []
    for folder, _, _ in jobs:
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as tmp:
                figures.append(_reconcile(folder, tmp, "--no-cache"))
    seconds = statistics.median(t for t, _ in figures)
    peak = max(m for _, m in figures)
    provinces = 3000 // 150
    # A country province holds 1M / 20 powers and 3M / 20 items: more than the bench's province, so each
    # job is scaled up by the larger of the two ratios (growth is close to linear: see the growth figures).
    per_job = max(1_000_000 / provinces / (powers / len(jobs)), 3_000_000 / provinces / (items / len(jobs)))
    job_s, job_mb = seconds * per_job, peak * per_job
    print(
        f"a tenth of the country: {len(jobs)} province jobs, {len(jobs) * 150} counties, {powers:,} power "
        f"rows, {items:,} service items; per job (a fresh process, inputs read cold, no read cache): median "
        f"{seconds:.1f} s, peak memory {peak} MB (highest of {len(figures)} runs)"
    )
    print(
        f"  extrapolated to ≈ 3,000 counties / 1M powers / 3M items: {provinces} province jobs of 150 counties, "
        f"each x{per_job:.2f} the bench's province: ≈ {job_s:.0f} s and ≈ {job_mb:.0f} MB per job; "
        f"{provinces * job_s / 60:.0f} min one job at a time on one machine, "
        f"{provinces * job_s / 120:.0f} min two at a time ({2 * job_mb:.0f} MB), or ≈ {job_s / 60:.1f} min "
        f"with one CI job per province"
    )


FULL_CPU: dict[str, float] = {}  # the CPU seconds of each stage of bench_province's stages run


def bench_province() -> tuple[Path, dict[str, float]]:
    """The province end to end (read cache cold and warm), its stages, and reading against calamine's."""
    folder, n_powers, n_services = province(1.0)
    # The read cache is keyed by quanze's source: after any change to the code the first run reads the
    # inputs cold. Both runs are measured, each with its own cache folder, never one mislabelled as the other.
    runs: dict[str, list[tuple[float, int]]] = {"cold": [], "warm": []}
    for _ in range(2):
        with tempfile.TemporaryDirectory() as cache:
            for kind in ("cold", "warm"):
                with tempfile.TemporaryDirectory() as tmp:
                    runs[kind].append(_reconcile(folder, tmp, env={"QUANZE_CACHE": cache}))
    med = {k: statistics.median(t for t, _ in v) for k, v in runs.items()}
    rss_mb = max(m for v in runs.values() for _, m in v)
    print(
        f"province scale end to end: {n_powers} power rows, {n_services} service items, 150 units: "
        f"read cache cold {med['cold']:.1f} s, warm {med['warm']:.1f} s (medians of 2), peak memory "
        f"{rss_mb} MB (targets < 15 s, < 1024 MB: {'ok' if med['cold'] < 15 and rss_mb < 1024 else 'MISSED'})"
    )
    full = stages(folder, cpu=FULL_CPU)
    rows = n_powers + n_services
    outside = med["warm"] - sum(full.values())
    print(
        "  stages (read cache warm): "
        + ", ".join(f"{k} {v:.1f} s" for k, v in full.items())
        + f"; ingest {rows / full['ingest']:.0f} rows/s, match {n_services / full['match']:.0f} items/s; "
        f"the warm CLI run outside these stages (start, imports, output folder, exit): {outside:.1f} s"
    )
    bench_read(folder)
    return folder, full


def compile_sources() -> None:
    """Byte-compile quanze's sources, as installing the package does: with PYTHONDONTWRITEBYTECODE set (or
    a read-only checkout) every measured process would otherwise compile all of quanze again (~0.1 s)."""
    import compileall

    compileall.compile_dir(ROOT / "src" / "quanze", quiet=1)


def main() -> None:
    compile_sources()
    if sys.argv[1:] == ["province"]:
        print(
            "quanze benchmark, the province only (figures vary with machine load; nothing here is asserted)"
        )
        bench_province()
        return
    if sys.argv[1:] and set(sys.argv[1:]) <= {"units", "country"}:
        print("quanze benchmark, partitions only (figures vary with machine load; nothing here is asserted)")
        if "units" in sys.argv[1:]:
            print("units in a pool, province scale:")
            bench_units(province(1.0)[0])
        if "country" in sys.argv[1:]:
            bench_country()
        return
    print("quanze benchmark (figures vary with machine load; nothing here is asserted)")
    bench_sample()
    folder, full = bench_province()
    print("growth (1x = a quarter of the province):")
    base = None
    for scale in (0.25, 0.5, 1.0):
        f, p, s = province(scale)
        t = full if scale == 1.0 else stages(f)
        total = sum(t.values())
        base = base or total
        print(
            f"  {scale * 4:.0f}x: {p + s} rows, {total:.1f} s (x{total / base:.2f}; linear would be "
            f"x{scale * 4:.2f}); match {t['match']:.1f} s"
        )
    bench_gc(folder, full)
    fair_baseline(folder, full["match"], FULL_CPU["match"])
    print("units in a pool, province scale:")
    bench_units(folder)
    bench_country()
    bench_million_rows()
    quality.main()


if __name__ == "__main__":
    main()

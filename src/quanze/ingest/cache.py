"""The read cache: each input read once, stored by unit, keyed by its SHA-256, the reading options and quanze."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from quanze import __version__
from quanze.errors import UsageError
from quanze.gctune import relaxed_gc
from quanze.ingest.options import IngestOptions
from quanze.ingest.records import ROLES, plain
from quanze.interrupts import signals_held
from quanze.models import Category, FileReport, PowerItem, Provenance, ServiceItem

ENV = "QUANZE_CACHE"
"""An environment variable naming the cache folder; it overrides `[project] cache` in the config."""
LAYOUT = "v2"
NO_UNIT = ""
"""The partition of records without a 行政区划: loaded by every run, whatever its units."""

_Item = TypeVar("_Item", PowerItem, ServiceItem)


def _dump_rows(model: type[_Item], rows: list[tuple[int, _Item]]) -> bytes:
    """A partition as JSON: the field names once, then each record as a list of its values (with its index
    in the file and its source), as compact to write and as quick to read back as JSON gets."""
    fields: list[str] = [f for f in model.model_fields if f != "source"]
    sources: dict[tuple[str, str], int] = {}
    out: list[tuple[Any, ...]] = []  # tuples: JSON writes them as the lists they were
    values: Callable[[dict[str, Any]], tuple[Any, ...]] = itemgetter(*fields)  # one C call a record
    for i, item in rows:
        held: dict[str, Any] = item.__dict__
        where = item.source
        at = sources.setdefault((where.file, where.sheet), len(sources))
        out.append((i, at, where.row, *values(held)))
    table = {"fields": fields, "sources": [list(k) for k in sources], "rows": out}
    return json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode()


_TEXTS = frozenset({str, type(None)})
_CATEGORIES = {c.value: c for c in Category}


def _load_rows(model: type[_Item], data: bytes) -> list[tuple[int, _Item]]:
    """A partition written by `_dump_rows`, every value checked to be of its field's type (as validation
    would); a damaged one raises ValueError, TypeError, KeyError or IndexError."""
    table = json.loads(data)
    fields: list[str] = table["fields"]
    if fields != [f for f in model.model_fields if f != "source"]:
        raise ValueError("the partition's fields are not the model's")
    sources: list[tuple[str, str]] = [(file, sheet) for file, sheet in table["sources"]]
    if not all(type(file) is str and type(sheet) is str for file, sheet in sources):
        raise ValueError("a damaged source")
    name_at, volume_at, category_at = fields.index("name"), fields.index("volume"), fields.index("category")
    role_at = fields.index("role") if "role" in fields else None
    every = frozenset(model.model_fields)
    where = frozenset(Provenance.model_fields)
    if not (plain(model) and plain(Provenance)):
        raise ValueError("the models are no longer plain: the entry is read again")
    # Built as model_construct builds it (records.row_record): this loop makes every record of a warm run.
    new, put = object.__new__, object.__setattr__
    out: list[tuple[int, _Item]] = []
    for i, at, row, *values in table["rows"]:
        if type(i) is not int or type(at) is not int or at < 0 or type(row) is not int:
            raise ValueError("a damaged record")
        if len(values) != len(fields):
            raise ValueError("a damaged record")
        volume, category = values[volume_at], values[category_at]
        values[volume_at] = values[category_at] = None
        if (
            not _TEXTS.issuperset(map(type, values))
            or type(values[name_at]) is not str
            or (volume is not None and type(volume) is not int)
            or (role_at is not None and values[role_at] not in ROLES)
        ):
            raise ValueError("a damaged record")
        values[volume_at] = volume
        values[category_at] = None if category is None else _CATEGORIES[category]
        file, sheet = sources[at]
        source = new(Provenance)
        put(source, "__dict__", {"file": file, "sheet": sheet, "row": row})
        put(source, "__pydantic_fields_set__", set(where))
        put(source, "__pydantic_extra__", None)
        put(source, "__pydantic_private__", None)
        record = dict(zip(fields, values, strict=True))
        record["source"] = source
        item = new(model)
        put(item, "__dict__", record)
        put(item, "__pydantic_fields_set__", set(every))
        put(item, "__pydantic_extra__", None)
        put(item, "__pydantic_private__", None)
        out.append((i, item))
    return out


def fingerprinted_sources() -> tuple[Path, list[Path]]:
    """The quanze package and every source file in it: what is read depends on code outside ingest/ too
    (models, normalize, vocab), so the whole package counts."""
    package = Path(__file__).parents[1]
    return package, sorted(package.rglob("*.py"))


@cache
def code_fingerprint() -> str:
    """quanze's version and a digest of its source: a changed reader never serves an old entry."""
    h = hashlib.sha256(__version__.encode())
    package, paths = fingerprinted_sources()
    for path in paths:
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def file_digest(path: Path) -> str:
    """The file's SHA-256; remembered in this process while its size, mtime and inode stay the same
    (a pool of units hashes each input once, not once per unit)."""
    st = path.stat()
    mark = (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
    if mark not in _DIGESTS:
        _DIGESTS[mark] = _sha256(path)
    return _DIGESTS[mark]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class EntryMeta(BaseModel):
    """What a cache entry holds besides its records: the report's layout and issues, and its partitions."""

    file: str
    sha256: str
    report: FileReport
    """The report without its records."""
    power_partitions: dict[str, int] = Field(default_factory=dict)
    """Raw 行政区划 as read → power records in that partition (NO_UNIT for records without one)."""
    service_partitions: dict[str, int] = Field(default_factory=dict)
    """Raw 行政区划 as read → service items in that partition."""

    @property
    def units(self) -> set[str]:
        """Every raw 行政区划 the file holds."""
        return (set(self.power_partitions) | set(self.service_partitions)) - {NO_UNIT}

    receiving: dict[str, list[str]] = Field(default_factory=dict)
    """Raw 行政区划 → the distinct 承接单位 of its power records (what unit checks need without the records)."""


@dataclass(frozen=True)
class Entry:
    """One input's place in the cache."""

    folder: Path
    key: str
    sha256: str

    @property
    def exists(self) -> bool:
        return (self.folder / "meta.json").is_file()


def cache_folder(configured: Path | None) -> Path | None:
    """The cache folder: $QUANZE_CACHE when set, else the config's; None when caching is off."""
    if configured is None:
        return None
    env = os.environ.get(ENV)
    return Path(env) if env else configured


def entry_for(root: Path, path: Path, options: IngestOptions, *, label: str) -> Entry:
    sha = file_digest(path)
    h = hashlib.sha256()
    for part in (sha, options.model_dump_json(), label, code_fingerprint()):
        h.update(part.encode())
        h.update(b"\0")
    key = h.hexdigest()[:32]
    return Entry(folder=root / LAYOUT / key, key=key, sha256=sha)


def _part_name(prefix: str, unit: str) -> str:
    return prefix + "-" + hashlib.sha256(unit.encode()).hexdigest()[:16] + ".json"


def _partitions(
    report: FileReport,
) -> tuple[dict[str, list[tuple[int, PowerItem]]], dict[str, list[tuple[int, ServiceItem]]]]:
    powers: dict[str, list[tuple[int, PowerItem]]] = {}
    services: dict[str, list[tuple[int, ServiceItem]]] = {}
    for i, p in enumerate(report.powers):
        powers.setdefault(p.unit or NO_UNIT, []).append((i, p))
    for i, s in enumerate(report.services):
        services.setdefault(s.unit or NO_UNIT, []).append((i, s))
    return powers, services


def describe(entry: Entry, report: FileReport) -> EntryMeta:
    """The entry's description of a report: its layout and issues, and the units it holds."""
    receiving: dict[str, set[str]] = {}
    for p in report.powers:
        if p.receiving_unit:
            receiving.setdefault(p.unit or NO_UNIT, set()).add(p.receiving_unit)
    power_counts: dict[str, int] = {}
    for p in report.powers:
        power_counts[p.unit or NO_UNIT] = power_counts.get(p.unit or NO_UNIT, 0) + 1
    service_counts: dict[str, int] = {}
    for s in report.services:
        service_counts[s.unit or NO_UNIT] = service_counts.get(s.unit or NO_UNIT, 0) + 1
    return EntryMeta(
        file=report.file,
        sha256=entry.sha256,
        report=report.model_copy(update={"powers": [], "services": []}),
        power_partitions=power_counts,
        service_partitions=service_counts,
        receiving={u: sorted(r) for u, r in receiving.items()},
    )


def store(entry: Entry, report: FileReport) -> None:
    """Write the report into the cache by unit; atomic (a whole folder renamed into place), safe for two writers.

    A second process that stored the same entry meanwhile wins; ours is dropped. A cache that cannot be
    written (read-only folder, full disk) leaves the run as it was: the cache only ever saves time.
    """
    if entry.exists:
        return
    staging = entry.folder.parent / f".tmp-{entry.key}-{uuid.uuid4().hex[:8]}"
    try:
        staging.mkdir(parents=True)
        _tidy(entry.folder.parent)
        powers, services = _partitions(report)
        for unit, rows in powers.items():
            (staging / _part_name("p", unit)).write_bytes(_dump_rows(PowerItem, rows))
        for unit, srows in services.items():
            (staging / _part_name("s", unit)).write_bytes(_dump_rows(ServiceItem, srows))
        # meta.json last: an entry is complete when it has one (and it only appears by the rename).
        (staging / "meta.json").write_text(_meta_json(describe(entry, report)), encoding="utf-8")
        try:
            staging.rename(entry.folder)
        except OSError:
            if not entry.exists:  # not another writer's win: a real failure
                raise
    except OSError:
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _meta_json(meta: EntryMeta) -> str:
    """The entry's description as JSON. A Ctrl-C or SIGTERM is held back while pydantic serialises (its
    serializer would turn the KeyboardInterrupt into its own error, and the run would end as an internal
    error): it arrives when serialising is done, and the run ends as interrupted (exit 130)."""
    with signals_held():
        return meta.model_dump_json()


STALE_STAGING_SECONDS = 3600


def _tidy(folder: Path) -> None:
    """Remove what a writer killed outright (SIGKILL, power cut) left: staging folders over an hour old."""
    cutoff = time.time() - STALE_STAGING_SECONDS
    for old in folder.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)


_METAS: dict[Path, EntryMeta] = {}


def load_meta(entry: Entry) -> EntryMeta | None:
    """The entry's description, or None when it is missing or unreadable (then the file is read again).

    An entry never changes once written (its key is its content), so this process keeps what it loaded;
    callers do not change it (`load` hands out fresh lists).
    """
    if entry.folder in _METAS and entry.exists:
        return _METAS[entry.folder]
    try:
        meta = EntryMeta.model_validate_json((entry.folder / "meta.json").read_bytes())
    except (OSError, ValidationError, ValueError):
        return None
    _METAS[entry.folder] = meta
    return meta


def load(entry: Entry, meta: EntryMeta, *, units: Collection[str] | None = None) -> FileReport | None:
    """The report from the cache: every partition, or only those of `units` and the one without a unit.

    Records keep the order in which the file held them. None when a partition is missing or damaged.
    """

    def wanted(partitions: dict[str, int]) -> list[str]:
        return [u for u in partitions if units is None or u == NO_UNIT or u in units]

    try:
        prows: list[tuple[int, PowerItem]] = []
        with relaxed_gc():  # every record loaded lives on: nothing for the collector to find
            for u in wanted(meta.power_partitions):
                prows.extend(_load_rows(PowerItem, (entry.folder / _part_name("p", u)).read_bytes()))
            srows: list[tuple[int, ServiceItem]] = []
            for u in wanted(meta.service_partitions):
                srows.extend(_load_rows(ServiceItem, (entry.folder / _part_name("s", u)).read_bytes()))
    except (OSError, ValidationError, ValueError, TypeError, KeyError, IndexError):
        return None
    prows.sort(key=lambda r: r[0])
    srows.sort(key=lambda r: r[0])
    return meta.report.model_copy(
        update={
            "powers": [p for _, p in prows],
            "services": [s for _, s in srows],
            "sheets": list(meta.report.sheets),
            "issues": list(meta.report.issues),
        }
    )


def clear(root: Path) -> int:
    """Remove the cache folder; returns the number of entries it held."""
    if not root.exists():
        return 0
    entries = sum(1 for p in (root / LAYOUT).glob("*") if p.is_dir()) if (root / LAYOUT).is_dir() else 0
    shutil.rmtree(root)
    return entries


def clear_configured(configured: Path | None) -> tuple[Path, int]:
    """Remove the read cache of the config (or $QUANZE_CACHE): its folder and the entries it held."""
    root = cache_folder(configured)
    if root is None:
        raise UsageError(
            "the read cache is off (--no-cache): nothing to clear", hint="run without --no-cache"
        )
    return root, clear(root)

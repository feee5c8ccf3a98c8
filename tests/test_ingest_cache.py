"""The read cache: read once, keyed by content, options and code; partitioned by unit; atomic; optional."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quanze.cli import app
from quanze.config import QuanzeConfig, load_config
from quanze.ingest import IngestOptions, read_file
from quanze.ingest import cache as ingest_cache
from quanze.ingest.load import load_inputs
from quanze.models import ListKind
from quanze.pipeline import reconcile

import fixtures

runner = CliRunner()


def _no_cache(cfg: QuanzeConfig) -> QuanzeConfig:
    return cfg.model_copy(update={"project": cfg.project.model_copy(update={"cache": None})})


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> QuanzeConfig:
    monkeypatch.delenv(ingest_cache.ENV, raising=False)
    return load_config(fixtures.unit_column_lists(tmp_path / "work"))


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    from quanze.ingest import load

    reads: list[Path] = []
    real = load.read_file

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        reads.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(load, "read_file", counting)
    monkeypatch.setattr(load, "PARALLEL_READ_BYTES", 1 << 40)  # read in this process, where it is counted
    return reads


def test_second_run_reads_nothing_and_gives_the_same_result(
    config: QuanzeConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = _count_reads(monkeypatch)
    first = reconcile(config)
    assert len(reads) == 2 and (config.project.cache / ingest_cache.LAYOUT).is_dir()  # type: ignore[operator]
    second = reconcile(config)
    assert len(reads) == 2  # nothing read again
    uncached = reconcile(_no_cache(config))
    assert len(reads) == 4
    for result in (second, uncached):
        assert result.matches == first.matches and result.gaps == first.gaps
        assert result.issues == first.issues and result.summary == first.summary
    assert first.matches and first.summary.inputs[0].sha256 == ingest_cache.file_digest(
        config.inputs.lists[0].path
    )


def test_a_changed_file_is_a_miss(config: QuanzeConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    before = reconcile(config)
    catalogue = config.inputs.catalogue[0].path
    fixtures.catalogue(catalogue, extra=[[99, "东城县", "东城县住建局", None, "燃气经营许可证注销", None, 0]])
    after = reconcile(config)
    assert after.summary.match.service_items == 8 != before.summary.match.service_items
    assert after.summary.match.service_items == reconcile(_no_cache(config)).summary.match.service_items


def test_the_key_holds_content_options_label_and_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = fixtures.plain(tmp_path / "plain.xlsx")
    base = ingest_cache.entry_for(tmp_path, path, IngestOptions(), label="a")
    assert base == ingest_cache.entry_for(tmp_path, path, IngestOptions(), label="a")
    assert base.key != ingest_cache.entry_for(tmp_path, path, IngestOptions(ditto=False), label="a").key
    assert base.key != ingest_cache.entry_for(tmp_path, path, IngestOptions(), label="b").key
    monkeypatch.setattr(ingest_cache, "code_fingerprint", lambda: "another quanze")
    assert base.key != ingest_cache.entry_for(tmp_path, path, IngestOptions(), label="a").key
    monkeypatch.undo()
    fixtures.xlsx(path, {"Sheet1": [["序号", "事项名称"], [1, "另一个事项"]]})
    assert base.key != ingest_cache.entry_for(tmp_path, path, IngestOptions(), label="a").key


def test_partitions_load_only_the_units_asked_for(config: QuanzeConfig) -> None:
    reconcile(config)  # fills the cache
    loaded = load_inputs(config, units=["东城县"])
    assert {s.unit for s in loaded.services} == {"东城县"}
    assert {p.unit for p in loaded.devolved} == {"东城县", None}  # and the row without a unit
    every = load_inputs(config)
    assert len(every.services) > len(loaded.services)


def test_a_damaged_entry_is_read_again(config: QuanzeConfig) -> None:
    first = reconcile(config)
    root = config.project.cache
    assert root is not None
    for part in (root / ingest_cache.LAYOUT).glob("*/s-*.json"):
        part.write_text("{broken", encoding="utf-8")
    assert reconcile(config).matches == first.matches
    assert reconcile(config, units=["东城县"]).matches == [m for m in first.matches if m.unit == "东城县"]


def test_an_unwritable_cache_only_costs_time(config: QuanzeConfig, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    cfg = config.model_copy(update={"project": config.project.model_copy(update={"cache": blocked})})
    assert reconcile(cfg).matches == reconcile(_no_cache(config)).matches


def _store(args: tuple[str, str]) -> None:
    root, path = args
    options = IngestOptions(kind=ListKind.SERVICES)
    report = read_file(Path(path), options, label=path)
    for _ in range(5):
        ingest_cache.store(ingest_cache.entry_for(Path(root), Path(path), options, label=path), report)


def test_two_processes_filling_the_cache_leave_one_whole_entry(tmp_path: Path) -> None:
    path = fixtures.catalogue(tmp_path / "catalogue.xlsx")
    root = tmp_path / "cache"
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_store, [(str(root), str(path))] * 4)
    entries = [p for p in (root / ingest_cache.LAYOUT).iterdir()]
    assert len(entries) == 1 and not entries[0].name.startswith(".tmp")
    options = IngestOptions(kind=ListKind.SERVICES)
    entry = ingest_cache.entry_for(root, path, options, label=str(path))
    meta = ingest_cache.load_meta(entry)
    assert meta is not None
    loaded = ingest_cache.load(entry, meta)
    assert loaded is not None and loaded.services == read_file(path, options, label=str(path)).services


def test_no_cache_flag_env_and_cache_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ingest_cache.ENV, raising=False)
    work = fixtures.unit_column_lists(tmp_path / "work").parent
    monkeypatch.chdir(work)
    assert runner.invoke(app, ["--no-cache", "reconcile", "--out", "a"]).exit_code == 0
    assert not (work / ".quanze-cache").exists()
    assert runner.invoke(app, ["reconcile", "--out", "b"]).exit_code == 0
    assert (work / ".quanze-cache" / ingest_cache.LAYOUT).is_dir()
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and "2 entries" in cleared.stderr
    assert not (work / ".quanze-cache").exists()
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv(ingest_cache.ENV, str(elsewhere))
    assert runner.invoke(app, ["reconcile", "--out", "c"]).exit_code == 0
    assert (elsewhere / ingest_cache.LAYOUT).is_dir() and not (work / ".quanze-cache").exists()
    assert os.listdir(elsewhere / ingest_cache.LAYOUT)


def test_staging_left_by_a_killed_writer_is_tidied(tmp_path: Path) -> None:
    path = fixtures.catalogue(tmp_path / "catalogue.xlsx")
    root = tmp_path / "cache"
    (root / ingest_cache.LAYOUT).mkdir(parents=True)
    old = root / ingest_cache.LAYOUT / ".tmp-dead-0000"
    fresh = root / ingest_cache.LAYOUT / ".tmp-busy-0000"
    old.mkdir()
    fresh.mkdir()
    (old / "p-x.json").write_text("[]", encoding="utf-8")
    os.utime(old, (0, 0))
    options = IngestOptions(kind=ListKind.SERVICES)
    ingest_cache.store(
        ingest_cache.entry_for(root, path, options, label="c"), read_file(path, options, label="c")
    )
    assert not old.exists() and fresh.exists()  # another writer's work in progress is left alone


def test_the_fingerprint_covers_the_whole_package_not_only_ingest() -> None:
    import quanze

    package, paths = ingest_cache.fingerprinted_sources()
    assert package == Path(quanze.__file__).parent
    names = {p.relative_to(package).as_posix() for p in paths}
    assert {"models.py", "normalize.py", "vocab.py", "ingest/reader.py", "ingest/sheet.py"} <= names


def _stored(config: QuanzeConfig) -> tuple[ingest_cache.Entry, ingest_cache.EntryMeta]:
    root = config.project.cache
    assert root is not None
    options = IngestOptions(kind=ListKind.POWERS)
    path = config.inputs.lists[0].path
    entry = ingest_cache.entry_for(root, path, options, label=str(path))
    report = read_file(path, options, label=str(path))
    ingest_cache.store(entry, report)
    meta = ingest_cache.load_meta(entry)
    assert meta is not None
    return entry, meta


def test_records_come_back_from_the_cache_as_they_were_read(config: QuanzeConfig) -> None:
    entry, meta = _stored(config)
    path = config.inputs.lists[0].path
    fresh = read_file(path, IngestOptions(kind=ListKind.POWERS), label=str(path))
    loaded = ingest_cache.load(entry, meta)
    assert loaded is not None and fresh.powers
    assert [p.model_dump() for p in loaded.powers] == [p.model_dump() for p in fresh.powers]
    assert loaded.powers == fresh.powers and loaded.issues == fresh.issues


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", 5), ("name", None), ("volume", "12"), ("category", "no such category"), ("role", "boss")],
)
def test_a_record_of_the_wrong_type_in_the_cache_is_refused(
    config: QuanzeConfig, field: str, value: object
) -> None:
    import json

    entry, meta = _stored(config)
    part = next(entry.folder.glob("p-*.json"))
    table = json.loads(part.read_bytes())
    table["rows"][0][3 + table["fields"].index(field)] = value
    part.write_text(json.dumps(table), encoding="utf-8")
    assert ingest_cache.load(entry, meta) is None  # then the file is read again


def test_an_interruption_while_the_entry_is_written_stays_an_interruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C landing inside pydantic's serialiser would come out as its error (exit 70, internal error);
    the cache holds the signal back while serialising, so it arrives after as an interruption (the CLI's
    exit 130), and leaves no entry behind."""
    import signal

    from pydantic import BaseModel, field_serializer

    class Interrupting(BaseModel):
        x: int = 0

        @field_serializer("x")
        def ctrl_c(self, value: int) -> int:
            signal.raise_signal(signal.SIGINT)
            return value

    path = fixtures.catalogue(tmp_path / "catalogue.xlsx")
    options = IngestOptions(kind=ListKind.SERVICES)
    entry = ingest_cache.entry_for(tmp_path / "cache", path, options, label=str(path))
    report = read_file(path, options)
    serialise = ingest_cache.EntryMeta.model_dump_json

    def interrupted(self: ingest_cache.EntryMeta) -> str:
        Interrupting().model_dump_json()  # the Ctrl-C lands inside pydantic's serializer
        return serialise(self)

    monkeypatch.setattr(ingest_cache.EntryMeta, "model_dump_json", interrupted)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        ingest_cache.store(entry, report)
    assert not entry.exists

"""Flag-over-config merging: a flag beats the file, the file beats the default, mistakes are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.config import (
    CsvEncoding,
    ListRole,
    Overrides,
    QuanzeConfig,
    ReadOverrides,
    build_config,
    build_ingest_options,
    parse_header_rows,
    parse_list_spec,
)
from quanze.errors import ConfigError, ExitCode, UsageError
from quanze.models import HiddenMode, Level, ListKind

FILE = """
[project]
name = "对账"
decisions = "d.jsonl"
[[inputs.lists]]
path = "下放.xlsx"
role = "devolution"
[inputs.catalogue]
path = "目录.xlsx"
[read]
encoding = "gbk"
[aliases.headers]
department = ["承办处室"]
[match]
match_threshold = 80
review_threshold = 60
"""


@pytest.fixture
def toml(tmp_path: Path) -> Path:
    path = tmp_path / "quanze.toml"
    path.write_text(FILE, encoding="utf-8")
    return path


def test_the_file_beats_the_default(toml: Path) -> None:
    cfg = build_config(toml)
    assert cfg.match.match_threshold == 80
    assert cfg.project.decisions == toml.parent / "d.jsonl"
    assert cfg.project.csv_encoding is CsvEncoding.UTF8_BOM  # not in the file: the default


def test_a_flag_beats_the_file(toml: Path) -> None:
    cfg = build_config(
        toml,
        Overrides(
            match_threshold=95, decisions=Path("elsewhere.jsonl"), csv_encoding=CsvEncoding.GBK, no_cache=True
        ),
    )
    assert cfg.match.match_threshold == 95
    assert cfg.match.review_threshold == 60  # the file's, untouched by the flag beside it
    assert cfg.project.decisions == Path("elsewhere.jsonl")
    assert cfg.project.csv_encoding is CsvEncoding.GBK
    assert cfg.project.cache is None
    assert cfg.project.name == "对账"
    assert build_config(toml).project.out == toml.parent / "out"  # the file's default, beside the file
    assert build_config(toml, Overrides(out=Path("run-7"))).project.out == Path("run-7")  # as typed


def test_lists_on_the_command_line_replace_the_files_lists_and_keep_its_catalogue(toml: Path) -> None:
    cfg = build_config(toml, Overrides(powers=("city:安平市=市级.xlsx",), acceptance=("东城县.xlsx",)))
    assert [(li.role, li.unit, li.level) for li in cfg.inputs.lists] == [
        (ListRole.DEVOLUTION, "安平市", Level.CITY),
        (ListRole.ACCEPTANCE, "东城县", None),
    ]
    assert [c.path.name for c in cfg.inputs.catalogue] == ["目录.xlsx"]


def test_no_file_gives_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert build_config(None) == QuanzeConfig()


def test_quanze_toml_in_the_working_folder_is_read(toml: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(toml.parent)
    assert build_config(None).match.match_threshold == 80


def test_a_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        build_config(tmp_path / "nope.toml")
    assert caught.value.exit_code is ExitCode.BAD_CONFIG
    assert "nope.toml: no such config file" in str(caught.value)
    assert "quanze init" in str(caught.value)


def test_thresholds_are_checked_after_merging(toml: Path) -> None:
    # 70 alone is a fine review threshold, but not above the file's match threshold of 80 … once 50 is given.
    with pytest.raises(UsageError, match="thresholds"):
        build_config(toml, Overrides(match_threshold=50, review_threshold=70))
    with pytest.raises(UsageError):
        build_config(toml, Overrides(review_threshold=85))  # above the file's 80


@pytest.mark.parametrize(
    ("text", "role", "expected"),
    [
        ("东城县.xlsx", ListRole.ACCEPTANCE, (Path("东城县.xlsx"), "东城县", None, None)),
        ("下放.xlsx", ListRole.DEVOLUTION, (Path("下放.xlsx"), None, None, None)),
        ("东城县=a.xlsx", ListRole.ACCEPTANCE, (Path("a.xlsx"), "东城县", None, None)),
        (
            "township:云岭镇@岚山县=y.xlsx",
            ListRole.CHAIN,
            (Path("y.xlsx"), "云岭镇", Level.TOWNSHIP, "岚山县"),
        ),
    ],
)
def test_list_specs(text: str, role: ListRole, expected: tuple[object, ...]) -> None:
    li = parse_list_spec(text, role)
    assert (li.path, li.unit, li.level, li.parent) == expected
    assert li.role is role


def test_an_own_list_needs_level_and_unit() -> None:
    with pytest.raises(UsageError, match="needs its level and unit"):
        parse_list_spec("own.xlsx", ListRole.OWN)
    with pytest.raises(UsageError, match="unknown level 'town'"):
        parse_list_spec("town:云岭镇=y.xlsx", ListRole.CHAIN)


@pytest.mark.parametrize(("text", "rows"), [(None, None), ("3", (3, 3)), ("3-4", (3, 4))])
def test_header_rows(text: str | None, rows: tuple[int, int] | None) -> None:
    assert parse_header_rows(text) == rows


@pytest.mark.parametrize("text", ["x", "0", "4-3", "a-b"])
def test_bad_header_rows_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_header_rows(text)


def test_reading_flags_over_the_files_read_and_aliases(toml: Path) -> None:
    plain = build_ingest_options(toml)
    assert plain.encoding == "gbk"
    assert plain.hidden is HiddenMode.SKIP_SHEETS
    options = build_ingest_options(
        toml,
        ReadOverrides(
            kind=ListKind.POWERS,
            header_rows="2-3",
            sheets=("市监局",),
            encoding="utf-8",
            fill_down=("承办处室",),  # an alias from the file's [aliases.headers]
            hidden=HiddenMode.READ,
            keep_records=False,
        ),
    )
    assert options.kind is ListKind.POWERS
    assert options.header_rows == (2, 3)
    assert options.sheets == ("市监局",)
    assert options.encoding == "utf-8"
    assert options.fill_down == ("department",)
    assert options.hidden is HiddenMode.READ
    assert options.keep_records is False
    assert plain.keep_records is True  # not given: the reader's default


def test_ledger_flags_over_the_files_ledger(toml: Path) -> None:
    from quanze.ledger import LedgerRun

    toml.write_text(FILE + "\n[ledger]\nrecord = true\ndue_days = 14\n", encoding="utf-8")
    assert LedgerRun.asked(build_config(toml, Overrides(ledger=False)), "check") is None
    run = LedgerRun.asked(build_config(toml, Overrides(ledger_db=Path("elsewhere.sqlite"))), "check")
    assert run is not None and run.path == Path("elsewhere.sqlite") and run.due_days == 14
    assert (
        build_config(toml).ledger.path == toml.parent / "quanze-ledger.sqlite"
    )  # the file's default, resolved

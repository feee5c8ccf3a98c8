"""quanze.toml: inputs, aliases, matching thresholds and check thresholds, validated with clear messages."""

from __future__ import annotations

import re
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from quanze.errors import ConfigError, UsageError
from quanze.ingest import IngestOptions, resolve_fields
from quanze.match import MatchOptions
from quanze.models import Category, CategoryNumbering, HiddenMode, Level, ListKind
from quanze.vocab import FIELDS

DEFAULT_CONFIG = Path("quanze.toml")


class ListRole(StrEnum):
    DEVOLUTION = "devolution"  # the upper level's list of items handed down (下放清单)
    ACCEPTANCE = "acceptance"  # a receiving unit's list of items it took on (承接/认领清单)
    PREVIOUS = "previous"  # an earlier version of the devolution list, for the diff
    CHAIN = "chain"  # another level's list (province, township, cluster) that joins the cascade only
    OWN = "own"  # a unit's own current power list: what it still exercises (for held-twice)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListInput(_Strict):
    path: Path
    role: ListRole = ListRole.DEVOLUTION
    level: Level | None = None
    unit: str | None = None
    parent: str | None = None
    """The unit one level up that this unit belongs to (a township's county), for the cascade."""
    version: str | None = None
    sheets: tuple[str, ...] | None = None
    header_rows: tuple[int, int] | None = None


class CatalogueInput(_Strict):
    path: Path
    unit: str | None = None
    sheets: tuple[str, ...] | None = None
    header_rows: tuple[int, int] | None = None


class Inputs(_Strict):
    lists: tuple[ListInput, ...] = ()
    catalogue: tuple[CatalogueInput, ...] = ()

    @field_validator("catalogue", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value


class Aliases(_Strict):
    headers: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    categories: dict[str, Category] = Field(default_factory=dict)
    units: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """A spelling or phrase → the units it names: 承接单位 phrases (山区三县 = ["东城县", "西河县", "北岭县"]) and
    other spellings of one unit, such as a catalogue's 行政区划 (东城县政务服务中心 = ["东城县"])."""

    @field_validator("units", mode="before")
    @classmethod
    def _one_or_many_units(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("headers")
    @classmethod
    def _known_fields(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        unknown = sorted(set(value) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; fields are: {', '.join(FIELDS)}")
        return value


class ReadOptions(_Strict):
    encoding: str | None = None
    fill_down: tuple[str, ...] = ()
    ditto: bool = True
    sheet_as_department: bool = True
    category_codes: CategoryNumbering = CategoryNumbering.NATIONAL
    hidden: HiddenMode = HiddenMode.SKIP_SHEETS


_THRESHOLD = re.compile(r"^\s*(<=|<|==|=)?\s*(\d+(?:\.\d+)?)\s*(%)?\s*$")


class Threshold(_Strict):
    """A limit on a count: `no-service-item = 5` means at most 5; a percentage limits a share."""

    limit: float
    share: bool = False
    strict: bool = False

    @classmethod
    def parse(cls, key: str, value: Any) -> Threshold:
        if isinstance(value, bool):
            raise ValueError(f"{key}: give a number such as 0, 5 or '<= 5', not {value}")
        if isinstance(value, (int, float)):
            return cls(limit=float(value))
        m = _THRESHOLD.match(str(value))
        if not m:
            raise ValueError(f"{key}: {value!r} is not a limit; write 0, 5, '<= 5', '< 5' or '10%'")
        op, number, pct = m.groups()
        return cls(limit=float(number) / (100 if pct else 1), share=bool(pct), strict=op == "<")

    def holds(self, count: float) -> bool:
        return count < self.limit if self.strict else count <= self.limit

    def describe(self) -> str:
        shown = f"{self.limit * 100:g}%" if self.share else f"{self.limit:g}"
        return f"{'<' if self.strict else '<='} {shown}"


class CsvEncoding(StrEnum):
    """Encodings of the CSV files quanze writes; UTF-8 with a BOM opens right in Excel on Chinese Windows."""

    UTF8_BOM = "utf-8-sig"
    UTF8 = "utf-8"
    GBK = "gbk"
    GB18030 = "gb18030"


class Project(_Strict):
    name: str = "quanze"
    out: Path = Path("out")
    decisions: Path = Path("quanze-decisions.jsonl")
    csv_encoding: CsvEncoding = CsvEncoding.UTF8_BOM
    cache: Path | None = Path(".quanze-cache")
    """The read cache (README › Scale); None turns it off (`--no-cache`)."""


class LedgerOptions(_Strict):
    """[ledger]: the 整改台账 file, whether runs record in it, and the default time allowed to fix a gap."""

    path: Path = Path("quanze-ledger.sqlite")
    record: bool = False
    due_days: int = Field(30, ge=1, le=3650, description="days from a gap's opening to its 整改时限")


class QuanzeConfig(_Strict):
    """The whole configuration; every path is resolved against the config file's folder."""

    project: Project = Project()
    inputs: Inputs = Inputs()
    aliases: Aliases = Aliases()
    read: ReadOptions = ReadOptions()
    match: MatchOptions = MatchOptions()
    check: dict[str, Threshold] = Field(default_factory=dict)
    ledger: LedgerOptions = LedgerOptions()

    @field_validator("check", mode="before")
    @classmethod
    def _thresholds(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("[check] must be a table of gap types and limits")
        return {k: v if isinstance(v, Threshold) else Threshold.parse(k, v) for k, v in value.items()}

    def ingest_options(
        self,
        *,
        kind: ListKind = ListKind.AUTO,
        sheets: tuple[str, ...] | None = None,
        header_rows: tuple[int, int] | None = None,
    ) -> IngestOptions:
        return IngestOptions(
            kind=kind,
            sheets=sheets,
            header_rows=header_rows,
            encoding=self.read.encoding,
            fill_down=_fill_down(self.read.fill_down, self.aliases.headers),
            ditto=self.read.ditto,
            sheet_as_department=self.read.sheet_as_department,
            category_codes=self.read.category_codes,
            hidden=self.read.hidden,
            header_aliases=self.aliases.headers,
            category_aliases=self.aliases.categories,
        )


def _fill_down(names: tuple[str, ...], aliases: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    try:
        return resolve_fields(names, aliases)
    except UsageError as exc:
        raise ConfigError(f"[read] fill_down: {exc.message}", hint=exc.hint) from None


def _resolve(config: QuanzeConfig, base: Path) -> QuanzeConfig:
    def fix(p: Path) -> Path:
        return p if p.is_absolute() else base / p

    inputs = Inputs(
        lists=tuple(li.model_copy(update={"path": fix(li.path)}) for li in config.inputs.lists),
        catalogue=tuple(c.model_copy(update={"path": fix(c.path)}) for c in config.inputs.catalogue),
    )
    project = config.project.model_copy(
        update={
            "out": fix(config.project.out),
            "decisions": fix(config.project.decisions),
            "cache": fix(config.project.cache) if config.project.cache is not None else None,
        }
    )
    ledger = config.ledger.model_copy(update={"path": fix(config.ledger.path)})
    return config.model_copy(update={"inputs": inputs, "project": project, "ledger": ledger})


def _where(loc: tuple[Any, ...]) -> str:
    """A pydantic error location as the TOML key a person would look for: inputs.lists[2].level."""
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _config_text(path: Path) -> str:
    """The config's text: UTF-8, with or without the BOM Windows Notepad adds; GBK is named, not guessed."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            cause = "it is saved in GBK (ANSI on a Chinese Windows), not UTF-8"
        except UnicodeDecodeError:
            cause = "it is not UTF-8 text"
        raise ConfigError(
            f"{path} › line {line}: cannot read the config file: {cause}",
            hint="save it as UTF-8 (Notepad: 另存为 › 编码 UTF-8; WPS/VS Code: reopen and save with UTF-8)",
        ) from None


def load_config(path: Path) -> QuanzeConfig:
    """Read and validate a config file; every mistake names its key and how to fix it."""
    try:
        data = tomllib.loads(_config_text(path))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such config file", hint="run `quanze init` to write a starter config"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid TOML ({exc})", hint="check quotes and brackets on that line"
        ) from exc
    try:
        config = QuanzeConfig.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = _where(tuple(err["loc"]))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (misspelt?)"
            lines.append(f"{path} › {key}: {msg}")
        raise ConfigError("\n".join(lines), hint="see README › Configuration for every key") from None
    return _resolve(config, path.parent)


# ---------------------------------------------------------------------------------------------- flags over the file


class Overrides(_Strict):
    """What the command line lays over the config file; an empty or None field keeps the file's value.

    Lists given here replace the config's inputs (a FILE, or LEVEL:UNIT@PARENT=FILE for a list that
    carries its level), but the file's [read] and [aliases] still say how this office's files are read.
    """

    powers: tuple[str, ...] = ()
    catalogue: tuple[Path, ...] = ()
    acceptance: tuple[str, ...] = ()
    chain: tuple[str, ...] = ()
    own: tuple[str, ...] = ()
    previous: Path | None = None
    out: Path | None = None
    """--out: the report folder, over [project] out."""
    decisions: Path | None = None
    match_threshold: float | None = None
    review_threshold: float | None = None
    csv_encoding: CsvEncoding | None = None
    no_cache: bool = False
    ledger: bool | None = None
    """--ledger/--no-ledger: record the run in the 整改台账, over [ledger] record."""
    ledger_db: Path | None = None
    """--db: the ledger file, over [ledger] path."""

    @property
    def names_inputs(self) -> bool:
        return bool(
            self.powers or self.catalogue or self.acceptance or self.chain or self.own or self.previous
        )


class ReadOverrides(_Strict):
    """The reading flags of `validate` and `inspect`, laid over the config's [read] and [aliases]."""

    kind: ListKind = ListKind.AUTO
    header_rows: str | None = None
    sheets: tuple[str, ...] = ()
    encoding: str | None = None
    fill_down: tuple[str, ...] = ()
    hidden: HiddenMode | None = None
    keep_records: bool | None = None
    """Keep every record (validate --records); None keeps the reader's default."""


_OWN_HINT = "write --own LEVEL:UNIT=FILE, e.g. --own city:安平市=市级权责清单.xlsx"


def parse_list_spec(text: str, role: ListRole) -> ListInput:
    """A list from the command line: FILE, or LEVEL:UNIT@PARENT=FILE (county:东城县=东城县.xlsx)."""
    spec, sep, path = text.partition("=")
    if not sep or not spec.strip() or Path(text).exists():
        if role is ListRole.OWN:
            raise UsageError(f"--own {text!r}: an own list needs its level and unit", hint=_OWN_HINT)
        return ListInput(
            path=Path(text), role=role, unit=Path(text).stem if role is not ListRole.DEVOLUTION else None
        )
    level_text, colon, rest = spec.partition(":")
    if not colon:
        level_text, rest = "", spec
    unit, _, parent = rest.partition("@")
    try:
        level = Level(level_text.strip()) if level_text.strip() else None
    except ValueError:
        choices = ", ".join(lv.value for lv in Level)
        raise UsageError(f"{text!r}: unknown level {level_text!r}", hint=f"use one of {choices}") from None
    if role is ListRole.OWN and (level is None or not unit.strip()):
        raise UsageError(f"--own {text!r}: an own list needs its level and unit", hint=_OWN_HINT)
    return ListInput(
        path=Path(path), role=role, unit=unit.strip() or None, level=level, parent=parent.strip() or None
    )


def parse_header_rows(text: str | None) -> tuple[int, int] | None:
    """--header-rows as (top, bottom), 1-based: "3" or "3-4"."""
    if text is None:
        return None
    try:
        first, _, last = text.partition("-")
        top, bottom = int(first), int(last or first)
    except ValueError:
        raise UsageError(f"--header-rows {text!r} is not a row or a range", hint="write 3 or 3-4") from None
    if top < 1 or bottom < top:
        raise UsageError(f"--header-rows {text!r} is not a valid range", hint="rows count from 1: write 3-4")
    return top, bottom


def config_file(path: Path | None) -> QuanzeConfig:
    """The named config file; else quanze.toml in the working folder when there is one; else the defaults."""
    if path is not None:
        return load_config(path)
    if DEFAULT_CONFIG.exists():
        return load_config(DEFAULT_CONFIG)
    return QuanzeConfig()


def build_config(path: Path | None, overrides: Overrides | None = None) -> QuanzeConfig:
    """The config file (see `config_file`) with the command line's inputs and knobs laid over it.

    A flag beats the file and the file beats the default; thresholds are checked together after merging.
    """
    cfg = config_file(path)
    o = overrides or Overrides()
    if o.names_inputs:
        lists = [parse_list_spec(text, ListRole.DEVOLUTION) for text in o.powers]
        lists += [parse_list_spec(text, ListRole.ACCEPTANCE) for text in o.acceptance]
        lists += [parse_list_spec(text, ListRole.CHAIN) for text in o.chain]
        lists += [parse_list_spec(text, ListRole.OWN) for text in o.own]
        if o.previous is not None:
            lists.append(ListInput(path=o.previous, role=ListRole.PREVIOUS))
        cfg = cfg.model_copy(
            update={
                "inputs": Inputs(
                    lists=tuple(lists) or cfg.inputs.lists,
                    catalogue=tuple(CatalogueInput(path=c) for c in o.catalogue) or cfg.inputs.catalogue,
                )
            }
        )
    project: dict[str, Any] = {}
    if o.out is not None:
        project["out"] = o.out
    if o.decisions is not None:
        project["decisions"] = o.decisions
    if o.csv_encoding is not None:
        project["csv_encoding"] = o.csv_encoding
    if o.no_cache:
        project["cache"] = None
    if project:
        cfg = cfg.model_copy(update={"project": cfg.project.model_copy(update=project)})
    ledger: dict[str, Any] = {}
    if o.ledger is not None:
        ledger["record"] = o.ledger
    if o.ledger_db is not None:
        ledger["path"] = o.ledger_db
    if ledger:
        cfg = cfg.model_copy(update={"ledger": cfg.ledger.model_copy(update=ledger)})
    knobs = {
        k: v
        for k, v in (("match_threshold", o.match_threshold), ("review_threshold", o.review_threshold))
        if v is not None
    }
    if knobs:
        try:
            match = MatchOptions.model_validate({**cfg.match.model_dump(), **knobs})
        except ValidationError as exc:
            raise UsageError(
                f"thresholds: {exc.errors()[0]['msg']}", hint="keep 0 <= review <= match <= 100"
            ) from None
        cfg = cfg.model_copy(update={"match": match})
    return cfg


def build_ingest_options(path: Path | None, read: ReadOverrides | None = None) -> IngestOptions:
    """The config's reading options and aliases (quanze.toml here, if any), with the reading flags on top."""
    r = read or ReadOverrides()
    base = config_file(path).ingest_options(
        kind=r.kind, sheets=r.sheets or None, header_rows=parse_header_rows(r.header_rows)
    )
    updates: dict[str, Any] = {}
    if r.keep_records is not None:
        updates["keep_records"] = r.keep_records
    if r.encoding is not None:
        updates["encoding"] = r.encoding
    if r.fill_down:
        updates["fill_down"] = resolve_fields(r.fill_down, base.header_aliases)
    if r.hidden is not None:
        updates["hidden"] = r.hidden
    return base.model_copy(update=updates)


STARTER_CONFIG = """# quanze configuration. Paths are relative to this file. See README › Configuration.
[project]
name = "市级事项下放对账"
out = "out"                          # where reports are written
decisions = "quanze-decisions.jsonl" # analysts' review decisions, kept across runs

# The upper level's devolution list (下放清单). role: devolution | acceptance | previous
[[inputs.lists]]
path = "市级下放事项清单.xlsx"
role = "devolution"
level = "city"                       # province | city | county | township | cluster
unit = "某某市"

# Each receiving unit's acceptance list (承接/认领清单); repeat the block per unit.
# [[inputs.lists]]
# path = "承接清单/某某县.xlsx"
# role = "acceptance"
# level = "county"
# unit = "某某县"

# Last year's list, for the diff:
# [[inputs.lists]]
# path = "市级下放事项清单_2022.xlsx"
# role = "previous"

# The service catalogue exported from the e-government platform.
[inputs.catalogue]
path = "政务服务事项目录.xlsx"

[read]
# encoding = "gbk"                   # CSV encoding when detection is not wanted
# fill_down = ["department"]         # blank cells repeat the value above
# hidden = "skip-sheets"             # hidden sheets skipped, hidden rows read; or "skip" or "read"
ditto = true                         # 同上 / 〃 cells repeat the value above

[aliases.headers]
# name = ["权力事项全称"]            # extra header names for a field
[aliases.categories]
# "XK" = "行政许可"                  # extra category names
[aliases.units]
# "山区三县" = ["东城县", "西河县", "北岭县"]   # 承接单位 phrases and the units they stand for
# "高新区" = "安平高新技术产业开发区"

[match]
match_threshold = 90                 # a link scoring at least this is matched
review_threshold = 65                # a link scoring at least this goes to review
# service_categories = ["行政许可", "行政确认", "行政给付", "行政奖励", "行政裁决", "其他行政权力", "公共服务"]
#                                    # categories expected on the platform (the no-service-item gap)

[check]
# Limits for `quanze check`; exceeding any fails the run (exit code 1).
not-accepted = 0
not-devolved = "<= 10"
no-service-item = 5
orphan-service-item = 20
no-supervision = 0
unused = "30%"                       # a share of service items
name-mismatch = 50
review = 20
invalid-rows = 0
# overdue = 0                        # gaps past their 整改时限 in the ledger (needs [ledger] record = true)

[ledger]
# path = "quanze-ledger.sqlite"      # the 整改台账 database, beside this file
# record = true                      # reconcile and check record every run and its gaps (or pass --ledger)
# due_days = 30                      # a new gap's 整改时限: this many days after it was found
"""

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

"""The options a file is read with (IngestOptions): the quirks of real files, each with a default."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from quanze.models import Category, CategoryNumbering, HiddenMode, ListKind


class IngestOptions(BaseModel):
    """Named options for the quirks of real files; every one has a default that suits most files."""

    model_config = ConfigDict(frozen=True)

    kind: ListKind = ListKind.AUTO
    header_rows: tuple[int, int] | None = None
    """1-based first and last header row; None finds the header automatically."""
    sheets: tuple[str, ...] | None = None
    """Only these sheets; None reads every sheet."""
    encoding: str | None = None
    """CSV encoding; None tries UTF-8 (with or without BOM) then GB18030 and refuses a file that is neither."""
    fill_down: tuple[str, ...] = ()
    """Fields whose blank cells take the value above (merged cells are always filled)."""
    ditto: bool = True
    """Treat 同上 / 〃 cells as the value of the same column in the row above."""
    sheet_as_department: bool = True
    """Take a sheet named after a department as the department when no column or section names one."""
    hidden: HiddenMode = HiddenMode.SKIP_SHEETS
    """Hidden sheets are skipped and hidden rows read by default; each is reported either way."""
    keep_records: bool = True
    """Keep the records; `validate` turns this off to check files of any size in bounded memory."""
    category_codes: CategoryNumbering = CategoryNumbering.NATIONAL
    """How a category cell that is a number is read (the national numbering 01 许可 … by default)."""
    header_aliases: Mapping[str, tuple[str, ...]] = {}
    category_aliases: Mapping[str, Category] = {}

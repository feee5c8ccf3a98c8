"""quanze: reconcile Chinese government power lists (权责清单) with the service catalogue.

The library behind the `quanze` command. Each command is one call here; results are Pydantic models whose
tables also come as pandas DataFrames (`result.to_pandas()`, with `pip install quanze[pandas]`):

    import quanze
    config = quanze.load_config("quanze.toml")
    result = quanze.reconcile(config)            # read, match, find the gaps; writes nothing
    frames = result.to_pandas()                  # {"matches": DataFrame, "gaps": DataFrame, …}
    report = quanze.read_file("清单.xlsx")       # one list file as records and row issues

Names are loaded on first use, so `import quanze` stays cheap for the command line.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name → the module that defines it.
_EXPORTS = {
    "read_file": "quanze.ingest",
    "read_files": "quanze.ingest",
    "IngestOptions": "quanze.ingest",
    "load_config": "quanze.config",
    "QuanzeConfig": "quanze.config",
    "reconcile": "quanze.pipeline",
    "run_validate": "quanze.pipeline",
    "run_inspect": "quanze.pipeline",
    "run_reconcile": "quanze.pipeline",
    "run_gaps": "quanze.pipeline",
    "run_check": "quanze.pipeline",
    "run_diff": "quanze.pipeline",
    "run_explain": "quanze.pipeline",
    "run_review_apply": "quanze.pipeline",
    "run_review_add": "quanze.pipeline",
    "run_handover": "quanze.pipeline",
    "run_handover_progress": "quanze.pipeline",
    "build_config": "quanze.config",
    "Overrides": "quanze.config",
    "ExitCode": "quanze.errors",
    "Stage": "quanze.stages",
    "Step": "quanze.stages",
    "match_catalogue": "quanze.match",
    "match_lists": "quanze.match",
    "MatchOptions": "quanze.match",
    "diff_lists": "quanze.diff",
    "PowerItem": "quanze.models",
    "ServiceItem": "quanze.models",
    "RowIssue": "quanze.models",
    "FileReport": "quanze.models",
    "ReconcileResult": "quanze.results",
    "GapRow": "quanze.results",
    "GapType": "quanze.results",
    "MatchRow": "quanze.results",
    "QuanzeError": "quanze.errors",
}

__all__ = [
    "ExitCode",
    "FileReport",
    "GapRow",
    "GapType",
    "IngestOptions",
    "MatchOptions",
    "MatchRow",
    "Overrides",
    "PowerItem",
    "QuanzeConfig",
    "QuanzeError",
    "ReconcileResult",
    "RowIssue",
    "ServiceItem",
    "Stage",
    "Step",
    "__version__",
    "build_config",
    "diff_lists",
    "load_config",
    "match_catalogue",
    "match_lists",
    "read_file",
    "read_files",
    "reconcile",
    "run_check",
    "run_diff",
    "run_explain",
    "run_gaps",
    "run_handover",
    "run_handover_progress",
    "run_inspect",
    "run_reconcile",
    "run_review_add",
    "run_review_apply",
    "run_validate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'quanze' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from quanze.config import Overrides, QuanzeConfig, build_config, load_config
    from quanze.diff import diff_lists
    from quanze.errors import ExitCode, QuanzeError
    from quanze.ingest import IngestOptions, read_file, read_files
    from quanze.match import MatchOptions, match_catalogue, match_lists
    from quanze.models import FileReport, PowerItem, RowIssue, ServiceItem
    from quanze.pipeline import (
        reconcile,
        run_check,
        run_diff,
        run_explain,
        run_gaps,
        run_handover,
        run_handover_progress,
        run_inspect,
        run_reconcile,
        run_review_add,
        run_review_apply,
        run_validate,
    )
    from quanze.results import GapRow, GapType, MatchRow, ReconcileResult
    from quanze.stages import Stage, Step

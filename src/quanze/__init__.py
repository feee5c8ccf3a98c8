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
    "validate": "quanze.pipeline",
    "reconcile": "quanze.pipeline",
    "reconcile_to": "quanze.pipeline",
    "gaps_to": "quanze.pipeline",
    "check": "quanze.pipeline",
    "diff": "quanze.pipeline",
    "explain": "quanze.pipeline",
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
    "FileReport",
    "GapRow",
    "GapType",
    "IngestOptions",
    "MatchOptions",
    "MatchRow",
    "PowerItem",
    "QuanzeConfig",
    "QuanzeError",
    "ReconcileResult",
    "RowIssue",
    "ServiceItem",
    "__version__",
    "check",
    "diff",
    "diff_lists",
    "explain",
    "gaps_to",
    "load_config",
    "match_catalogue",
    "match_lists",
    "read_file",
    "read_files",
    "reconcile",
    "reconcile_to",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'quanze' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from quanze.config import QuanzeConfig, load_config
    from quanze.diff import diff_lists
    from quanze.errors import QuanzeError
    from quanze.ingest import IngestOptions, read_file, read_files
    from quanze.match import MatchOptions, match_catalogue, match_lists
    from quanze.models import FileReport, PowerItem, RowIssue, ServiceItem
    from quanze.pipeline import check, diff, explain, gaps_to, reconcile, reconcile_to, validate
    from quanze.results import GapRow, GapType, MatchRow, ReconcileResult

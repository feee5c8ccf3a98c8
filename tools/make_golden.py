"""Regenerate the end-to-end golden file: `make golden` (after a deliberate change to matching or gaps)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from quanze.config import load_config
from quanze.pipeline import run_reconcile

ROOT = Path(__file__).parents[1]
GOLDEN = ROOT / "tests" / "golden" / "sample-summary.json"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run_reconcile(load_config(ROOT / "sample_data" / "quanze.toml"), out=Path(tmp) / "out", force=True)
        GOLDEN.parent.mkdir(exist_ok=True)
        summary = json.loads((Path(tmp) / "out" / "summary.json").read_text(encoding="utf-8"))
        for item in summary["inputs"]:  # paths relative to sample_data/, so no machine's layout is recorded
            item["path"] = Path(item["path"]).relative_to(ROOT / "sample_data").as_posix()
        GOLDEN.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

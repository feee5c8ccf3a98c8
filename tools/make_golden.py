"""Regenerate the end-to-end golden file: `make golden` (after a deliberate change to matching or gaps)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from quanze.config import load_config
from quanze.pipeline import reconcile_to

ROOT = Path(__file__).parents[1]
GOLDEN = ROOT / "tests" / "golden" / "sample-summary.json"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        reconcile_to(Path(tmp) / "out", load_config(ROOT / "sample_data" / "quanze.toml"), force=True)
        GOLDEN.parent.mkdir(exist_ok=True)
        shutil.copyfile(Path(tmp) / "out" / "summary.json", GOLDEN)
    print(f"wrote {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

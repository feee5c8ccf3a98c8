"""The `quanze` console script: the command line loaded quickly, and a Ctrl-C while it loads ends like one in a run."""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """Load the command line, then run it; an interrupt during the load exits 130 with no traceback.

    Loading quanze.cli takes a moment (openpyxl, pydantic, rich …): a Ctrl-C straight after Enter used to
    land inside an import, print a traceback and kill the process by the signal. The imports build a few
    hundred thousand objects (models and their schemas, dataclasses, regexes) that all live until the process
    ends: a collection during them frees nothing and costs about a tenth of their time, so the collector is
    off while they run and on again before any command does, and they are frozen (gctune.freeze_startup).
    """
    gc.disable()
    try:
        from quanze.cli import main as run
        from quanze.gctune import freeze_startup

        freeze_startup()  # before the collector is on again: its first allocation would walk them all
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; nothing was read or written\n")
        raise SystemExit(130) from None
    finally:
        gc.enable()
    run()

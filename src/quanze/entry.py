"""The `quanze` console script: Ctrl-C while the command line is still loading ends like Ctrl-C in a run."""

from __future__ import annotations

import sys


def main() -> None:
    """Load the command line, then run it; an interrupt during the load exits 130 with no traceback.

    Loading quanze.cli takes a moment (openpyxl, pydantic, rich …): a Ctrl-C straight after Enter used to
    land inside an import, print a traceback and kill the process by the signal.
    """
    try:
        from quanze.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; nothing was read or written\n")
        raise SystemExit(130) from None
    run()

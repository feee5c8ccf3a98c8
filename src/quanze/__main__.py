"""Allow ``python -m quanze``; `run` is also the `quanze` console script."""

from __future__ import annotations

import gc


def run() -> None:
    """Import the CLI with the garbage collector off, then run it.

    Importing quanze builds a few hundred thousand objects (models and their schemas, dataclasses,
    regexes) that all live until the process ends: a collection during the imports frees nothing and
    costs about a tenth of their time. The collector is on again before any command runs.
    """
    gc.disable()
    try:
        from quanze.cli import main
    finally:
        gc.enable()
    main()


if __name__ == "__main__":
    run()

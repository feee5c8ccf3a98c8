"""Allow ``python -m quanze``."""

from __future__ import annotations

from quanze.cli import main

main()

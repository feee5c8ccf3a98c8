"""Allow ``python -m quanze``."""

from __future__ import annotations

from quanze.entry import main

main()

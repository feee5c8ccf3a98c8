"""`python -m quanze`: the same entry as the `quanze` console script."""

from __future__ import annotations

from quanze.entry import main

if __name__ == "__main__":
    main()

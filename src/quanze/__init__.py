"""quanze: reconcile Chinese government power lists (权责清单) with the service catalogue."""

from __future__ import annotations

__version__ = "0.1.0"

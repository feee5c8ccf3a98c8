"""Reports: the only code that writes files (CSV, JSON, formatted Excel, HTML, decisions)."""

from __future__ import annotations

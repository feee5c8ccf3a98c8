"""The face of quanze.ingest: every public name resolves, whichever module is imported first."""

from __future__ import annotations

import subprocess
import sys

import pytest

import quanze.ingest


@pytest.mark.parametrize("name", quanze.ingest.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(quanze.ingest, name) is not None


@pytest.mark.parametrize("first", ["quanze.config", "quanze.ingest", "quanze.pipeline", "quanze.cli"])
def test_no_import_cycle_whichever_module_comes_first(first: str) -> None:
    # config builds IngestOptions and loading needs the config: the face must not close that circle.
    code = f"import {first}; from quanze.ingest import load_inputs, read_review, read_file; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = quanze.ingest.nothing_here  # type: ignore[attr-defined]

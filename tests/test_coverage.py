"""What a run could not look for: every need a gap type declares is read from the run, and the reason shown
for a type lacking several needs is the one `Need`'s order puts last."""

from __future__ import annotations

from pathlib import Path

from quanze.config import load_config
from quanze.coverage import NO_ACCEPTANCE_LISTS, NO_CATALOGUE, RUN_NEEDS, unmeasured
from quanze.gap_types import GAP_TYPES, Need
from quanze.pipeline import run_reconcile

import fixtures


def test_every_need_but_the_whole_run_is_read_from_the_run() -> None:
    # WHOLE_RUN is read per gap type (its slug absent from a partition's summary); every other need has a reader.
    assert set(RUN_NEEDS) == set(Need) - {Need.WHOLE_RUN}


def test_the_cascade_types_need_two_levels_and_the_cross_unit_types_the_whole_run() -> None:
    for gap, spec in GAP_TYPES.items():
        cascade = "quanze.gaps:find_cascade_gaps" in spec.finders
        assert (Need.LEVELS in spec.all_needs) == cascade, gap
        assert (Need.WHOLE_RUN in spec.all_needs) == spec.cross_unit, gap
        assert list(spec.all_needs) == sorted(spec.all_needs, key=list(Need).index), gap


def test_a_run_without_a_catalogue_says_so_for_zero_use_not_that_a_volume_column_is_missing(
    tmp_path: Path,
) -> None:
    fixtures.city_list(tmp_path / "city.xlsx")
    config = tmp_path / "quanze.toml"
    config.write_text(
        '[project]\nname = "测试"\nout = "out"\n\n'
        '[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\nlevel = "city"\n',
        encoding="utf-8",
    )
    result = run_reconcile(load_config(config), out=tmp_path / "out", force=False)
    missing = unmeasured(result)
    # Both of 零办件's needs look lacking, but VOLUME is read only where a catalogue was given: no catalogue it is.
    assert missing["unused"] == NO_CATALOGUE
    assert missing["no-service-item"] == NO_CATALOGUE
    assert missing["not-accepted"] == missing["not-devolved"] == NO_ACCEPTANCE_LISTS

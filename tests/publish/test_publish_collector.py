"""The collector settings a publish uses are set while it renders and restored after."""

from __future__ import annotations

import gc

import pytest

from kirinuki.publish.collector import collector_paused, young_collections


def test_young_collections_sets_and_restores_the_threshold() -> None:
    before = gc.get_threshold()
    with young_collections(12_345):
        assert gc.get_threshold() == (12_345, *before[1:])
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), young_collections(777):
        raise RuntimeError("a failed render")
    assert gc.get_threshold() == before


def test_collector_paused_freezes_what_phase_one_made() -> None:
    enabled = gc.isenabled()
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        with collector_paused():
            assert not gc.isenabled()
            made = [[i] for i in range(100)]  # lists: objects the collector tracks
        assert gc.isenabled() == enabled
        assert gc.get_freeze_count() >= len(made)
    finally:
        gc.unfreeze()

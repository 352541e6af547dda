"""The bundled snapshot: same series as the newest real release, checksum enforced, rebuildable."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from crossingcast.data import homeoffice as ho
from crossingcast.data.snapshot import build_snapshot, snapshot_dir, snapshot_info, verify_snapshot
from crossingcast.errors import DataError


def _newest(releases):
    return max((ho.read_release(p) for p in releases), key=lambda r: (r.end, r.path.name))


def test_snapshot_equals_newest_real_release(releases):
    info = verify_snapshot()
    real = _newest(releases)
    snap = ho.read_release(snapshot_dir() / "homeoffice" / info["file"])  # the same validated reader
    assert info["source_file"] == real.path.name
    assert info["daily_last"] == str(real.end.date()) == "2026-04-30"
    pd.testing.assert_frame_equal(snap.daily, real.daily, check_freq=False)
    pd.testing.assert_frame_equal(snap.weekly, real.weekly, check_freq=False)
    assert int(snap.daily["migrants"].sum()) == int(real.daily["migrants"].sum())
    assert ho.load_counts(snapshot_dir()).equals(real.daily)


def test_snapshot_carries_provenance_and_licence():
    info = snapshot_info()
    assert info["release_date"] == "2026-05-01" and info["sheets"] == ["SB_01", "SB_02"]
    assert "Open Government Licence v3.0" in info["licence"]
    book = pd.read_excel(snapshot_dir() / "homeoffice" / info["file"], sheet_name=None, header=None,
                         engine="calamine")
    assert set(book) == {"Cover_sheet", "SB_01", "SB_02"}
    cover = " ".join(book["Cover_sheet"][0].astype(str))
    assert "Open Government Licence v3.0" in cover and info["source_sha256"] in cover


def test_checksum_mismatch_is_a_clear_error(tmp_path):
    copy = tmp_path / "snap"
    shutil.copytree(snapshot_dir(), copy)
    f = copy / "homeoffice" / snapshot_info(copy)["file"]
    data = bytearray(f.read_bytes())
    data[-10] ^= 0xFF
    f.write_bytes(bytes(data))
    with pytest.raises(DataError, match="failed its checksum"):
        verify_snapshot(copy)
    f.unlink()
    with pytest.raises(DataError, match="missing"):
        verify_snapshot(copy)


@pytest.mark.slow
def test_build_reproduces_the_bundled_series(data_dir, tmp_path):
    info = build_snapshot(data_dir, tmp_path / "snap")
    assert verify_snapshot(tmp_path / "snap") == info
    built = ho.read_release(tmp_path / "snap" / "homeoffice" / info["file"])
    bundled = ho.read_release(snapshot_dir() / "homeoffice" / snapshot_info()["file"])
    pd.testing.assert_frame_equal(built.daily, bundled.daily)
    pd.testing.assert_frame_equal(built.weekly, bundled.weekly)

"""The data home: atomic writes (even when the writer is killed), kept releases, checksums."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from crossingcast.data.home import DataHome, atomic_write_bytes, resolve_data_dir, sha256_bytes
from crossingcast.errors import DataError


def test_atomic_write_replaces_whole_file(tmp_path):
    p = tmp_path / "a.bin"
    atomic_write_bytes(p, b"old")
    atomic_write_bytes(p, b"new content")
    assert p.read_bytes() == b"new content"
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".part")]


def test_killed_writer_leaves_previous_state(tmp_path):
    target = tmp_path / "release.ods"
    atomic_write_bytes(target, b"previous release")
    # A child process writes a large file slowly through atomic_write_bytes; we kill it mid-write.
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {os.getcwd()!r})
        import crossingcast.data.home as home
        real_fdopen = home.os.fdopen
        class Slow:
            def __init__(self, fh): self.fh = fh
            def __enter__(self): return self
            def __exit__(self, *a): return self.fh.__exit__(*a)
            def write(self, data):
                for i in range(0, len(data), 1024):
                    self.fh.write(data[i:i + 1024]); self.fh.flush()
                    print("wrote", flush=True); time.sleep(0.01)
            def flush(self): self.fh.flush()
            def fileno(self): return self.fh.fileno()
        home.os.fdopen = lambda fd, mode: Slow(real_fdopen(fd, mode))
        home.atomic_write_bytes({str(target)!r}, b"x" * 1024 * 1000)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    for _ in range(5):
        assert proc.stdout.readline().startswith("wrote")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert target.read_bytes() == b"previous release"


def test_archive_keeps_every_release(tmp_path):
    home = DataHome(tmp_path)
    a = home.archive("r.ods", b"one", source_url="http://x/r.ods")
    same = home.archive("r.ods", b"one")
    b = home.archive("r.ods", b"two")
    assert same.path == a.path and b.path != a.path
    assert a.path.read_bytes() == b"one" and b.path.read_bytes() == b"two"
    table = home.releases()
    assert len(table) == 2
    assert set(table["sha256"]) == {sha256_bytes(b"one"), sha256_bytes(b"two")}
    assert table["downloaded_at"].notna().all()


def test_resolve_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CROSSINGCAST_DATA", str(tmp_path))
    assert resolve_data_dir() == tmp_path
    monkeypatch.delenv("CROSSINGCAST_DATA")
    with pytest.raises(DataError, match="CROSSINGCAST_DATA"):
        resolve_data_dir()
    with pytest.raises(DataError, match="does not exist"):
        resolve_data_dir(tmp_path / "nope")


def _release_dir(root, releases):
    (root / "homeoffice").mkdir(parents=True)
    (root / "homeoffice" / releases[0].name).symlink_to(releases[0])
    return root


def test_resolution_order(tmp_path, monkeypatch, releases):
    from crossingcast.data.home import resolve_data
    from crossingcast.data.snapshot import snapshot_dir

    explicit = _release_dir(tmp_path / "explicit", releases)
    env = _release_dir(tmp_path / "env", releases)
    home = tmp_path / "home"
    monkeypatch.setenv("CROSSINGCAST_HOME", str(home))
    monkeypatch.setenv("CROSSINGCAST_DATA", str(env))
    assert resolve_data(explicit).kind == "--data-dir" and resolve_data(explicit).root == explicit
    assert resolve_data().kind == "CROSSINGCAST_DATA" and resolve_data().root == env
    monkeypatch.delenv("CROSSINGCAST_DATA")
    home.mkdir()  # a data home without a release does not count
    src = resolve_data()
    assert src.kind == "bundled snapshot" and src.root == snapshot_dir()
    assert "2026-05-01" in src.reason and "OGL v3.0" in src.reason and src.snapshot["release_date"] == "2026-05-01"
    _release_dir(home, releases)
    assert resolve_data().kind == "data home" and resolve_data().root == home
    monkeypatch.setenv("CROSSINGCAST_DATA", str(tmp_path / "nowhere"))  # given but missing: an error, no fallback
    with pytest.raises(DataError, match="nowhere"):
        resolve_data()


def test_weather_from_data_home_when_the_data_dir_has_none(tmp_path, monkeypatch, releases):
    from crossingcast.data.home import resolve_data

    data = _release_dir(tmp_path / "data", releases)
    home = tmp_path / "home"
    monkeypatch.setenv("CROSSINGCAST_HOME", str(home))
    assert resolve_data(data).weather_dir() is None
    (home / "weather").mkdir(parents=True)
    assert resolve_data(data).weather_dir() == home / "weather"
    (data / "weather").mkdir()
    assert resolve_data(data).weather_dir() == data / "weather"

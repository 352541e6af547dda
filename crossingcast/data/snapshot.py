"""The bundled snapshot: a compact, checksummed copy of one Home Office release shipped inside the package.

A fresh installation has no data directory and may have no network.  So that
``crossingcast forecast --start ... --end ...`` still runs, the package carries
``crossingcast/resources/snapshot/``:

* ``homeoffice/small_boats_time_series_<release date>.ods`` — an OpenDocument
  spreadsheet with the release's ``SB_01`` (daily) and ``SB_02`` (weekly)
  sheets copied cell for cell, and a ``Cover_sheet`` stating the provenance
  and the licence (Crown copyright, Open Government Licence v3.0).  The
  ``Notes`` sheet of the original is left out; nothing else is changed;
* ``snapshot.json`` — release date, period covered, the original file's name,
  size and SHA-256, the snapshot file's SHA-256, the attribution.

The snapshot folder is laid out like a data directory (``homeoffice/*.ods``), so
it is read by the **same validated reader** as a downloaded release
(:func:`crossingcast.data.homeoffice.read_release`).  Its checksum is verified
before every use (:func:`verify_snapshot`); a mismatch is a
:class:`~crossingcast.errors.DataError`.

Regenerate it from the newest release of a data directory with::

    python -m crossingcast.data.snapshot build ../shared/data
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
from pathlib import Path

import pandas as pd

from crossingcast.data.home import atomic_write_text, sha256_bytes
from crossingcast.errors import DataError

__all__ = ["SNAPSHOT_DIR", "LICENCE", "snapshot_dir", "snapshot_info", "verify_snapshot", "build_snapshot"]

#: Folder of the bundled snapshot inside the installed package.
SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "resources" / "snapshot"
_MANIFEST = "snapshot.json"
LICENCE = ("Contains public sector information licensed under the Open Government Licence v3.0 "
           "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). "
           "Source: UK Home Office, 'Migrants detected crossing the English Channel in small boats - "
           "time series'. Crown copyright.")
_SOURCE_PAGE = ("https://www.gov.uk/government/publications/"
                "migrants-detected-crossing-the-english-channel-in-small-boats")
_SHEETS = ("SB_01", "SB_02")


def snapshot_dir() -> Path:
    """The bundled snapshot folder (a data directory holding ``homeoffice/*.ods``)."""
    return SNAPSHOT_DIR


def snapshot_info(root: str | os.PathLike | None = None) -> dict:
    """The snapshot's manifest (``snapshot.json``) as a dict.

    Raises
    ------
    DataError
        If the manifest is missing or not valid JSON.
    """
    root = Path(root) if root is not None else SNAPSHOT_DIR
    path = root / _MANIFEST
    if not path.is_file():
        raise DataError(f"bundled snapshot manifest {str(path)!r} is missing: the installation is incomplete "
                        "(reinstall crossingcast, or pass --data-dir)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"bundled snapshot manifest {str(path)!r} is not valid JSON: {exc}") from exc


def verify_snapshot(root: str | os.PathLike | None = None) -> dict:
    """Check the snapshot file against the SHA-256 in its manifest; return the manifest.

    Raises
    ------
    DataError
        If the file is missing or its checksum differs (names the file and both digests).
    """
    root = Path(root) if root is not None else SNAPSHOT_DIR
    info = snapshot_info(root)
    path = root / "homeoffice" / info["file"]
    if not path.is_file():
        raise DataError(f"bundled snapshot file {str(path)!r} is missing (listed in {_MANIFEST})")
    digest = sha256_bytes(path.read_bytes())
    if digest != info["sha256"]:
        raise DataError(f"bundled snapshot {str(path)!r} failed its checksum: sha256 {digest}, expected "
                        f"{info['sha256']} ({_MANIFEST}); the file is damaged or was edited: reinstall "
                        "crossingcast or rebuild it with `python -m crossingcast.data.snapshot build <data dir>`")
    return info


def _release_date(path: Path) -> str:
    import re

    m = re.search(r"(\d{4}-\d{2}-\d{2})", path.stem)
    if m is None:
        raise DataError(f"{str(path)!r}: cannot tell the release date from the file name "
                        "(expected small_boats_time_series_YYYY-MM-DD.ods)")
    return m.group(1)


def build_snapshot(data_dir: str | os.PathLike, out: str | os.PathLike | None = None) -> dict:
    """Write the snapshot of the newest release under ``data_dir`` to ``out`` (default: the package folder).

    Parameters
    ----------
    data_dir : path-like
        A data directory (``homeoffice/*.ods``), a ``homeoffice/`` folder or one ``.ods`` file.
    out : path-like, optional
        Snapshot folder; default :data:`SNAPSHOT_DIR`.  Older snapshot files there are removed.

    Returns
    -------
    dict
        The manifest written to ``snapshot.json``.

    Raises
    ------
    DataError
        If the release does not read, or the written snapshot does not read back to the
        same daily and weekly series (the check runs before the manifest is written).
    """
    from crossingcast.data.homeoffice import find_releases, read_release

    releases = [read_release(f) for f in find_releases(data_dir)]
    newest = max(releases, key=lambda r: (r.end, r.path.name))
    src = newest.path
    release_date = _release_date(src)
    out = Path(out) if out is not None else SNAPSHOT_DIR
    folder = out / "homeoffice"
    folder.mkdir(parents=True, exist_ok=True)
    raw = pd.read_excel(src, sheet_name=None, header=None, engine="calamine")
    missing = [s for s in _SHEETS if s not in raw]
    if missing:
        raise DataError(f"{str(src)!r}: sheet(s) {missing} not found (have {list(raw)}); the snapshot copies "
                        "SB_01 and SB_02 by name")
    src_bytes = src.read_bytes()
    cover = pd.DataFrame({0: [
        "Migrants detected crossing the English Channel in small boats - time series",
        f"crossingcast bundled snapshot of the release published {release_date} "
        f"(daily data {newest.daily.index[0].date()} to {newest.end.date()})",
        f"Derived from {src.name} (sha256 {sha256_bytes(src_bytes)}): sheets SB_01 and SB_02 copied "
        "cell for cell; other sheets omitted",
        f"Publication page: {_SOURCE_PAGE}",
        LICENCE,
    ]})
    name = f"small_boats_time_series_{release_date}.ods"
    target = folder / name
    tmp = folder / f".{name}.part"
    with pd.ExcelWriter(tmp, engine="odf") as xw:
        cover.to_excel(xw, sheet_name="Cover_sheet", header=False, index=False)
        for sheet in _SHEETS:
            raw[sheet].to_excel(xw, sheet_name=sheet, header=False, index=False)
    check = read_release(tmp)
    for what, a, b in (("daily (SB_01)", check.daily, newest.daily), ("weekly (SB_02)", check.weekly, newest.weekly)):
        try:
            pd.testing.assert_frame_equal(a, b, check_freq=False)
        except AssertionError as exc:
            tmp.unlink()
            raise DataError(f"snapshot of {str(src)!r} does not read back to the same {what} series: {exc}") from None
    for old in folder.glob("*.ods"):
        if old.name != name:
            old.unlink()
    os.replace(tmp, target)
    data = target.read_bytes()
    info = {
        "file": name,
        "sha256": sha256_bytes(data),
        "bytes": len(data),
        "release_date": release_date,
        "daily_first": str(newest.daily.index[0].date()),
        "daily_last": str(newest.end.date()),
        "weekly_last": str(newest.weekly.index[-1].date()),
        "source_file": src.name,
        "source_sha256": sha256_bytes(src_bytes),
        "source_bytes": len(src_bytes),
        "source_page": _SOURCE_PAGE,
        "sheets": list(_SHEETS),
        "licence": LICENCE,
        "built": _dt.date.today().isoformat(),
        "built_by": "python -m crossingcast.data.snapshot build",
    }
    atomic_write_text(out / _MANIFEST, json.dumps(info, indent=2) + "\n")
    os.chmod(out / _MANIFEST, 0o644)  # package data: readable by everyone (mkstemp creates 0600)
    return info


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - thin wrapper, tested via build_snapshot
    parser = argparse.ArgumentParser(prog="python -m crossingcast.data.snapshot",
                                     description="Build or check the bundled Home Office snapshot.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="snapshot the newest release of a data directory")
    b.add_argument("data_dir")
    b.add_argument("--out", default=None, help="snapshot folder (default: inside the package)")
    sub.add_parser("verify", help="check the bundled snapshot's checksum")
    args = parser.parse_args(argv)
    try:
        info = build_snapshot(args.data_dir, args.out) if args.cmd == "build" else verify_snapshot()
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""The data home: where data lives, how it is written, and what has been kept.

Two places matter:

* the **data directory** a user points crossingcast at (``--data-dir`` or the
  ``CROSSINGCAST_DATA`` environment variable), laid out as ``homeoffice/*.ods``
  and optionally ``weather/`` (a meteostat mirror in meteostat's own layout);
* the **data home** (``CROSSINGCAST_HOME``, default ``~/.crossingcast``) where
  downloads are archived.  Every release is kept under its own name with its
  download time, source URL and SHA-256 in ``manifest.json``; a new release
  never overwrites an older one, and every write is atomic (temporary file in
  the same directory, ``fsync``, ``os.replace``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crossingcast.errors import DataError

__all__ = [
    "DATA_ENV_VAR",
    "HOME_ENV_VAR",
    "resolve_data_dir",
    "resolve_data",
    "DataSource",
    "default_home",
    "homeoffice_dir",
    "weather_dir",
    "atomic_write_bytes",
    "atomic_write_text",
    "sha256_bytes",
    "DataHome",
]

DATA_ENV_VAR = "CROSSINGCAST_DATA"
HOME_ENV_VAR = "CROSSINGCAST_HOME"


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Return the data directory: ``data_dir`` if given, else ``$CROSSINGCAST_DATA``.

    Parameters
    ----------
    data_dir : path-like, optional
        Explicit directory; takes precedence over the environment variable.

    Returns
    -------
    pathlib.Path
        An existing directory.

    Raises
    ------
    DataError
        If neither is set, or the directory does not exist.
    """
    raw = data_dir if data_dir is not None else os.environ.get(DATA_ENV_VAR)
    if raw is None or str(raw) == "":
        raise DataError(
            f"no data directory given: pass --data-dir / data_dir=... or set {DATA_ENV_VAR} "
            "to a directory holding homeoffice/*.ods (e.g. ../shared/data)"
        )
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise DataError(f"data directory {str(path)!r} does not exist or is not a directory")
    return path


def default_home() -> Path:
    """The data home: ``$CROSSINGCAST_HOME`` or ``~/.crossingcast``."""
    return Path(os.environ.get(HOME_ENV_VAR) or (Path.home() / ".crossingcast")).expanduser()


def _has_release(root: Path) -> bool:
    folder = root / "homeoffice"
    return folder.is_dir() and any(not f.name.startswith(".") for f in folder.glob("*.ods"))


@dataclass(frozen=True)
class DataSource:
    """Where the data of a run comes from, and why that place was chosen.

    Attributes
    ----------
    root : pathlib.Path
        A data directory (``homeoffice/*.ods``, optionally ``weather/``).
    kind : {"--data-dir", "CROSSINGCAST_DATA", "data home", "bundled snapshot"}
        Which rule of the resolution order picked it.
    reason : str
        One sentence for the user: what was chosen and why the earlier rules did not apply.
    snapshot : dict or None
        The snapshot manifest (release date, provenance, licence) when ``kind`` is the snapshot.
    """

    root: Path
    kind: str
    reason: str
    snapshot: dict | None = None

    def weather_dir(self) -> Path | None:
        """The weather mirror to use: ``root/weather``, else the data home's ``weather/`` if present."""
        own = self.root / "weather"
        if own.is_dir():
            return own
        home = default_home() / "weather"
        return home if home.is_dir() else None


def resolve_data(data_dir: str | os.PathLike | None = None) -> DataSource:
    """Find the data of a run by the one resolution order.

    ``data_dir`` (``--data-dir``) > ``$CROSSINGCAST_DATA`` > the data home
    (``$CROSSINGCAST_HOME``, default ``~/.crossingcast``) when it holds a
    release > the bundled snapshot inside the package
    (:mod:`crossingcast.data.snapshot`, checksum verified here).

    Parameters
    ----------
    data_dir : path-like, optional
        Explicit data directory.

    Returns
    -------
    DataSource

    Raises
    ------
    DataError
        If an explicitly given directory (argument or environment variable) does not
        exist (never silently replaced by a later rule), or the snapshot fails its checksum.
    """
    if data_dir is not None and str(data_dir) != "":
        return DataSource(resolve_data_dir(data_dir), "--data-dir", f"--data-dir {data_dir}")
    env = os.environ.get(DATA_ENV_VAR)
    if env:
        return DataSource(resolve_data_dir(env), DATA_ENV_VAR, f"${DATA_ENV_VAR}={env}")
    home = default_home()
    if _has_release(home):
        return DataSource(home, "data home", f"data home {home} (no --data-dir, ${DATA_ENV_VAR} unset)")
    from crossingcast.data.snapshot import snapshot_dir, verify_snapshot

    info = verify_snapshot()
    return DataSource(snapshot_dir(), "bundled snapshot",
                      f"BUNDLED SNAPSHOT of the Home Office release of {info['release_date']} (daily data to "
                      f"{info['daily_last']}; sha256 verified; Crown copyright, OGL v3.0) - no --data-dir, "
                      f"${DATA_ENV_VAR} unset, no release in the data home {home}; "
                      "run `crossingcast fetch` for the current release", info)


def homeoffice_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The ``homeoffice/`` folder of the data directory (must exist)."""
    path = resolve_data_dir(data_dir) / "homeoffice"
    if not path.is_dir():
        raise DataError(f"data directory has no homeoffice/ folder: {str(path)!r}")
    return path


def weather_dir(data_dir: str | os.PathLike | None = None) -> Path | None:
    """The optional ``weather/`` meteostat mirror of the data directory, or ``None``."""
    try:
        path = resolve_data_dir(data_dir) / "weather"
    except DataError:
        return None
    return path if path.is_dir() else None


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically.

    The bytes go to a temporary file in the same directory, are flushed and
    ``fsync``-ed, then moved over ``path`` with :func:`os.replace`.  A crash at
    any point leaves either the old file or the new one, never a partial file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Atomic text write (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode(encoding))


@dataclass(frozen=True)
class Release:
    """One archived release: its file, checksum, source and download time."""

    path: Path
    sha256: str
    source_url: str | None
    downloaded_at: str


class DataHome:
    """An archive of downloaded releases that never loses one.

    Parameters
    ----------
    root : path-like, optional
        Directory of the data home; defaults to ``$CROSSINGCAST_HOME`` or
        ``~/.crossingcast``.  Releases go to ``root/homeoffice/`` and are listed
        in ``root/homeoffice/manifest.json``.
    """

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        if root is None:
            root = os.environ.get(HOME_ENV_VAR) or (Path.home() / ".crossingcast")
        self.root = Path(root).expanduser()

    @property
    def homeoffice(self) -> Path:
        """Folder of archived Home Office releases."""
        return self.root / "homeoffice"

    @property
    def manifest_path(self) -> Path:
        return self.homeoffice / "manifest.json"

    def manifest(self) -> dict[str, dict]:
        """The manifest: file name -> {sha256, source_url, downloaded_at}."""
        if not self.manifest_path.exists():
            return {}
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DataError(f"data home manifest {str(self.manifest_path)!r} is corrupt: {exc}") from exc

    def archive(self, name: str, data: bytes, source_url: str | None = None,
                downloaded_at: _dt.datetime | None = None) -> Release:
        """Keep ``data`` as release ``name`` without touching any earlier release.

        If a release of that name exists with the same checksum, nothing is
        written.  If it exists with *different* content (a re-publication under
        the same name), the new one is stored as ``<stem>.<sha8><suffix>``.
        """
        digest = sha256_bytes(data)
        when = (downloaded_at or _dt.datetime.now(_dt.timezone.utc)).isoformat(timespec="seconds")
        manifest = self.manifest()
        target = self.homeoffice / name
        if target.exists():
            if sha256_bytes(target.read_bytes()) == digest:
                entry = manifest.get(target.name) or {"sha256": digest, "source_url": source_url,
                                                       "downloaded_at": when}
                return Release(target, entry["sha256"], entry.get("source_url"), entry["downloaded_at"])
            target = target.with_name(f"{target.stem}.{digest[:8]}{target.suffix}")
        atomic_write_bytes(target, data)
        manifest[target.name] = {"sha256": digest, "source_url": source_url, "downloaded_at": when}
        atomic_write_text(self.manifest_path, json.dumps(manifest, indent=2, sort_keys=True))
        return Release(target, digest, source_url, when)

    def releases(self) -> pd.DataFrame:
        """Table of archived releases (file, sha256, source_url, downloaded_at), oldest first."""
        manifest = self.manifest()
        rows = []
        for path in sorted(self.homeoffice.glob("*.ods")) if self.homeoffice.exists() else []:
            entry = manifest.get(path.name, {})
            rows.append({"file": str(path), "sha256": entry.get("sha256"),
                         "source_url": entry.get("source_url"),
                         "downloaded_at": entry.get("downloaded_at")})
        return pd.DataFrame(rows, columns=["file", "sha256", "source_url", "downloaded_at"])

"""Downloader: page parsing, retries, verification and offline fallback, against a loopback HTTP server.

The server runs on 127.0.0.1 only; it serves the fixture publication page and the REAL
release bytes from the data directory, and can be told to fail in the ways networks fail.
"""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest

from crossingcast.data import homeoffice as ho
from crossingcast.data.home import DataHome
from crossingcast.errors import DataQualityWarning, OfflineError

PAGE = (Path(__file__).parents[1] / "fixtures" / "govuk_publication_page.html").read_text(encoding="utf-8")
ODS_PATH = "/media/65f1a2b3c4d5e6f7a8b9c0d1/small-boats-time-series.ods"


class _Server:
    def __init__(self, ods_bytes: bytes):
        self.ods = ods_bytes
        self.mode = "ok"  # ok | page500 | slow | nolink | truncated | corrupt | 404
        self.hits: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                try:
                    self._get()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

            def _get(self):
                outer.hits.append(self.path)
                mode = outer.mode
                if self.path == "/publication":
                    if mode == "page500":
                        self.send_response(500); self.end_headers(); return
                    if mode == "slow":
                        time.sleep(0.6)
                    body = PAGE if mode != "nolink" else PAGE.replace(".ods", ".pdf")
                    data = body.encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers(); self.wfile.write(data); return
                if self.path == ODS_PATH:
                    if mode == "404":
                        self.send_response(404); self.end_headers(); return
                    data = outer.ods
                    if mode == "truncated":
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers(); self.wfile.write(data[: len(data) // 3]); return
                    if mode == "corrupt":
                        data = data[: len(data) // 2]
                    self.send_response(200)
                    self.send_header("Content-Type", "application/vnd.oasis.opendocument.spreadsheet")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers(); self.wfile.write(data); return
                self.send_response(404); self.end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server(releases):
    srv = _Server(releases[-1].read_bytes())
    yield srv
    srv.close()


def test_find_ods_links_prefers_time_series():
    links = ho.find_ods_links(PAGE, "https://www.gov.uk/government/publications/x")
    assert links[0] == "https://www.gov.uk" + ODS_PATH
    assert len(links) == 2  # duplicates (thumbnail + title link) collapse


def test_fetch_archives_verified_release(server, tmp_path, releases):
    home = DataHome(tmp_path / "home")
    path = ho.fetch_release(server.url + "/publication", home, retries=0, timeout=5)
    assert path.exists() and path.read_bytes() == releases[-1].read_bytes()
    rel = home.releases()
    assert len(rel) == 1 and rel["sha256"].iloc[0] is not None and rel["source_url"].iloc[0].endswith(".ods")
    # The archived name carries the release's last date when the URL has none.
    assert ho.read_release(path).end.date().isoformat() in path.name
    # Fetching the same release again does not duplicate it.
    again = ho.fetch_release(server.url + "/publication", home, retries=0, timeout=5)
    assert again == path and len(home.releases()) == 1


def test_new_release_never_overwrites_older(server, tmp_path, releases):
    home = DataHome(tmp_path / "home")
    first = ho.fetch_release(server.url + "/publication", home, retries=0)
    first_bytes = first.read_bytes()
    server.ods = releases[0].read_bytes()  # the page now serves different content under the same URL
    second = ho.fetch_release(server.url + "/publication", home, retries=0)
    assert second != first
    assert first.read_bytes() == first_bytes
    assert len(home.releases()) == 2


@pytest.mark.parametrize("mode", ["page500", "nolink", "truncated", "corrupt", "404"])
def test_failures_fall_back_to_newest_cached(server, tmp_path, mode):
    home = DataHome(tmp_path / "home")
    cached = ho.fetch_release(server.url + "/publication", home, retries=0)
    server.mode = mode
    with pytest.warns(DataQualityWarning, match="newest cached"):
        got = ho.fetch_release(server.url + "/publication", home, retries=1, backoff=0.01, timeout=5)
    assert got == cached


def test_retries_with_backoff_then_offline_error(server, tmp_path):
    server.mode = "page500"
    t0 = time.perf_counter()
    with pytest.raises(OfflineError, match="no cached release"):
        ho.fetch_release(server.url + "/publication", DataHome(tmp_path / "empty"), retries=2, backoff=0.05)
    assert server.hits.count("/publication") == 3  # 1 try + 2 retries
    assert time.perf_counter() - t0 >= 0.05 + 0.1  # exponential backoff slept


def test_timeout(server, tmp_path):
    server.mode = "slow"
    with pytest.raises(OfflineError, match="Read timed out|timed out"):
        ho.fetch_release(server.url + "/publication", DataHome(tmp_path / "empty"), retries=0, timeout=0.2)


def test_unreachable_host_is_offline_error(tmp_path):
    # A closed loopback port: connection refused, like being offline.
    import socket

    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    with pytest.raises(OfflineError, match="CROSSINGCAST_DATA"):
        ho.fetch_release(f"http://127.0.0.1:{port}/publication", DataHome(tmp_path / "h"), retries=0, timeout=1)

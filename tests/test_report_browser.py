"""The real-data HTML briefing opened in a REAL headless browser (Debian's chromium, driven by Selenium).

Checks: the page loads with no console errors, every ``<img>`` decoded to a non-zero natural size, every
table's numbers equal the CSV tables' (rounded as displayed), and a screenshot is not blank.

Without chromium/chromedriver/selenium the tests skip saying why; in CI (``CI=true``) they FAIL instead:
CI installs chromium (.ci/run), so a missing browser there is a broken set-up, not a reason to skip.
"""

from __future__ import annotations

import csv
import io
import os
import shutil

import numpy as np
import pytest

from tests.report_fixtures import real_briefing  # noqa: F401  (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.data]

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _need(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}: .ci/run must install it (apt-get install chromium chromium-driver)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _need("selenium is not installed (pip install -e '.[test]')")
    binary = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if binary is None:
        _need("no chromium browser on PATH (Debian: apt-get install chromium)")
    driver_bin = shutil.which("chromedriver")
    if driver_bin is None:
        _need("no chromedriver on PATH (Debian: apt-get install chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,1600", "--disable-background-networking", "--no-first-run"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # the system chromedriver, named explicitly: Selenium Manager must not try to download a browser
    drv = webdriver.Chrome(service=Service(executable_path=driver_bin), options=opts)
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture(scope="module")
def page(browser, real_briefing):  # noqa: F811
    html_path, tables_dir, _ = real_briefing
    browser.get(html_path.resolve().as_uri())
    browser.execute_script("return document.readyState")
    return browser, tables_dir


def test_page_loads_without_console_errors(page):
    drv, _ = page
    assert drv.execute_script("return document.readyState") == "complete"
    assert "crossings briefing" in drv.title
    errors = [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == []


def test_every_image_has_a_natural_size(page):
    drv, _ = page
    imgs = drv.execute_script("return Array.from(document.images).map("
                              "i => [i.id, i.complete, i.naturalWidth, i.naturalHeight, i.src.slice(0, 22)])")
    assert len(imgs) == 4  # forecast fan chart, surge risk, scenarios, leaderboard
    for fid, complete, w, h, src in imgs:
        assert complete and w > 0 and h > 0, fid
        assert src == "data:image/png;base64,", fid  # embedded, no network


def _close(shown: str, value: str) -> bool:
    """Displayed text equals the CSV value: numbers as rounded on the page, everything else verbatim."""
    try:
        v = float(value)
    except ValueError:
        return shown == value
    if shown == "":
        return value == "" or np.isnan(v)
    num = float(shown.replace(",", ""))
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    return abs(num - v) <= 0.5 * 10 ** -decimals + 1e-9 * max(1.0, abs(v))


def test_table_numbers_equal_the_csv_tables(page):
    drv, tables_dir = page
    tables = drv.execute_script(
        "return Array.from(document.querySelectorAll('table[id]')).map(t => [t.id, t.dataset.csv, "
        "Array.from(t.tHead.rows[0].cells).map(c => c.textContent), "
        "Array.from(t.tBodies[0].rows).map(r => Array.from(r.cells).map(c => c.textContent))])")
    ids = sorted(t[0] for t in tables)
    assert ids == sorted(p.stem for p in tables_dir.glob("*.csv"))
    checked = 0
    for tid, csv_name, head, rows in tables:
        with open(tables_dir / csv_name, newline="") as fh:
            data = list(csv.reader(fh))
        assert head == data[0], tid
        assert len(rows) == len(data) - 1, tid
        for i, (shown_row, csv_row) in enumerate(zip(rows, data[1:])):
            for col, shown, value in zip(head, shown_row, csv_row):
                assert _close(shown, value), f"{tid} row {i} column {col}: page {shown!r} vs CSV {value!r}"
                checked += 1
    assert checked > 500


def test_screenshot_is_not_blank(page):
    from PIL import Image

    drv, _ = page
    drv.execute_script("document.getElementById('fig_forecast').scrollIntoView()")
    img = np.asarray(Image.open(io.BytesIO(drv.get_screenshot_as_png())).convert("L"), dtype=float)
    assert img.shape[0] > 100 and img.shape[1] > 100
    assert img.var() > 100  # a blank (single-colour) page has variance 0
    assert (img < 200).mean() > 0.01  # some dark pixels: text and chart lines were drawn

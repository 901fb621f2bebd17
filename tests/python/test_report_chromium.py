"""`hydromet report` pages open in headless Chromium (Debian `chromium`) without console errors and show their
plots: the page as Chromium built it (--dump-dom) holds every plot with its curves, and the screenshot is not
blank and shows the plot colours. Skipped only where chromium is not installed."""

import re
import shutil
import os
import subprocess

import numpy as np
import pytest

BROWSER = shutil.which("chromium")
pytestmark = pytest.mark.skipif(BROWSER is None, reason="chromium is not installed (scripts/install-deps.sh)")

# Colours of the first two series of every report plot (src/io/report.cpp); nothing else on the page uses them.
FIRST_SERIES = (0x1F, 0x77, 0xB4)
SECOND_SERIES = (0xD6, 0x27, 0x28)


def chromium(page, *arguments):
    """Runs headless Chromium on a file; returns (exit code, console lines of the page, stdout)."""
    done = subprocess.run(
        [BROWSER, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--window-size=1200,3000",
         "--enable-logging=stderr", "--v=0", *arguments, page.as_uri()],
        capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if k != "LD_PRELOAD"})  # no sanitizer runtime in the browser
    # The page's console messages and uncaught exceptions are logged as `...:CONSOLE:<line>] "message", ...`.
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.returncode, console, done.stdout


def screenshot(page, tmp_path):
    """(console lines, RGB pixels 0..255) of a screenshot of the page."""
    import matplotlib.image

    shot = tmp_path / f"{page.stem}.png"
    code, console, _ = chromium(page, f"--screenshot={shot}")
    assert code == 0 and shot.exists()
    return console, (matplotlib.image.imread(shot)[..., :3] * 255).round()


def pixels_of(pixels, colour):
    return int(np.sum(np.all(np.abs(pixels - colour) <= 8, axis=-1)))


def test_the_checks_see_console_errors_and_pages_without_plots(tmp_path):
    # Negative control: a page with an error and no plot fails every check the report must pass.
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><p>text</p><script>console.error('boom'); missing();</script>"
                    "</body></html>")
    console, pixels = screenshot(page, tmp_path)
    assert any("boom" in line for line in console) and any("missing is not defined" in line for line in console)
    assert pixels_of(pixels, FIRST_SERIES) == 0
    assert np.mean(np.any(pixels < 200, axis=-1)) < 0.01  # a word of text is not a drawn page


def test_report_renders_in_headless_chromium_with_its_plots(cli, tmp_path, demo_flowsheet):
    report = tmp_path / "leach.html"
    made = subprocess.run([cli, "report", str(demo_flowsheet), "--out", str(report)], capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    written = report.read_text()
    plots = written.count('<svg class="plot"')
    assert plots >= 1

    # The document Chromium built: the diagram and every plot, each with a curve of many points.
    code, console, dom = chromium(report, "--dump-dom")
    assert code == 0 and console == [], console
    assert dom.count('<svg class="plot"') == plots
    assert dom.count('id="flowsheet-diagram"') == 1
    curves = re.findall(r'<polyline[^>]*\bpoints="([^"]*)"', dom)
    assert len(curves) >= plots
    assert all(len(points.split()) >= 10 for points in curves)
    assert not re.search(r'\b(?:src|href)="(?!data:|#)', dom), "a self-contained page loads nothing"

    # What it shows: not blank, and the curves' colours over hundreds of pixels (the second series of the leach
    # plot lies on the axis at zero, so mostly its legend shows).
    console, pixels = screenshot(report, tmp_path)
    assert console == [], console
    assert pixels.std() > 10.0
    assert np.mean(np.any(pixels < 200, axis=-1)) > 0.01  # more than 1 % of the page is drawn on
    assert pixels_of(pixels, FIRST_SERIES) > 300
    assert pixels_of(pixels, SECOND_SERIES) > 50

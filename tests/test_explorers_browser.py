"""Each explorer, rendered by plotly.js in headless Chromium, draws real data (not a blank plot).

The figure of each explorer (after a slider move) is written as static HTML with the plotly.js
bundled in the installed plotly package (no CDN, no network) plus the explorer's readout table,
opened in Debian's Chromium through the PyPI ``playwright`` package (never ``playwright
install``), and screenshotted. Checks: the plot SVG has line paths with many points, the legend
and axis titles are rendered, the readouts are in the page, and the plot area is not blank.
Screenshots are kept in pytest's tmp folder (``explorer-shots``). About 15 s.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image
from plotly.offline import get_plotlyjs

from course.data.simulated import simulate_cmj
from widgets import (
    ForceTimeExplorer,
    HorizontalForceExplorer,
    JumpAnalyzer,
    LeanExplorer,
    PowerExplorer,
)

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _force() -> Any:
    ex = ForceTimeExplorer()
    ex.set(contact_time=0.18)
    return ex


def _horizontal() -> Any:
    ex = HorizontalForceExplorer()
    ex.set(overstride=6)
    return ex


def _lean() -> Any:
    ex = LeanExplorer()
    ex.set(lean=12)
    return ex


def _power() -> Any:
    ex = PowerExplorer()
    ex.keep_comparison()
    ex.set(time_to_peak=0.07)
    return ex


def _analyzer() -> Any:
    ex = JumpAnalyzer(simulate_cmj(height=0.3, seed=4))
    ex.set(takeoff_threshold=30)
    return ex


def _analyzer_measured() -> Any:
    return JumpAnalyzer("sample:cmj-measured", kind="cmj")  # a real recording, from PyPI


EXPLORERS: dict[str, Callable[[], Any]] = {
    "force_time": _force,
    "horizontal": _horizontal,
    "lean": _lean,
    "power": _power,
    "jump_analyzer": _analyzer,
    "jump_analyzer_measured": _analyzer_measured,
}


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("explorer-shots")
    (d / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def pw() -> Iterator[Any]:
    """One Playwright driver for the module (the sync API allows one per thread)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is required: apt-get install chromium"
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser_context(pw: Any, shots: Path) -> Iterator[Any]:
    home = shots / "home"
    home.mkdir()
    ctx = pw.chromium.launch_persistent_context(
        str(shots / "profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=ARGS,
        env={**os.environ, "HOME": str(home)},
        viewport={"width": 1200, "height": 1100},
    )
    try:
        yield ctx
    finally:
        ctx.close()


def _page_html(ex: Any) -> str:
    div = go.Figure(ex.figure).to_html(include_plotlyjs="directory", full_html=False)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>explorer</title></head>"
        f"<body style='font-family:sans-serif'>{div}{ex._readout_html.value}</body></html>"
    )


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_explorer_renders_data_in_chromium(name: str, shots: Path, browser_context: Any) -> None:
    ex = EXPLORERS[name]()
    page_file = shots / f"{name}.html"
    page_file.write_text(_page_html(ex), encoding="utf-8")
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: errors.append(f"network: {r.url}") if r.url.startswith("http") else None,
    )
    try:
        page.goto(page_file.as_uri())
        page.wait_for_selector(".main-svg .scatterlayer path.js-line", timeout=15_000)
        info = page.evaluate(
            """() => {
              const lines = [...document.querySelectorAll('.scatterlayer path.js-line')]
                .map(p => (p.getAttribute('d') || '').split(/[ML]/).length);
              const fills = [...document.querySelectorAll('.scatterlayer path.js-fill')]
                .filter(p => (p.getAttribute('d') || '').length > 20).length;
              const legend = [...document.querySelectorAll('.legendtext')].map(t => t.textContent);
              const titles = [...document.querySelectorAll('.xtitle, .ytitle')]
                .map(t => t.textContent);
              return {lines, fills, legend, titles, text: document.body.innerText};
            }"""
        )
        png = page.screenshot(full_page=True)
    finally:
        page.close()
    (shots / f"{name}.png").write_bytes(png)
    assert not errors, errors
    # plotly simplifies straight stretches, so count drawn lines and their vertices
    drawn = [n for n in info["lines"] if n >= 3]
    assert len(drawn) >= 3 and sum(drawn) > 30, f"too few drawn lines: {info['lines']}"
    assert info["legend"], "legend missing"
    assert all(
        any(u in t for u in ("(s)", "(N)", "(m)", "BW)", "(deg)", "(m/s²)")) for t in info["titles"]
    )
    assert "Readouts" in info["text"]
    if name in ("force_time", "horizontal", "power", "jump_analyzer", "jump_analyzer_measured"):
        assert info["fills"] >= 1, "shaded impulse area missing"
    if name == "jump_analyzer_measured":  # a real recording says so, and where it comes from
        assert "Measured CMJ" in info["text"] and "jumpmetrics" in info["text"]
    img = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    plot = img[80:600, 80:1100]
    assert plot.std() > 10, "plot area is blank"
    assert (plot < 128).mean() > 0.005, "too few dark (drawn) pixels in the plot area"


VOILA_CELLS = [
    "from widgets import ForceTimeExplorer, PowerExplorer\nex = ForceTimeExplorer()\nex",
    "PowerExplorer()",  # overrides how its widget is built
]
ANYWIDGET_TIMEOUT = "[anywidget] Failed to initialize model"


@pytest.mark.slow
def test_live_widgets_in_voila_show_data_and_follow_a_slider(pw: Any, tmp_path: Path) -> None:
    """The real widgets, in Voila: each figure shows its data, and a slider drag redraws it.

    Guards against plotly's FigureWidget showing its construction-time (empty) state when it is
    displayed inside a container. anywidget gives a widget's front end 2 s to initialise; plotly's
    FigureWidget ships a 5 MB bundle, so on an overloaded machine the model can miss that limit
    and then never applies updates: the page is reloaded (new session) up to twice when the
    browser reports it. About 40 s.
    """
    from browser import harness as H
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    nb = H.write_notebook(tmp_path / "explorers.ipynb", VOILA_CELLS)
    server = H.start_voila(nb, tmp_path / "home", timeout=120)
    peak = "() => document.querySelector('.js-plotly-plot .annotation-text').textContent"
    readout = "() => document.querySelectorAll('.widget-slider .widget-readout')[3]"
    try:
        with H.browser(pw, tmp_path) as ctx:
            page = ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            for _ in range(3):
                errors.clear()
                page.goto(server.url, timeout=180_000)
                page.wait_for_function(
                    "() => document.querySelectorAll('.js-plotly-plot').length >= 2",
                    timeout=180_000,
                )
                page.wait_for_timeout(2500)
                if not any(ANYWIDGET_TIMEOUT in e for e in errors):
                    break
            assert not errors, f"browser errors (machine overloaded?): {errors}"
            counts = page.evaluate(
                """() => [...document.querySelectorAll('.js-plotly-plot')].map(p =>
                  [...p.querySelectorAll('.scatterlayer path.js-line')]
                    .filter(l => (l.getAttribute('d') || '').length > 50).length)"""
            )
            assert len(counts) == 2 and all(c >= 2 for c in counts), counts
            before = page.evaluate(peak)
            start = page.evaluate(f"() => ({readout})().textContent")
            after = before
            for _ in range(3):  # the first key presses can land before the comm is ready
                handle = page.query_selector_all(".widget-slider .noUi-handle")[3]  # contact time
                handle.click()
                for _ in range(8):
                    page.keyboard.press("ArrowLeft")
                try:
                    page.wait_for_function(f"() => ({peak})() !== {before!r}", timeout=30_000)
                except PlaywrightTimeout:  # retried, then reported below
                    continue
                after = page.evaluate(peak)
                break
            page.screenshot(path=str(tmp_path / "voila.png"), full_page=True)
            moved = page.evaluate(f"() => ({readout})().textContent")
            assert after != before, f"slider {start} → {moved}; the plot did not follow"
    finally:
        server.stop()
    # a shorter contact at the same cadence raises the peak shown in the browser
    assert float(after.split()[1]) > float(before.split()[1])

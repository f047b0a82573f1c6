"""RunAnalyzer in JupyterLab + headless Chromium: strip pictures, the player and its keys, two runs.

SYNTHETIC runners (no pose model needed), so the test measures the widget, not MediaPipe.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import harness as H

CELLS = [
    "from course.bench import analyse_series\n"
    "from course.lessons import demos\n"
    "from widgets import RunAnalyzer\n"
    "a = analyse_series(demos.running(cadence=160, seconds=5), label='before')\n"
    "b = analyse_series(demos.running(cadence=180, seconds=5), label='after')\n"
    "bench = RunAnalyzer(a, compare=b)\nbench"
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[H.Server, Path]]:
    work = tmp_path_factory.mktemp("ra")
    H.write_notebook(work / "root" / "bench.ipynb", CELLS)
    server = H.start_lab(work / "root", work / "home")
    yield server, work
    server.stop()


def test_strip_player_keys_and_comparison(lab: tuple[H.Server, Path]) -> None:
    server, work = lab
    with H.playwright() as pw, H.browser(pw, work) as ctx:
        page = ctx.new_page()
        try:
            H.open_notebook(page, server, "bench.ipynb")
            H.run_all(page)
            H.wait_dataset_at_least(page, ".rfl-ra", "strip", 10, timeout_ms=60000)
            sizes = page.evaluate(
                "() => [...document.querySelectorAll('.rfl-ra .strip img')]"
                ".map(i => i.naturalWidth)"
            )
            assert sizes and min(sizes) > 100, sizes
            # two players, each with frame pixels drawn
            page.wait_for_function("() => document.querySelectorAll('.rfl-ra canvas').length == 2")
            page.wait_for_function(
                "() => document.querySelector('.rfl-ra').dataset.frameB !== undefined"
            )
            for k in (1, 2):
                sel = f".rfl-ra .player:nth-child({k}) canvas"
                assert page.evaluate(H.OVERLAY_PIXELS_JS, sel) > 1000, sel
            first = H.dataset_int(page, ".rfl-ra", "frame")
            root = page.locator(".rfl-ra")
            root.focus()
            page.keyboard.press("n")  # next key moment
            page.wait_for_function(
                f"() => Number(document.querySelector('.rfl-ra').dataset.frame) > {first}"
            )
            after_n = H.dataset_int(page, ".rfl-ra", "frame")
            page.keyboard.press("ArrowRight")  # one frame on
            page.wait_for_function(
                f"() => Number(document.querySelector('.rfl-ra').dataset.frame) == {after_n + 1}"
            )
            # a click on the 4th strip picture jumps there
            target = int(page.get_attribute(".rfl-ra .strip figure:nth-child(4)", "data-frame"))
            page.click(".rfl-ra .strip figure:nth-child(4)")
            page.wait_for_function(
                f"() => Number(document.querySelector('.rfl-ra').dataset.frame) == {target}"
            )
            assert H.dataset_int(page, ".rfl-ra", "frameB") >= 0
            assert page.locator(".rfl-ra table.diffs tr").count() > 3
            assert page.locator(".rfl-ra table.diffs td.real").count() >= 1  # step time
            H.screenshot(page, "run-analyzer")
        except BaseException:
            H.screenshot(page, "run-analyzer-failed")
            raise
        finally:
            page.close()

"""A lesson in real JupyterLab (headless Chromium): the quiz answers clicks with its reason.

Runs lesson 01 from a copy, clicks a wrong and then the right answer of the first question, and
checks the feedback a learner sees; also that the quiz cell's code starts folded (so the answers
are not on screen) and that the explorer drew its plot. About 30-60 s (JupyterLab start-up and
one kernel). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import harness as h

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "01-running-is-a-vertical-jump.ipynb"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_quiz_feedback_in_jupyterlab(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(LESSON, root / LESSON.name)
    server = h.start_lab(root, tmp_path / "home")
    try:
        with h.playwright() as pw, h.browser(pw, tmp_path) as ctx:
            page = ctx.new_page()
            h.open_notebook(page, server, LESSON.name)
            h.run_all(page)
            page.wait_for_selector(".rfl-quiz input[type=radio]", timeout=120_000)
            # the quiz cell's code is folded: JupyterLab shows a placeholder instead
            assert page.locator(".jp-InputPlaceholder").count() >= 1
            quiz = page.locator(".rfl-quiz").first
            quiz.scroll_into_view_if_needed()
            first = quiz.locator(".widget-radio-box").first
            options = first.locator("label")
            texts = [options.nth(i).inner_text() for i in range(options.count())]
            assert sorted(texts) == sorted(
                [
                    "about 2.5 body weights",
                    "exactly one body weight",
                    "zero, because the runner is in the air half the time",
                ]
            )
            options.nth(texts.index("about 2.5 body weights")).click()
            wrong = quiz.locator(".rfl-quiz-no").first
            wrong.wait_for(timeout=10_000)
            assert "Not quite" in wrong.inner_text() and "peak" in wrong.inner_text()
            options.nth(texts.index("exactly one body weight")).click()
            right = quiz.locator(".rfl-quiz-ok").first
            right.wait_for(timeout=10_000)
            assert "Correct" in right.inner_text() and "impulse" in right.inner_text()
            assert "0 of 1 answered" in quiz.inner_text()  # the first try was wrong
            h.screenshot(page, "lesson01-quiz")
            plot = page.locator(".js-plotly-plot").first
            plot.scroll_into_view_if_needed()
            assert page.locator(".js-plotly-plot .scatterlayer .trace").count() > 0
    finally:
        server.stop()

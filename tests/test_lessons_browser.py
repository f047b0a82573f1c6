"""Every lesson in real JupyterLab (headless Chromium): it runs, renders widgets, shows no errors.

One JupyterLab for the module serves a copy of ``lessons/`` from a temporary root (nothing in the
repository is written). Each lesson is opened (``?reset``), run with "Run All", and once every code
cell has an execution count and the kernel is idle the page is checked as a learner sees it:

* no error output (an ``error`` output in the notebook model, or stderr/Traceback/...Error text in
  any rendered output area), and no stderr stream at all (a red box is noise to a learner);
* every widget view the notebook displayed is rendered with a non-zero size (no "Error displaying
  widget"), and the quiz is among them;
* each explorer/figure the lesson shows has a plotly plot with drawn line traces;
* no plot title sits on its legend and no slider label is cut off (known faults: xfail, see
  ``KNOWN_LAYOUT_FAULTS``);
* a full-page screenshot (the viewport grown to the whole notebook, file browser collapsed) goes
  to ``test-artifacts/lesson-NN.png``.

Then the kernel is shut down before the next lesson. The lesson 01 quiz is also clicked: a wrong
and then the right answer of the first question give their reasons, and the quiz cell's code
starts folded. Kernels use the session's pose models (``RUNNING_FORM_LAB_MODELS``, as in
``tests/test_notebooks_execute.py``) and the sample clips, fetched before any lesson starts.
Measured on the 2-core machine (models and clips cached): 8-25 s per lesson, about 3 min for the
file (``pytest tests/test_lessons_browser.py --durations=0``).
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browser import harness as h

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
PATHS = sorted(LESSONS.glob("[0-9][0-9]-*.ipynb"))
LESSON_01 = LESSONS / "01-running-is-a-vertical-jump.ipynb"
RUN_TIMEOUT_MS = 150_000  # one lesson, Run All to idle
# Clips some lessons analyse: fetched (and the models built) before any lesson runs.
CLIPS = ("sports2d-demo", "pose2sim-single-cam01", "pose2sim-single-cam03")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# What makes a lesson show a plotly plot: an explorer or analyzer widget, or a *_figure helper.
PLOT_CALLS = re.compile(r"\b(?:\w+Explorer|JumpAnalyzer|\w+_figure)\(")
# Layout faults seen in the screenshots and not fixable here (the lesson passes every other check
# first; when the fault is fixed, the test fails until the entry is deleted).
KNOWN_LAYOUT_FAULTS: dict[str, str] = {}
ERROR_TEXT = re.compile(r"Traceback|\b\w*Error\b|Error displaying widget")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def lab(
    tmp_path_factory: pytest.TempPathFactory,
    pose_model: Callable[[str], Path],
    sample_clip: Callable[[str], Path],
) -> Iterator[h.Server]:
    """One JupyterLab on a copy of the lessons, its kernels using the session's pose models."""
    lite = pose_model("lite")
    assert pose_model("full").parent == lite.parent
    for name in CLIPS:
        sample_clip(name)
    base = tmp_path_factory.mktemp("lessons-lab")
    root = base / "root"
    shutil.copytree(LESSONS, root / "lessons")
    with pytest.MonkeyPatch.context() as mp:
        # server_env copies os.environ, so the lab server and its kernels see the models
        mp.setenv("RUNNING_FORM_LAB_MODELS", str(lite.parent))
        server = h.start_lab(root, base / "home")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def context(lab: h.Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium for the module (no camera device)."""
    with h.playwright() as pw, h.browser(pw, tmp_path_factory.mktemp("chromium")) as ctx:
        yield ctx


def _shutdown_kernels(server: h.Server) -> None:
    """Delete every session (and so its kernel), so the next lesson has the CPU to itself."""
    with urllib.request.urlopen(f"{server.url}/api/sessions", timeout=10) as resp:
        sessions = json.loads(resp.read())
    for s in sessions:
        req = urllib.request.Request(f"{server.url}/api/sessions/{s['id']}", method="DELETE")
        with urllib.request.urlopen(req, timeout=30):
            pass


# Wait until every code cell has run (or one failed) and the kernel is idle; report the outputs.
_WAIT_DONE_JS = """async (timeoutMs) => {
  const w = window.jupyterapp.shell.currentWidget;
  const deadline = Date.now() + timeoutMs;
  const state = () => {
    const cells = w.content.widgets.filter(c => c.model.type === 'code');
    const k = w.sessionContext.session && w.sessionContext.session.kernel;
    return {
      counts: cells.map(c => c.model.executionCount),
      outputs: cells.map(c => c.model.outputs.toJSON()),
      kernel: k ? k.status : 'none',
    };
  };
  let s = state();
  while (Date.now() < deadline) {
    s = state();
    const failed = s.outputs.some(o => o.some(x => x.output_type === 'error'));
    const ran = s.counts.every(n => n !== null);
    if ((ran || failed) && s.kernel === 'idle') return {...s, done: true};
    await new Promise(r => setTimeout(r, 250));
  }
  return {...s, done: false};
}"""

# Collapse the file browser and scroll the notebook to its top.
_TO_TOP_JS = """() => {
  window.jupyterapp.shell.collapseLeft();
  const w = window.jupyterapp.shell.currentWidget;
  const outer = w && w.node.querySelector('.jp-WindowedPanel-outer');
  if (outer) outer.scrollTop = 0;
}"""

# Where the notebook's content ends (px from the top of the page): its last cell's bottom.
_CONTENT_BOTTOM_JS = """() => {
  const cells = window.jupyterapp.shell.currentWidget.node.querySelectorAll('.jp-Cell');
  return cells.length ? cells[cells.length - 1].getBoundingClientRect().bottom : 0;
}"""

# Every widget view the notebook model holds, as rendered (size, text, element count), every
# plotly plot (traces, line paths with more than ten points) and every stderr output area.
_RENDERED_JS = """(mime) => {
  const w = window.jupyterapp.shell.currentWidget;
  const size = e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; };
  const views = [];
  for (const cell of w.content.widgets.filter(c => c.model.type === 'code')) {
    const area = cell.outputArea;
    for (let i = 0; i < area.model.length; i++) {
      if (!(mime in area.model.get(i).data)) continue;
      const child = area.widgets[i];
      const e = child && child.node.querySelector('.jp-OutputArea-output');
      views.push(e ? {size: size(e), text: e.innerText.slice(0, 300),
                      elements: e.querySelectorAll('*').length,
                      ipywidgets: e.querySelectorAll('.jupyter-widgets').length}
                   : {size: [0, 0], text: 'not rendered', elements: 0, ipywidgets: 0});
    }
  }
  const nb = w.node;
  const plots = [...nb.querySelectorAll('.js-plotly-plot')].map(p => ({
    size: size(p),
    traces: p.querySelectorAll('.scatterlayer .trace').length,
    drawn: [...p.querySelectorAll('.scatterlayer path.js-line')]
      .filter(l => (l.getAttribute('d') || '').split(/[LM]/).length > 10).length,
  }));
  // layout faults a learner notices: a plot title over its legend, a cut-off slider label
  const overlap = (a, b) => {
    const r = a.getBoundingClientRect(), q = b.getBoundingClientRect();
    return Math.min(r.right, q.right) - Math.max(r.left, q.left) > 2
      && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 2;
  };
  const layout = [];
  for (const p of nb.querySelectorAll('.js-plotly-plot')) {
    const title = p.querySelector('.g-gtitle text'), legend = p.querySelector('.legend');
    if (title && legend && overlap(title, legend))
      layout.push(`plot title over its legend: ${title.textContent}`);
  }
  for (const l of nb.querySelectorAll('.widget-label, .widget-label-basic')) {
    if (l.offsetParent && l.scrollWidth > l.clientWidth + 1)
      layout.push(`cut-off widget label: ${l.textContent}`);
  }
  const stderr = [...nb.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.innerText.slice(0, 500));
  return {views, plots, stderr, layout};
}"""


# Every camera view as shown: its stage (the video box), its poster, the poster's picture.
_CAMERAS_JS = """() => [...document.querySelectorAll('.rfl-cam')].map(c => {
  const shown = e => !!e && e.offsetParent !== null && e.getBoundingClientRect().height > 0;
  const img = c.querySelector('.rfl-poster-img');
  return {stage: shown(c.querySelector('.rfl-stage')),
          poster: shown(c.querySelector('.rfl-poster')), selftest: !!c.closest('.rfl-selftest'),
          image: shown(img) ? img.naturalWidth : 0,
          height: c.getBoundingClientRect().height};
})"""


def _run_lesson(page: Any, server: h.Server, path: Path) -> dict[str, Any]:
    """Open ``path`` (``?reset``), Run All, wait until done; return the notebook's outputs."""
    h.open_notebook(page, server, f"lessons/{path.name}")
    h.run_all(page)
    state: dict[str, Any] = page.evaluate(_WAIT_DONE_JS, RUN_TIMEOUT_MS)
    return state


def _errors(state: dict[str, Any]) -> list[str]:
    """Error outputs and stderr streams in the notebook model, as text."""
    found = []
    for i, outputs in enumerate(state["outputs"]):
        for out in outputs:
            if out.get("output_type") == "error":
                found.append(f"code cell {i}: {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append(f"code cell {i} stderr: {str(out.get('text'))[:500]}")
    return found


def _show_whole_notebook(page: Any) -> None:
    """Grow the viewport to the notebook's height, so every cell renders and is in the shot."""
    page.evaluate(_TO_TOP_JS)
    page.set_viewport_size({"width": 1200, "height": 16_000})
    page.wait_for_timeout(1000)
    page.evaluate(_TO_TOP_JS)
    bottom = int(page.evaluate(_CONTENT_BOTTOM_JS))
    page.set_viewport_size({"width": 1200, "height": min(max(bottom + 80, 900), 16_000)})
    page.evaluate(_TO_TOP_JS)
    page.wait_for_timeout(1500)  # plotly relayouts on resize


CASES = [pytest.param(p, id=p.stem[:2]) for p in PATHS]


@pytest.mark.parametrize("path", CASES)
def test_lesson_renders_in_jupyterlab(path: Path, lab: h.Server, context: Any) -> None:
    number = path.stem[:2]
    code = "\n".join(
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
    )
    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    try:
        state = _run_lesson(page, lab, path)
        _show_whole_notebook(page)
        shot = h.screenshot(page, f"lesson-{number}")
        errors = _errors(state)
        assert not errors, f"{path.name} shows errors in JupyterLab: {errors}"
        assert state["done"], f"{path.name} did not finish: {state['counts']}, {state['kernel']}"
        assert all(n is not None for n in state["counts"])
        # rendered output areas: nothing that reads like an error
        text = h.cell_output_text(page)
        assert not ERROR_TEXT.search(text), f"{path.name}: error text in outputs:\n{text[:3000]}"
        seen = page.evaluate(_RENDERED_JS, WIDGET_MIME)
        assert not seen["stderr"], f"{path.name}: stderr in outputs: {seen['stderr']}"
        # every widget view in the model is rendered, with a size a learner can see
        displayed = sum(
            WIDGET_MIME in out.get("data", {}) for outs in state["outputs"] for out in outs
        )
        assert displayed >= 1, f"{path.name} displayed no widget"
        assert len(seen["views"]) == displayed, (displayed, seen["views"])
        for view in seen["views"]:
            width, height = view["size"]
            assert width > 100 and height > 20, f"{path.name}: a widget view is tiny: {view}"
            # ipywidgets (.jupyter-widgets) or an anywidget's own elements, with some text
            assert view["elements"] >= 5, f"{path.name}: a widget view is empty: {view}"
            assert view["text"].strip(), f"{path.name}: a widget view shows no text: {view}"
        assert page.locator(".rfl-quiz").count() == 1, f"{path.name}: no quiz rendered"
        # camera views: nothing streams in a lesson run top to bottom, so no empty 640x480
        # stage; a small poster instead (inside a SelfTest its panel says what to do)
        cams = page.evaluate(_CAMERAS_JS)
        for cam in cams:
            assert not cam["stage"] and cam["height"] < 420, f"{path.name}: empty stage {cam}"
            assert cam["poster"] or cam["selftest"], f"{path.name}: no poster {cam}"
        if ".run_source(" in code:  # a clip was analysed: its poster shows a frame of it
            assert any(cam["image"] > 0 for cam in cams), f"{path.name}: {cams}"
        # explorers and figures: plotly drew line traces in each
        expected_plots = len(PLOT_CALLS.findall(code))
        plots = seen["plots"]
        assert len(plots) >= expected_plots, f"{path.name}: {len(plots)} plots: {plots}"
        for plot in plots:
            assert plot["size"][0] > 200 and plot["size"][1] > 150, plot
            assert plot["traces"] > 0 and plot["drawn"] > 0, f"{path.name}: blank plot {plot}"
        assert shot.stat().st_size > 20_000
        # layout: no plot title over its legend, no cut-off slider label
        if number in KNOWN_LAYOUT_FAULTS:
            assert seen["layout"], (
                f"{path.name}: the known layout fault is fixed; delete {number!r} from "
                "KNOWN_LAYOUT_FAULTS in tests/test_lessons_browser.py"
            )
            pytest.xfail(f"{KNOWN_LAYOUT_FAULTS[number]}: {seen['layout']}")
        assert not seen["layout"], f"{path.name}: layout faults: {seen['layout']}"
    finally:
        page.close()
        _shutdown_kernels(lab)


def test_quiz_feedback_in_jupyterlab(lab: h.Server, context: Any) -> None:
    """Lesson 01's quiz answers a wrong and then the right click with its reason."""
    page = context.new_page()
    try:
        h.open_notebook(page, lab, f"lessons/{LESSON_01.name}")
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
        page.close()
        _shutdown_kernels(lab)


def test_figures_answers_and_solutions_in_jupyterlab(lab: h.Server, context: Any) -> None:
    """Lesson 03 as a learner sees it: the stick-figure picture loads, a typed answer is checked
    with a hint, and the worked solution stays folded until clicked."""
    page = context.new_page()
    try:
        h.open_notebook(page, lab, "lessons/03-lean-from-the-ankles.ipynb")
        h.run_all(page)
        box = page.locator(".rfl-answer input[type=text]").first
        box.wait_for(timeout=120_000)
        figure = page.locator("img[src*='ankle-lean.svg']").first
        figure.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => [...document.querySelectorAll(\"img[src*='ankle-lean.svg']\")]"
            ".some(i => i.complete && i.naturalWidth > 0)",
            timeout=20_000,
        )
        box.scroll_into_view_if_needed()
        box.fill("0.47")  # the tangent typed as if it were the angle
        box.press("Enter")
        answer = page.locator(".rfl-answer").first
        answer.locator(".rfl-answer-no").wait_for(timeout=10_000)
        assert "too low" in answer.inner_text() and "arctan" in answer.inner_text()
        box.fill("27")
        box.press("Enter")
        answer.locator(".rfl-answer-ok").wait_for(timeout=10_000)
        details = page.locator("details").first
        details.scroll_into_view_if_needed()
        assert details.get_attribute("open") is None  # folded until the learner asks
        details.locator("summary").click()
        page.wait_for_function("() => document.querySelector('details').open", timeout=5_000)
        assert "arctan" in details.inner_text().lower() or "27" in details.inner_text()
        h.screenshot(page, "lesson03-answer")
    finally:
        page.close()
        _shutdown_kernels(lab)

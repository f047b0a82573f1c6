"""A class on one server: N learners streaming their cameras at once through the hub.

One class server (``deploy/start_hub.py``, HTTPS on 127.0.0.2, self-signed certificate) with
four learners, each logged in through the login page in their own headless Chromium with a
fake camera (640x480, 30 fps y4m made from a real clip). Each learner's notebook runs
``PoseCamera(autostart=True, fps_cap=FPS)`` (MediaPipe lite in their own kernel). For N = 1, 2
and 4, the first N learners stream together for ``seconds`` after a warm-up, then stop. A row
per N, all in the same run:

- ``fps_mean`` / ``fps_min``: frames drawn per second, averaged over / worst of the learners;
- ``latency_p50_ms`` / ``latency_p95_ms``: capture-to-overlay latency, all learners pooled;
- ``kernel_cpu_per_learner``: CPU seconds of a learner's kernel per second of streaming (mean);
- ``hub_cpu_per_learner``: the same for everything the hub runs (hub, proxy, single-user
  servers and kernels) divided by N;
- ``last_vs_first_fifth``: the worst learner's median latency of the last fifth of the stream
  over that of the first fifth (at most ~1: frames are dropped, not queued, when saturated).

The browsers run on the same two cores as the server (in a real class they run on the
learners' laptops), so the fps at N = 4 is a lower bound for this server.

``python -m benchmarks --only classroom`` streams 20 s per N (``--quick``: 8 s);
``python -m benchmarks.bench_classroom --seconds 60 --fps 15`` for other settings.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
NS = (1, 2, 4)
FPS = 15
CAM = ".rfl-cam"
CPU_CODE = "import time; print(time.process_time())"
SNAPSHOT_JS = """() => { const e = document.querySelector('.rfl-cam');
  return [Number(e.dataset.drawn), e.rflLatencies.length, performance.now()]; }"""
LATENCIES_JS = "(i) => document.querySelector('.rfl-cam').rflLatencies.slice(i)"


def _modules() -> tuple[Any, Any]:
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))
    from browser import harness, hub

    return harness, hub


def _pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


def _tree_cpu(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and every process below it, now."""
    import psutil

    total = 0.0
    root = psutil.Process(pid)
    for proc in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            t = proc.cpu_times()
            total += t.user + t.system
    return total


def measure(n: int, pages: list[Any], hub: Any, *, seconds: float, warmup: float) -> dict:
    """Stream on the first ``n`` pages at once and return one row."""
    h, _ = _modules()
    active = pages[:n]
    for page in active:
        h.run_all(page)
    for page in active:
        h.wait_dataset_at_least(page, CAM, "drawn", 3, timeout_ms=120000)
    time.sleep(warmup)
    cpu0 = [float(h.kernel_eval(p, CPU_CODE)) for p in active]
    tree0 = _tree_cpu(hub.proc.pid)
    start = [p.evaluate(SNAPSHOT_JS) for p in active]
    t0 = time.monotonic()
    time.sleep(seconds)
    end = [p.evaluate(SNAPSHOT_JS) for p in active]
    tree1 = _tree_cpu(hub.proc.pid)
    wall = time.monotonic() - t0
    cpu1 = [float(h.kernel_eval(p, CPU_CODE)) for p in active]
    lats = [p.evaluate(LATENCIES_JS, s[1]) for p, s in zip(active, start, strict=True)]
    for page in active:  # stop this round's streams (the Start/Stop button)
        page.locator(f"{CAM} button", has_text="Stop").first.click()
    fps = [(e[0] - s[0]) / ((e[2] - s[2]) / 1000) for s, e in zip(start, end, strict=True)]
    ratios = []
    for lat in lats:
        fifth = max(1, len(lat) // 5)
        if lat:
            ratios.append(statistics.median(lat[-fifth:]) / statistics.median(lat[:fifth]))
    pooled = [x for lat in lats for x in lat]
    return {
        "name": f"classroom.n{n}",
        "learners": n,
        "fps_cap": FPS,
        "fps_mean": statistics.fmean(fps),
        "fps_min": min(fps),
        "latency_p50_ms": _pct(pooled, 50),
        "latency_p95_ms": _pct(pooled, 95),
        "kernel_cpu_per_learner": statistics.fmean(
            (c1 - c0) / wall for c0, c1 in zip(cpu0, cpu1, strict=True)
        ),
        "hub_cpu_per_learner": (tree1 - tree0) / wall / n,
        "last_vs_first_fifth": max(ratios) if ratios else float("nan"),
        "seconds": round(wall, 1),
    }


def run(seconds: float, ns: Iterable[int] = NS, warmup: float = 5.0) -> Iterator[dict]:
    """Start one hub, log in max(ns) learners, then measure each N in turn."""
    h, hb = _modules()
    from course.data import media

    ns = list(ns)
    learners = [f"learner{i}" for i in range(1, max(ns) + 1)]
    cell = f"from widgets import PoseCamera\ncam = PoseCamera(autostart=True, fps_cap={FPS})\ncam"
    with tempfile.TemporaryDirectory(prefix="rfl-bench-class-") as tmp:
        work = Path(tmp)
        clip = h.make_y4m(media.fetch("pose2sim-single-cam01"), work / "cam.y4m", seconds=3.0)
        hub = hb.start_hub(work, learners)
        try:
            with h.playwright() as pw, contextlib.ExitStack() as stack:
                pages = []
                for user in learners:
                    h.write_notebook(hub.home(user) / "bench.ipynb", [cell])
                    ctx = stack.enter_context(
                        h.browser(pw, work / user, camera=clip, extra_args=hub.browser_args())
                    )
                    page = ctx.new_page()
                    hb.login(page, hub.url, user)
                    hb.open_notebook(page, hub.url, user, "bench.ipynb")
                    pages.append(page)
                for n in ns:
                    yield measure(n, pages, hub, seconds=seconds, warmup=warmup)
        finally:
            hub.stop()


def cases(quick: bool) -> Iterable[dict]:
    """Rows for ``python -m benchmarks``: N = 1, 2, 4, 8 s (quick) or 20 s each."""
    yield from run(8.0 if quick else 20.0)


def table(rows: list[dict]) -> str:
    """The sizing table of docs/deploy-jupyterhub.md, from the rows of one run."""
    out = [
        "| learners | fps each (mean / worst) | latency p50 / p95 | kernel CPU per learner "
        "| hub-side CPU per learner | last fifth / first fifth |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['learners']} | {r['fps_mean']:.1f} / {r['fps_min']:.1f} "
            f"| {r['latency_p50_ms']:.0f} / {r['latency_p95_ms']:.0f} ms "
            f"| {r['kernel_cpu_per_learner']:.2f} core | {r['hub_cpu_per_learner']:.2f} core "
            f"| {r['last_vs_first_fifth']:.2f} |"
        )
    worst = max(rows, key=lambda r: r["hub_cpu_per_learner"] / max(r["fps_mean"], 1e-9))
    per_frame = worst["hub_cpu_per_learner"] / worst["fps_mean"]
    out.append("")
    out.append(
        f"Sizing rule (from the row with the most CPU per frame, N = {worst['learners']}): "
        f"{per_frame * 1000:.0f} ms of server CPU per learner frame, so "
        f"cores = N x K fps x {per_frame:.3f}; e.g. {15 * per_frame:.2f} core per learner at "
        f"15 fps, {10 * per_frame:.2f} at 10 fps."
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    global FPS
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_classroom")
    parser.add_argument("--table", help="print the docs table of a --json run's output file")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per N")
    parser.add_argument("--fps", type=int, default=FPS, help="the widgets' fps_cap")
    parser.add_argument("--learners", default=",".join(map(str, NS)), help="the N to measure")
    args = parser.parse_args(argv)
    if args.table:
        lines = Path(args.table).read_text().splitlines()
        print(table([json.loads(x) for x in lines if x.startswith("{")]))
        return 0
    FPS = args.fps
    for row in run(args.seconds, [int(x) for x in args.learners.split(",")]):
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

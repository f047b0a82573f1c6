"""A class on one server: N learners streaming their cameras at once through the hub.

One class server (``deploy/start_hub.py``, HTTPS on 127.0.0.2, self-signed certificate) with
four learners, each logged in through the login page in their own headless Chromium with a
fake camera (640x480, 30 fps y4m made from a real clip). Each learner's notebook runs
``PoseCamera(autostart=True, inference="kernel", fps_cap=FPS)`` (MediaPipe lite in their own
kernel: the server's heavy case; browser inference is measured by ``live_camera``). For N = 1, 2
and 4, the first N learners stream together for ``seconds`` after a warm-up, then stop. A row
per N, all in the same run:

- ``fps_mean`` / ``fps_min``: frames drawn per second, averaged over / worst of the learners;
- ``latency_p50_ms`` / ``latency_p95_ms``: capture-to-overlay latency, all learners pooled;
- ``kernel_cpu_per_learner``: CPU seconds of a learner's kernel per second of streaming (mean);
- ``hub_cpu_per_learner``: the same for everything the hub runs (hub, proxy, single-user
  servers and kernels) divided by N;
- ``last_vs_first_fifth`` / ``p_growth_worst``: the worst learner's median latency of the
  frames captured in the last fifth of the window over that of the first fifth, and the
  one-sided Mann-Whitney p-value that the last fifth is slower;
- ``dropped_per_learner``: frames the ``fps_cap`` would have let through but nobody analysed
  (mean over learners); ``max_in_flight``: most frames any page had sent and not seen
  answered at once (1: one frame in flight); ``timeouts``: answers that came after the page's
  ``timeout_ms`` and were discarded;
- ``hub_cores`` / ``browser_cores`` / ``machine_cores_busy``: cores used by the hub's process
  tree, by the learners' Chromium processes and by the whole machine (other users included),
  over the window and (``cores_first_fifth`` / ``cores_last_fifth``) over its two ends;
  ``load_avg_1min`` at its start and end;
- ``per_learner``: each learner's frames cut into stages (``benchmarks.classroom_trace``:
  encode, wait, uplink, kernel, downlink, draw), their medians over the first and last fifth,
  and the kernel's CPU and wall time per frame at both ends. A queue of frames would show as
  a growing uplink, and as frames reaching the kernel back to back (``kernel_back_to_back``:
  idle gaps under 1 ms; ``kernel_idle_gap_ms_min``); a kernel waiting for a core, as wall time
  growing over a flat CPU time. ``--timeout-ms 60`` makes answers late on purpose, to check
  that the page's timeout path never sends a second frame while one is pending.

Each learner's kernel notes when a frame request enters and leaves
``PoseCamera.handle_message`` (a subclass in the benchmark's notebook cell); the page keeps
its own times in ``rflTrace``. The browsers run on the same two cores as the server (in a real
class they run on the learners' laptops), so the fps at N = 4 is a lower bound for this
server; ``--nice-browsers 19`` runs them at the lowest CPU priority, so the server goes first.

``--inference browser`` runs the same with the pose model in the learners' browsers: the rows then
give fps, latency and the server's CPU (what only landmarks cost the hub), without per-frame
stages.

``python -m benchmarks --only classroom`` streams 20 s per N (``--quick``: 8 s);
``python -m benchmarks.bench_classroom --seconds 60 --fps 15`` for other settings.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from benchmarks import classroom_trace as trace

REPO = Path(__file__).resolve().parent.parent
NS = (1, 2, 4)
FPS = 15
NICE_BROWSERS = 0  # niceness of the learners' browsers (0: as started)
TIMEOUT_MS = 2000  # the widgets' timeout_ms (their default)
INFERENCE = "kernel"  # where the pose model runs ("browser": only landmarks reach the hub)
CAM = ".rfl-cam"
CPU_CODE = "time.process_time()"
SNAPSHOT_JS = """() => { const e = document.querySelector('.rfl-cam');
  return [Number(e.dataset.drawn), e.rflLatencies.length, performance.now()]; }"""
LATENCIES_JS = "(i) => document.querySelector('.rfl-cam').rflLatencies.slice(i)"
TRACE_JS = "() => document.querySelector('.rfl-cam').rflTrace"
TIMEOUTS_JS = "() => Number(document.querySelector('.rfl-cam').dataset.timeouts ?? 0)"
# the learner's camera notes when each frame request enters and leaves the kernel (wall s)
CELL = """import time
from widgets import PoseCamera


class TracedCamera(PoseCamera):
    def __init__(self, **kwargs):
        self.ktrace = []
        super().__init__(**kwargs)

    def handle_message(self, content, buffers):
        t_in, cpu_in = time.time(), time.process_time()
        out = super().handle_message(content, buffers)
        if isinstance(content, dict) and content.get("type") == "frame":
            cpu = time.process_time() - cpu_in
            self.ktrace.append((content.get("id"), t_in, time.time(), cpu))
        return out


cam = TracedCamera(autostart=True, inference="{inference}", fps_cap={fps}, timeout_ms={timeout_ms})
cam"""


def _modules() -> tuple[Any, Any]:
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))
    from browser import harness, hub

    return harness, hub


def _kernel_value(h: Any, page: Any, expr: str) -> Any:
    """The value of ``expr`` in the page's kernel, as JSON between markers: anything else the
    kernel prints meanwhile (MediaPipe's log lines on stderr) is ignored."""
    code = f"import json, time; print('<rfl>' + json.dumps({expr}) + '</rfl>')"
    out = h.kernel_eval(page, code)
    found = re.search(r"<rfl>(.*?)</rfl>", out, re.S)
    if found is None:
        raise RuntimeError(f"the kernel did not answer {expr!r}; it printed: {out[-2000:]}")
    return json.loads(found.group(1))


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


def _chromium_cpu() -> float:
    """CPU seconds of every Chromium process this benchmark started (all learners' browsers)."""
    import psutil

    total = 0.0
    for proc in psutil.Process(os.getpid()).children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if "chrom" in proc.name():
                t = proc.cpu_times()
                total += t.user + t.system
    return total


def _nice_browsers(niceness: int) -> None:
    """Lower the CPU priority of every Chromium process this benchmark started."""
    import psutil

    for proc in psutil.Process(os.getpid()).children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if "chrom" in proc.name():
                proc.nice(niceness)


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all processes, all cores), now (Linux)."""
    import psutil

    t = psutil.cpu_times()  # guest time is already inside user and nice
    return float(t.user + t.nice + t.system + t.irq + t.softirq + t.steal)


class _Sampler(threading.Thread):
    """Every 0.5 s: machine busy, hub tree and browsers' CPU seconds (``monotonic`` first)."""

    def __init__(self, hub_pid: int) -> None:
        super().__init__(daemon=True)
        self.hub_pid = hub_pid
        self.samples: list[tuple[float, float, float, float]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            busy, tree, chrome = _machine_busy(), _tree_cpu(self.hub_pid), _chromium_cpu()
            self.samples.append((time.monotonic(), busy, tree, chrome))
            self.done.wait(0.5)

    def cores(self, lo: float, hi: float) -> dict[str, float]:
        """Mean cores used between monotonic times ``lo`` and ``hi`` by the machine, the hub,
        the browsers and the rest (everything else on the machine, other users included)."""
        a = min(self.samples, key=lambda x: abs(x[0] - lo))
        b = min(self.samples, key=lambda x: abs(x[0] - hi))
        dt = max(b[0] - a[0], 1e-9)
        machine, hub, browsers = ((b[k] - a[k]) / dt for k in (1, 2, 3))
        return {
            "machine": round(machine, 2),
            "hub": round(hub, 2),
            "browsers": round(browsers, 2),
            "rest": round(machine - hub - browsers, 2),
        }


def measure(n: int, pages: list[Any], hub: Any, *, seconds: float, warmup: float) -> dict:
    """Stream on the first ``n`` pages at once and return one row."""
    h, _ = _modules()
    active = pages[:n]
    for page in active:
        h.run_all(page)
    for page in active:
        h.wait_dataset_at_least(page, CAM, "drawn", 3, timeout_ms=120000)
    if NICE_BROWSERS:
        _nice_browsers(NICE_BROWSERS)
    time.sleep(warmup)
    load0 = os.getloadavg()[0]
    cpu0 = [float(_kernel_value(h, p, CPU_CODE)) for p in active]
    k0 = [int(_kernel_value(h, p, "len(cam.ktrace)")) for p in active]
    timeouts0 = [int(p.evaluate(TIMEOUTS_JS)) for p in active]
    tree0, chrome0, busy0 = _tree_cpu(hub.proc.pid), _chromium_cpu(), _machine_busy()
    sampler = _Sampler(hub.proc.pid)
    sampler.start()
    start = [p.evaluate(SNAPSHOT_JS) for p in active]
    t0 = time.monotonic()
    time.sleep(seconds)
    end = [p.evaluate(SNAPSHOT_JS) for p in active]
    sampler.done.set()
    sampler.join()
    tree1, chrome1, busy1 = _tree_cpu(hub.proc.pid), _chromium_cpu(), _machine_busy()
    wall = time.monotonic() - t0
    load1 = os.getloadavg()[0]
    cpu1 = [float(_kernel_value(h, p, CPU_CODE)) for p in active]
    for page in active:  # stop this round's streams (the Start/Stop button)
        page.locator(f"{CAM} button", has_text="Stop").first.click()
    lats = [p.evaluate(LATENCIES_JS, s[1]) for p, s in zip(active, start, strict=True)]
    fps = [(e[0] - s[0]) / ((e[2] - s[2]) / 1000) for s, e in zip(start, end, strict=True)]
    pooled = [x for lat in lats for x in lat]
    learners = []
    if INFERENCE == "kernel":  # the per-frame traces follow kernel frame requests
        for page, s, e, k, n0 in zip(active, start, end, k0, timeouts0, strict=True):
            learners.append(_learner_trace(h, page, s[2], e[2], k, n0))
    else:
        learners = [_browser_learner(f, seconds) for f in fps]
    worst = max(learners, key=lambda x: _or_inf(x["last_vs_first_fifth"]))
    row = {
        "name": f"classroom.n{n}" + ("" if INFERENCE == "kernel" else f".{INFERENCE}"),
        "inference": INFERENCE,
        "learners": n,
        "fps_cap": FPS,
        "browsers_niced": NICE_BROWSERS,
        "timeout_ms": TIMEOUT_MS,
        "fps_mean": statistics.fmean(fps),
        "fps_min": min(fps),
        "latency_p50_ms": _pct(pooled, 50),
        "latency_p95_ms": _pct(pooled, 95),
        "kernel_cpu_per_learner": statistics.fmean(
            (c1 - c0) / wall for c0, c1 in zip(cpu0, cpu1, strict=True)
        ),
        "hub_cpu_per_learner": (tree1 - tree0) / wall / n,
        "last_vs_first_fifth": worst["last_vs_first_fifth"],
        "p_growth_worst": worst["p_growth"],
        "dropped_per_learner": statistics.fmean(x["dropped"] for x in learners),
        "max_in_flight": max(x["max_in_flight"] for x in learners),
        "timeouts": sum(x["timeouts"] for x in learners),
        "hub_cores": (tree1 - tree0) / wall,
        "browser_cores": (chrome1 - chrome0) / wall,
        "machine_cores_busy": (busy1 - busy0) / wall,
        "load_avg_1min": [round(load0, 2), round(load1, 2)],
        "cores_first_fifth": sampler.cores(t0, t0 + wall / 5),
        "cores_last_fifth": sampler.cores(t0 + wall * 4 / 5, t0 + wall),
        "seconds": round(wall, 1),
        "per_learner": learners,
    }
    return row


def _browser_learner(fps: float, seconds: float) -> dict:
    """A browser-inference learner's row: no kernel frames to trace, only what was drawn
    (NaN: not measured in this mode)."""
    nan = float("nan")
    return {
        "frames_drawn": round(fps * seconds),
        "dropped": max(0.0, (FPS - fps) * seconds),
        "timeouts": nan,
        "max_in_flight": nan,
        "last_vs_first_fifth": nan,
        "p_growth": nan,
    }


def _or_inf(x: float) -> float:
    """``x``, or minus infinity for NaN (so that ``max`` skips it)."""
    return -math.inf if math.isnan(x) else x


def _learner_trace(
    h: Any, page: Any, start_ms: float, end_ms: float, k0: int, timeouts0: int
) -> dict:
    """One learner's frames of the measured window: stages, fifths, drops, frames in flight."""
    every = page.evaluate(TRACE_JS)
    rows = [r for r in every if start_ms <= r[1] < end_ms]
    origin = float(page.evaluate("() => performance.timeOrigin"))
    ktrace = _kernel_value(h, page, f"cam.ktrace[{k0}:]")
    kernel = {int(i): (a, b) for i, a, b, _ in ktrace}
    frames = trace.join(rows, kernel, time_origin_ms=origin)
    parts = trace.split(frames)
    nan, n = float("nan"), len(trace.STAGES)
    try:
        f = trace.fifths(frames, start_ms, end_ms)
    except ValueError as exc:  # a stalled stream: keep the row, with no fifths to compare
        print(f"classroom: {exc}", file=sys.stderr, flush=True)
        f = trace.Fifths(nan, nan, (nan,) * n, (nan,) * n, 0, 0, nan)
    answered = {int(r[0]) for r in every}
    seen = [i for i, a, _, _ in ktrace if start_ms <= a * 1000 - origin < end_ms]
    # a second frame sent while one is pending reaches the kernel back to back with it: the
    # kernel's idle gap between frames is then ~0 (one in flight: at least a downlink + uplink)
    gaps = [
        1000 * (b[1] - a[2])
        for a, b in itertools.pairwise(ktrace)
        if start_ms <= a[1] * 1000 - origin < end_ms
    ]
    # the kernel's CPU per frame against its wall time per frame, first and last fifth: a
    # kernel that waits for a core shows wall time growing over a flat CPU time
    fifth = (end_ms - start_ms) / 5
    cpu_wall = []
    for lo in (start_ms, end_ms - fifth):
        sel = [(c, b - a) for _, a, b, c in ktrace if lo <= a * 1000 - origin < lo + fifth]
        cpu_wall.append(
            [round(1000 * statistics.median(x[k] for x in sel), 1) if sel else None for k in (0, 1)]
        )
    offered = FPS * (end_ms - start_ms) / 1000  # frames the cap would let through
    return {
        "frames_drawn": len(frames),
        "dropped": max(0.0, offered - len(frames)),
        # replies the page discarded as late (not the one in flight when the stream stopped)
        "stale_replies": sum(1 for i in seen if i not in answered and i < max(answered)),
        "timeouts": int(page.evaluate(TIMEOUTS_JS)) - timeouts0,
        "max_in_flight": trace.max_in_flight(rows),
        "last_vs_first_fifth": f.ratio,
        "p_growth": f.p_grow,
        "n_first_last": [f.n_first, f.n_last],
        "stages": list(trace.STAGES),
        "stages_ms_median": [
            round(statistics.median(p[i] for p in parts), 1) if parts else nan for i in range(n)
        ],
        "stages_ms_first": [round(x, 1) for x in f.stages_first],
        "stages_ms_last": [round(x, 1) for x in f.stages_last],
        "latency_ms_first_last": [round(f.first, 1), round(f.last, 1)],
        "kernel_cpu_wall_ms_first_last": cpu_wall,
        "kernel_idle_gap_ms_min": round(min(gaps), 2) if gaps else nan,
        "kernel_back_to_back": sum(1 for g in gaps if g < 1.0),
    }


def run(seconds: float, ns: Iterable[int] = NS, warmup: float = 5.0) -> Iterator[dict]:
    """Start one hub, log in max(ns) learners, then measure each N in turn."""
    h, hb = _modules()
    from course.data import media

    ns = list(ns)
    learners = [f"learner{i}" for i in range(1, max(ns) + 1)]
    cell = CELL.format(fps=FPS, timeout_ms=TIMEOUT_MS, inference=INFERENCE)
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
        "| hub-side CPU per learner | frames dropped per learner per s | most frames in flight "
        "| last fifth / first fifth (worst learner, p) | cores: hub / browsers / rest "
        "| load avg |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['learners']} | {r['fps_mean']:.1f} / {r['fps_min']:.1f} "
            f"| {r['latency_p50_ms']:.0f} / {r['latency_p95_ms']:.0f} ms "
            f"| {r['kernel_cpu_per_learner']:.2f} core | {r['hub_cpu_per_learner']:.2f} core "
            f"| {r['dropped_per_learner'] / r['seconds']:.1f} | {r['max_in_flight']} "
            f"| {r['last_vs_first_fifth']:.2f} (p = {r['p_growth_worst']:.2g}) "
            f"| {r['hub_cores']:.2f} / {r['browser_cores']:.2f} / "
            f"{r['machine_cores_busy'] - r['hub_cores'] - r['browser_cores']:.2f} "
            f"| {r['load_avg_1min'][0]:.0f}-{r['load_avg_1min'][1]:.0f} |"
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


def stages_table(rows: list[dict]) -> str:
    """Per learner: median ms of each stage of a frame, first fifth -> last fifth."""
    names = rows[0]["per_learner"][0]["stages"]
    out = [
        "| N | learner | latency | " + " | ".join(names) + " | kernel CPU / wall per frame |",
        "|---|---|---|" + "---|" * len(names) + "---|",
    ]
    for r in rows:
        for i, x in enumerate(r["per_learner"], 1):
            a, b = x["latency_ms_first_last"]
            cells = [
                f"{p:.0f} → {q:.0f}"
                for p, q in zip(x["stages_ms_first"], x["stages_ms_last"], strict=True)
            ]
            ends = x["kernel_cpu_wall_ms_first_last"]
            c0, w0, c1, w1 = (math.nan if v is None else v for pair in ends for v in pair)
            out.append(
                f"| {r['learners']} | {i} | {a:.0f} → {b:.0f} | " + " | ".join(cells) + f" "
                f"| {c0:.0f} / {w0:.0f} → {c1:.0f} / {w1:.0f} |"
            )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    global FPS, INFERENCE, NICE_BROWSERS, TIMEOUT_MS
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_classroom")
    parser.add_argument("--table", help="print the docs table of a --json run's output file")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per N")
    parser.add_argument("--fps", type=int, default=FPS, help="the widgets' fps_cap")
    parser.add_argument(
        "--timeout-ms",
        type=int,
        default=TIMEOUT_MS,
        help="the widgets' timeout_ms (a small one makes answers late on purpose)",
    )
    parser.add_argument(
        "--nice-browsers",
        type=int,
        default=0,
        help="run the learners' browsers at this niceness (e.g. 19), so the server goes first",
    )
    parser.add_argument("--learners", default=",".join(map(str, NS)), help="the N to measure")
    parser.add_argument(
        "--inference",
        choices=("kernel", "browser"),
        default="kernel",
        help="where the pose model runs (browser: per-frame traces are not taken)",
    )
    args = parser.parse_args(argv)
    if args.table:
        lines = Path(args.table).read_text().splitlines()
        rows = [json.loads(x) for x in lines if x.startswith("{")]
        print(table(rows), stages_table(rows), sep="\n\n")
        return 0
    FPS, NICE_BROWSERS, TIMEOUT_MS = args.fps, args.nice_browsers, args.timeout_ms
    INFERENCE = args.inference
    for row in run(args.seconds, [int(x) for x in args.learners.split(",")]):
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

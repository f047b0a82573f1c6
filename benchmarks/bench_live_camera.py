"""Live camera loop in a real browser: fps, overlay latency, server CPU and bytes per learner.

Each variant runs in its own JupyterLab (the course's server settings unless said otherwise) with
headless Chromium and a fake camera (640x480, 30 fps y4m made from a real clip of the Pose2Sim
demo), one after the other in the same run:

- ``kernel``: ``widgets.PoseCamera`` as shipped, kernel inference: the page reads each frame from
  the camera's track as it is captured, a Web Worker scales it to ``send_max_side`` and
  JPEG-encodes it, the page sends it; MediaPipe lite runs in the kernel;
- ``browser``: ``PoseCamera(inference="browser")``: MediaPipe runs in the page (WebAssembly, the
  default CPU delegate, two workers taking frames in turn), only landmarks go up;
  ``browser_1worker``: the same with one worker; ``browser_gpu``: the same with the GPU delegate,
  WebGL rendered in software by SwiftShader (this machine has no GPU);
- ``kernel_video`` / ``browser_video``: frames taken as the page presents them
  (requestVideoFrameCallback) instead of read from the camera's track as captured;
- variants of the kernel mode, each changing one thing: ``kernel_page`` (encoding on the page's
  main thread), ``kernel_full_size`` (640x480 frames), ``kernel_timer`` (frames polled on a
  timer), ``stock`` (a stock jupyter_server, Nagle's algorithm on);
- ``naive`` / ``naive_paced``: base64 PNG through string traits (``live_camera_naive``).

Columns: ``fps`` (overlays drawn per second: frames analysed and shown); ``latency_p50_ms``/
``latency_p95_ms`` (frame captured by the camera, as the camera's track or requestVideoFrameCallback
reports it → overlay drawn, as the page measures it, the same clock in every mode); for the kernel
variants the median of each stage (``stage_*_ms``: wait, encode, queue, transport both ways, decode,
inference, engine, draw; see ``widgets/static/pose_capture.js``); ``server_cpu_core`` (jupyter
server + kernel CPU seconds per wall second: the server's cost of one learner), ``page_cpu_core``
(the browser's renderer and GPU processes) and ``page_mem_mb`` (their memory, USS, at the end);
``kb_up_per_frame``; ``worker_infer_p50_ms`` (browser inference: the model's median time per frame
in a worker, last 60 frames); ``kernel_answers_per_s`` (the kernel's replies; browser mode sends up
to four poses a message); kernel memory at the start and the end; the median latency of the first
and last fifth (a queue would make the last grow).

``python -m benchmarks --only live_camera`` runs ``kernel`` and ``browser`` (20 s each, ``--quick``
8 s), then the frame-size rows: the landmark difference, in px of the 640x480 frame, of the
kernel's pose on smaller or more compressed frames against full-size frames of the same clip
(``benchmarks/frame_accuracy.py``). ``python -m benchmarks.bench_live_camera --variants
kernel,kernel_full_size,...`` picks variants (``--all``: every one); ``--long`` streams 10 minutes.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.live_camera_naive import naive_cell

REPO = Path(__file__).resolve().parent.parent
CLIP = "pose2sim-single-cam01"


@dataclass(frozen=True)
class Variant:
    """One way of running the live camera: the notebook cell that shows ``cam``, the server."""

    name: str
    cell: str
    nodelay: bool = True
    #: WebGL rendered in software (SwiftShader) rather than disabled: for the GPU delegate
    software_webgl: bool = False


def _camera(**options: object) -> str:
    args = "".join(f", {k}={v!r}" for k, v in options.items())
    made = f"cam = PoseCamera(autostart=True, fps_cap=30, record=True{args})"
    return f"from widgets import PoseCamera\n{made}\ncam"


VARIANTS = {
    v.name: v
    for v in (
        Variant("kernel", _camera(inference="kernel")),
        Variant("browser", _camera(inference="browser")),
        Variant("browser_1worker", _camera(inference="browser", browser_workers=1)),
        Variant(
            "browser_gpu",
            _camera(inference="browser", browser_delegate="GPU"),
            software_webgl=True,
        ),
        Variant("kernel_full_size", _camera(inference="kernel", send_max_side=0)),
        Variant("kernel_page", _camera(inference="kernel", encode_in_worker=False)),
        Variant("kernel_video", _camera(inference="kernel", frame_clock="video")),
        Variant("browser_video", _camera(inference="browser", frame_clock="video")),
        Variant("kernel_timer", _camera(inference="kernel", frame_clock="timer")),
        Variant("stock", _camera(inference="kernel"), nodelay=False),
        Variant("naive_paced", naive_cell(paced=True)),
        Variant("naive", naive_cell(paced=False)),
    )
}
DEFAULT = ("kernel", "browser")
STAGES = (
    "wait",
    "encode",
    "queue",
    "transport",
    "decode",
    "infer",
    "engine",
    "kernel_other",
    "draw",
)
# the take the widget recorded (landmarks of every frame analysed), for the modes' agreement
TAKE_CODE = (
    "import numpy as np\ncam.record = False\ntk = cam.recorded_takes[-1]\n"
    "np.savez('take.npz', t=tk.t, xy=tk.landmarks[..., :2], vis=tk.visibility)\nprint(len(tk))"
)
MEM_CODE = (
    "import os, psutil; print(psutil.Process(os.getpid()).memory_info().rss / 1e6, "
    "cam.frames_processed)"
)
SNAPSHOT_JS = """() => { const e = document.querySelector('.rfl-cam');
  return { frames: Number(e.dataset.frames), lat: e.rflLatencies.slice(), now: performance.now(),
           up: Number(e.dataset.bytesUp ?? 0), stages: (e.rflStages ?? []).slice(),
           infer: Number(e.dataset.inferP50 ?? 0) }; }"""


def _harness() -> ModuleType:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.browser import harness

    return harness


def _pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


def _cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU seconds of processes ``pids`` and all their children, alive now."""
    import psutil

    total = 0.0
    seen: set[int] = set()
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for p in [root, *root.children(recursive=True)]:
                if p.pid in seen:
                    continue
                seen.add(p.pid)
                t = p.cpu_times()
                total += t.user + t.system
        except psutil.NoSuchProcess:
            continue
    return total


def _memory_mb(pids: Iterable[int]) -> float:
    """Memory only these processes hold (USS, MB): Chromium's share of one camera page."""
    import psutil

    total = 0
    for pid in pids:
        try:
            total += psutil.Process(pid).memory_full_info().uss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / 1e6


def _kernel_pids(server_pid: int) -> list[int]:
    """The Jupyter server's child processes: the notebook's kernel."""
    import psutil

    return [p.pid for p in psutil.Process(server_pid).children(recursive=True)]


def _browser_pids() -> list[int]:
    """Chromium's processes (renderer, GPU...) of a Playwright persistent context."""
    import psutil

    here = psutil.Process()
    return [
        p.pid
        for p in here.children(recursive=True)
        if "chrom" in p.name().lower() and p.pid != here.pid
    ]


def measure(
    variant: Variant, *, seconds: float, work: Path, clip: Path, pw: Any, warmup: float = 4.0
) -> dict[str, Any]:
    """Stream for ``seconds`` after a warm-up and return one benchmark row."""
    h = _harness()
    root = work / variant.name
    h.write_notebook(root / "bench.ipynb", [variant.cell])
    server = h.start_lab(root, work / f"home-{variant.name}", nodelay=variant.nodelay)
    try:
        with h.browser(pw, work, camera=clip, software_webgl=variant.software_webgl) as ctx:
            page = ctx.new_page()
            h.open_notebook(page, server, "bench.ipynb")
            h.run_all(page)
            h.wait_dataset_at_least(page, ".rfl-cam", "frames", 3, timeout_ms=90000)
            time.sleep(warmup)
            mem0, _ = map(float, h.kernel_eval(page, MEM_CODE).split())
            chrome = _browser_pids()
            kernels = _kernel_pids(server.proc.pid)
            cpu0 = (_cpu_seconds([server.proc.pid]), _cpu_seconds(chrome), time.monotonic())
            k0 = _cpu_seconds(kernels)
            start = page.evaluate(SNAPSHOT_JS)
            time.sleep(seconds)
            end = page.evaluate(SNAPSHOT_JS)
            cpu1 = (_cpu_seconds([server.proc.pid]), _cpu_seconds(chrome), time.monotonic())
            k1 = _cpu_seconds(kernels)
            page_mb = _memory_mb(chrome)
            mem1, processed = map(float, h.kernel_eval(page, MEM_CODE).split())
            if "record=True" in variant.cell:
                h.kernel_eval(page, TAKE_CODE)
            page.close()
    finally:
        server.stop()
    row = _row(variant, start, end, cpu0, cpu1, (mem0, mem1), int(processed))
    row["kernel_cpu_core"] = (k1 - k0) / (cpu1[2] - cpu0[2])
    row["page_mem_mb"] = page_mb
    return row


def _row(
    variant: Variant,
    start: dict[str, Any],
    end: dict[str, Any],
    cpu0: tuple[float, float, float],
    cpu1: tuple[float, float, float],
    mem: tuple[float, float],
    processed: int,
) -> dict[str, Any]:
    elapsed_s = (end["now"] - start["now"]) / 1000
    lat = list(end["lat"][len(start["lat"]) :])
    # one latency per overlay drawn: the frames the learner sees analysed (the kernel's
    # answers, ``frames``, carry up to four browser poses each in browser mode)
    frames = len(lat)
    messages = end["frames"] - start["frames"]
    stages = list(end["stages"][len(start["stages"]) :])
    wall = cpu1[2] - cpu0[2]
    fifth = max(1, len(lat) // 5)
    row: dict[str, Any] = {
        "name": f"live_camera.{variant.name}",
        "variant": variant.name,
        "fps": frames / elapsed_s,
        "latency_p50_ms": _pct(lat, 50),
        "latency_p95_ms": _pct(lat, 95),
        "server_cpu_core": (cpu1[0] - cpu0[0]) / wall,
        "page_cpu_core": (cpu1[1] - cpu0[1]) / wall,
        "kb_up_per_frame": (end["up"] - start["up"]) / max(frames, 1) / 1000,
        "kernel_answers_per_s": messages / elapsed_s,
    }
    if end.get("infer"):  # browser inference: the model's median time a frame in the workers
        row["worker_infer_p50_ms"] = end["infer"]
    if stages:
        totals = [s["total"] for s in stages]
        row["overlay_p50_ms"] = _pct(totals, 50)
        row["overlay_p95_ms"] = _pct(totals, 95)
        for stage in STAGES:
            row[f"stage_{stage}_ms"] = statistics.median(s[stage] for s in stages)
    row.update(
        latency_p50_first_fifth_ms=statistics.median(lat[:fifth]) if lat else float("nan"),
        latency_p50_last_fifth_ms=statistics.median(lat[-fifth:]) if lat else float("nan"),
        kernel_mem_start_mb=mem[0],
        kernel_mem_end_mb=mem[1],
        frames=frames,
        seconds=round(elapsed_s, 1),
        kernel_frames_total=processed,
    )
    return row


def _agreement(work: Path, clip: Path, names: list[str]) -> dict[str, Any]:
    """The modes' agreement row: their recorded takes placed on the clip and compared."""
    import numpy as np

    from benchmarks import mode_agreement as ma
    from course.live import VideoReader
    from course.pose import PoseTracker, ensure_model

    frames = list(VideoReader(clip))
    n = len(frames)
    ref = np.full((n, 33, 2), np.nan)
    with PoseTracker("lite", model_path=ensure_model("lite"), num_poses=1) as tracker:
        for loop in range(3):  # the last loop, once tracking has settled, is the reference
            for k, (rgb, t) in enumerate(frames):
                pose = tracker.frame(rgb, loop * n / 30 + t)
                if loop == 2 and pose is not None:
                    ref[k] = pose.landmarks[:, :2]
    placed = {}
    for name in names:
        data = np.load(work / name / "take.npz")
        placed[name] = ma.place(ma.Take(data["t"], data["xy"], data["vis"]), ref, fps=30.0)
    a, b = (placed[x] for x in names)
    px, frames_compared = ma.agreement_px(a, b, n, (640, 480))
    row: dict[str, Any] = {
        "name": f"live_camera.agreement.{names[0]}_vs_{names[1]}",
        "median_px": px,
        "clip_frames_compared": f"{frames_compared}/{n}",
    }
    for name in names:
        row[f"{name}_vs_kernel_tracker_px"] = placed[name].median_px((640, 480), ref)
    return row


def run(seconds: float, variants: Iterable[str] = DEFAULT) -> Iterator[dict[str, Any]]:
    """Measure each variant in turn (same machine, same clip) and yield rows.

    With both ``kernel`` and ``browser``, a last row gives their landmarks' agreement.
    """
    h = _harness()
    from course.data import media

    chosen = [VARIANTS[v] for v in variants]
    with tempfile.TemporaryDirectory(prefix="rfl-bench-live-") as tmp:
        work = Path(tmp)
        clip = h.make_y4m(media.fetch(CLIP), work / "cam.y4m", seconds=3.0)
        rows: dict[str, dict[str, Any]] = {}
        with h.playwright() as pw:
            for variant in chosen:
                row = measure(variant, seconds=seconds, work=work, clip=clip, pw=pw)
                if variant.name != "kernel" and rows.get("kernel", {}).get("fps", 0) > 0:
                    row["fps_vs_kernel"] = row["fps"] / rows["kernel"]["fps"]
                rows[variant.name] = row
                yield row
        if "kernel" in rows and "browser" in rows:
            yield _agreement(work, clip, ["kernel", "browser"])


def frame_size_rows(seconds: float = 3.0) -> Iterator[dict[str, Any]]:
    """Landmark cost of each frame preparation on the benchmark's own fake-camera clip."""
    h = _harness()
    from benchmarks import frame_accuracy as fa
    from course.data import media
    from course.live import VideoReader
    from course.pose import ensure_model

    with tempfile.TemporaryDirectory(prefix="rfl-bench-size-") as tmp:
        clip = h.make_y4m(media.fetch(CLIP), Path(tmp) / "cam.y4m", seconds=seconds)
        frames = list(VideoReader(clip))
    for a in fa.compare(frames, fa.VARIANTS, ensure_model("lite")):
        yield {
            "name": f"live_camera.frame_size.{a.variant.name}",
            "median_px": a.median_px,
            "p95_px": a.p95_px,
            "found": f"{a.found}/{a.frames}",
            "kb_per_frame": a.kb_per_frame,
            "decode_ms": a.decode_ms,
            "infer_ms": a.infer_ms,
        }


def cases(quick: bool) -> Iterable[dict[str, Any]]:
    """Rows for ``python -m benchmarks``: kernel and browser modes, then the frame-size rows."""
    yield from run(8.0 if quick else 20.0)
    yield from frame_size_rows()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_live_camera")
    parser.add_argument("--long", action="store_true", help="stream 10 minutes per variant")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per variant")
    parser.add_argument("--variants", default=",".join(DEFAULT), help=", ".join(VARIANTS))
    parser.add_argument("--all", action="store_true", help="every variant")
    parser.add_argument("--frame-size", action="store_true", help="also the frame-size rows")
    args = parser.parse_args(argv)
    seconds = 600.0 if args.long else args.seconds
    names = list(VARIANTS) if args.all else args.variants.split(",")
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s) {', '.join(unknown)}; choose from {', '.join(VARIANTS)}")
    for row in run(seconds, names):
        print(json.dumps(row), flush=True)
    if args.frame_size:
        for row in frame_size_rows():
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

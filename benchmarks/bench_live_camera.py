"""Live camera loop in a real browser: sustained fps and capture-to-overlay latency.

Four variants measured in the same run, each in JupyterLab + headless Chromium with a fake
camera (640x480, 30 fps y4m made from a real clip), MediaPipe lite in the kernel:

- ``nodelay``: ``widgets.PoseCamera`` on the course's server settings (TCP_NODELAY);
- ``stock``: the same widget on a stock jupyter_server (Nagle's algorithm on);
- ``naive``: a widget that sends a base64 PNG frame through a string trait on a 30 fps timer
  and gets the landmarks back as a JSON trait (what one writes first);
- ``naive_paced``: the same PNG/trait transport, but one frame in flight like PoseCamera, so
  only the transport differs from ``nodelay``.

Each row also reports the kernel's memory at the start and the end of the stream and the
median latency of the first and last fifth of the frames (a queue would make the last grow).

``python -m benchmarks --only live_camera`` runs 20 s per variant (``--quick``: 8 s);
``python -m benchmarks.bench_live_camera --long`` streams 10 minutes per variant.
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
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

NAIVE_ESM = r"""
// Naive live camera: PNG data URLs through a string trait, landmarks back as a JSON trait.
// paced=false: a timer sends a frame every 1/fps_cap s, whatever the kernel is doing (the
// first thing one writes); paced=true: one frame in flight, like PoseCamera.
const SK = [[11,12],[11,13],[13,15],[12,14],[14,16],[11,23],[12,24],[23,24],[23,25],[25,27],
  [24,26],[26,28]];
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "rfl-cam rfl-naive";
  root.dataset.frames = "0"; root.dataset.drawn = "0";
  root.rflLatencies = [];
  const video = document.createElement("video");
  video.muted = true; video.playsInline = true;
  const overlay = document.createElement("canvas");
  overlay.className = "rfl-overlay"; overlay.width = 640; overlay.height = 480;
  const cap = document.createElement("canvas");
  root.append(video, overlay); el.appendChild(root);
  const paced = model.get("paced");
  let running = true, waiting = false, latest = null, timer = null, stream = null;
  const send = () => {
    if (!running || !video.videoWidth || (paced && waiting)) return;
    const now = performance.now();
    cap.width = video.videoWidth; cap.height = video.videoHeight;
    cap.getContext("2d").drawImage(video, 0, 0);
    const url = cap.toDataURL("image/png");
    root.dataset.bytesUp = String(Number(root.dataset.bytesUp ?? 0) + url.length);
    model.set("frame_png", `${now}|${url}`);
    model.save_changes();
    waiting = true;
    if (paced) timer = setTimeout(() => { waiting = false; send(); }, 2000);
  };
  const onPose = () => {
    const [lm, n, t0] = JSON.parse(model.get("landmarks_json") || "[null, 0, 0]");
    latest = { lm, t0, drawn: false };
    root.dataset.frames = String(Number(root.dataset.frames) + 1);
    if (paced) {
      clearTimeout(timer); waiting = false;
      const gap = 1000 / model.get("fps_cap"), wait = gap - (performance.now() - t0);
      timer = setTimeout(send, Math.max(0, wait));
    }
  };
  model.on("change:landmarks_json", onPose);
  let raf = 0;
  const draw = () => {
    raf = requestAnimationFrame(draw);
    if (!latest || latest.drawn) return;
    latest.drawn = true;
    const ctx = overlay.getContext("2d");
    ctx.clearRect(0, 0, 640, 480);
    if (latest.lm) {
      ctx.strokeStyle = "#0cf"; ctx.lineWidth = 3;
      for (const [a, b] of SK) {
        ctx.beginPath(); ctx.moveTo(latest.lm[a][0] * 640, latest.lm[a][1] * 480);
        ctx.lineTo(latest.lm[b][0] * 640, latest.lm[b][1] * 480); ctx.stroke();
      }
      root.dataset.drawn = String(Number(root.dataset.drawn) + 1);
    }
    root.rflLatencies.push(performance.now() - latest.t0);
  };
  raf = requestAnimationFrame(draw);
  let interval = null;
  navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } }).then((s) => {
    stream = s; video.srcObject = s; video.play();
    if (paced) video.addEventListener("loadeddata", send, { once: true });
    else interval = setInterval(send, 1000 / model.get("fps_cap"));
  });
  return () => { running = false; cancelAnimationFrame(raf); clearTimeout(timer);
    clearInterval(interval); stream?.getTracks().forEach((t) => t.stop());
    model.off("change:landmarks_json", onPose); };
}
export default { render };
"""

NAIVE_CELL = """
import base64, json
import anywidget, traitlets as t
from course.live import Engine, decode_jpeg

class NaiveCamera(anywidget.AnyWidget):
    \"\"\"Base64 PNG frames through a string trait; landmarks back as a JSON string trait.\"\"\"
    _esm = ESM
    paced = t.Bool(PACED).tag(sync=True)
    fps_cap = t.Float(30).tag(sync=True)
    frame_png = t.Unicode("").tag(sync=True)
    landmarks_json = t.Unicode("").tag(sync=True)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.engine = Engine()
        self.frames_processed = 0

    @t.observe("frame_png")
    def _frame(self, change):
        stamp, url = change["new"].split("|", 1)
        data = base64.b64decode(url.split(",", 1)[1])
        res = self.engine.process_frame(decode_jpeg(data), float(stamp) / 1000)  # cv2 reads PNG
        self.frames_processed += 1
        lm = None if res.pose is None else res.pose.landmarks[:, :2].round(4).tolist()
        self.landmarks_json = json.dumps([lm, self.frames_processed, float(stamp)])

cam = NaiveCamera()
cam
"""


CAMERA_CELL = "from widgets import PoseCamera\ncam = PoseCamera(autostart=True, fps_cap=30)\ncam"
MEM_CODE = (
    "import os, psutil; print(psutil.Process(os.getpid()).memory_info().rss / 1e6, "
    "cam.frames_processed)"
)


def _harness() -> Any:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.browser import harness

    return harness


def _pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


def measure(
    variant: str, *, seconds: float, work: Path, clip: Path, pw: Any, warmup: float = 4.0
) -> dict[str, Any]:
    """Stream for ``seconds`` after a warm-up and return one benchmark row."""
    h = _harness()
    root = work / variant
    if variant.startswith("naive"):
        paced = variant == "naive_paced"
        cell = NAIVE_CELL.replace("ESM", repr(NAIVE_ESM), 1).replace("PACED", str(paced))
    else:
        cell = CAMERA_CELL
    h.write_notebook(root / "bench.ipynb", [cell])
    server = h.start_lab(root, work / f"home-{variant}", nodelay=variant != "stock")
    # (the naive variants run on the course's TCP_NODELAY server: only the widget differs)
    try:
        with h.browser(pw, work, camera=clip) as ctx:
            page = ctx.new_page()
            h.open_notebook(page, server, "bench.ipynb")
            h.run_all(page)
            h.wait_dataset_at_least(page, ".rfl-cam", "frames", 3, timeout_ms=90000)
            time.sleep(warmup)
            mem0, _ = map(float, h.kernel_eval(page, MEM_CODE).split())
            start = page.evaluate(
                "() => { const e = document.querySelector('.rfl-cam');"
                " return [Number(e.dataset.frames), e.rflLatencies.length, performance.now(),"
                " Number(e.dataset.bytesUp ?? 0)]; }"
            )
            time.sleep(seconds)
            end = page.evaluate(
                "() => { const e = document.querySelector('.rfl-cam');"
                " return [Number(e.dataset.frames), e.rflLatencies, performance.now(),"
                " Number(e.dataset.bytesUp ?? 0)]; }"
            )
            mem1, processed = map(float, h.kernel_eval(page, MEM_CODE).split())
            page.close()
    finally:
        server.stop()
    frames = end[0] - start[0]
    elapsed_s = (end[2] - start[2]) / 1000
    lat = list(end[1][start[1] :])
    fifth = max(1, len(lat) // 5)
    return {
        "name": f"live_camera.{variant}",
        "variant": variant,
        "fps": frames / elapsed_s,
        "latency_p50_ms": _pct(lat, 50),
        "latency_p95_ms": _pct(lat, 95),
        "latency_p50_first_fifth_ms": statistics.median(lat[:fifth]) if lat else float("nan"),
        "latency_p50_last_fifth_ms": statistics.median(lat[-fifth:]) if lat else float("nan"),
        "kernel_mem_start_mb": mem0,
        "kernel_mem_end_mb": mem1,
        "frames": frames,
        "kb_up_per_frame": (end[3] - start[3]) / max(frames, 1) / 1000,
        "seconds": round(elapsed_s, 1),
        "kernel_frames_total": int(processed),
    }


VARIANTS = ("naive", "naive_paced", "stock", "nodelay")


def run(seconds: float, variants: Iterable[str] = VARIANTS) -> Iterator[dict]:
    """Measure each variant in turn (same machine, same clip) and yield rows."""
    h = _harness()
    from course.data import media

    with tempfile.TemporaryDirectory(prefix="rfl-bench-live-") as tmp:
        work = Path(tmp)
        clip = h.make_y4m(media.fetch("pose2sim-single-cam01"), work / "cam.y4m", seconds=3.0)
        rows: dict[str, dict[str, Any]] = {}
        with h.playwright() as pw:
            for variant in variants:
                row = measure(variant, seconds=seconds, work=work, clip=clip, pw=pw)
                if variant != "naive" and "naive" in rows and rows["naive"]["fps"] > 0:
                    row["fps_vs_naive"] = row["fps"] / rows["naive"]["fps"]
                if variant == "nodelay" and "stock" in rows:
                    row["fps_vs_stock"] = row["fps"] / rows["stock"]["fps"]
                rows[variant] = row
                yield row


def cases(quick: bool) -> Iterable[dict]:
    """Rows for ``python -m benchmarks``: every variant, 8 s (quick) or 20 s each."""
    yield from run(8.0 if quick else 20.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_live_camera")
    parser.add_argument("--long", action="store_true", help="stream 10 minutes per variant")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per variant")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args(argv)
    seconds = 600.0 if args.long else args.seconds
    for row in run(seconds, args.variants.split(",")):
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The naive live camera the benchmark compares with: what one writes first.

A widget that sends each frame as a base64 PNG data URL through a string trait and gets the
landmarks back as a JSON string trait. ``paced=False``: a timer sends a frame every 1/fps_cap s,
whatever the kernel is doing; ``paced=True``: one frame in flight, like PoseCamera, so only the
transport differs. Used by ``benchmarks/bench_live_camera.py`` (variants ``naive`` and
``naive_paced``).
"""

from __future__ import annotations

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


def naive_cell(*, paced: bool) -> str:
    """The notebook cell that shows the naive widget as ``cam``."""
    return NAIVE_CELL.replace("ESM", repr(NAIVE_ESM), 1).replace("PACED", str(paced))

// Browser inference for the camera view: which mode runs (chooseInference), the pose Worker
// (loadInference: runtime files from the kernel as Blob URLs, one frame in flight, clear errors)
// and the frame loop at the camera's own rate (startFrameLoop). The pure parts are unit-tested
// in tests/pose_inference.test.mjs; the worker itself is pose_worker.js.

/** @typedef {{ ok: boolean, missing: string[] }} Support */
/** @typedef {{ mode: "browser" | "kernel" | "error", note: string }} Choice */
/** @typedef {{ lm: Float32Array, found: boolean, n: number, w: number, h: number, t: number,
 *   ms: number }} BrowserPose */

/** The smallest valid WebAssembly module (magic number and version). */
const EMPTY_WASM = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
/** Runtime files asked from the kernel (widgets/_web_runtime.py names them). */
export const RUNTIME_ASSETS = Object.freeze(["worker", "bundle", "wasm_loader", "wasm"]);
const MIME = Object.freeze({ worker: "text/javascript", bundle: "text/javascript",
  wasm_loader: "text/javascript", wasm: "application/wasm" });

/**
 * What this browser offers for running the pose model itself.
 * @param {any} [g] the global object (a stand-in in tests)
 * @returns {Support}
 */
export function inferenceSupport(g = globalThis) {
  const missing = [];
  let wasm = false;
  try { wasm = typeof g.WebAssembly === "object" && g.WebAssembly.validate(EMPTY_WASM); } catch (e) { wasm = false; }
  if (!wasm) missing.push("WebAssembly");
  if (typeof g.Worker !== "function") missing.push("Web Workers");
  if (typeof g.OffscreenCanvas !== "function") missing.push("OffscreenCanvas");
  if (typeof g.createImageBitmap !== "function") missing.push("createImageBitmap");
  return { ok: missing.length === 0, missing };
}

/**
 * Which inference runs: a video source is always read by the kernel; `auto` takes the browser
 * when it can and says why not otherwise; `browser` without support is an error.
 * `auto` also keeps the kernel when a take must record video frames (`keepsFrames`).
 * @param {string} wanted "auto" | "browser" | "kernel"
 * @param {Support} support @param {boolean} hasSource @param {boolean} [keepsFrames]
 * @returns {Choice}
 */
export function chooseInference(wanted, support, hasSource, keepsFrames = false) {
  if (hasSource || wanted === "kernel") return { mode: "kernel", note: "" };
  if (keepsFrames && wanted === "auto") {
    return { mode: "kernel", note: "Pose runs in the kernel: record_video=True keeps the frames there." };
  }
  if (support.ok) return { mode: "browser", note: "" };
  const lacks = support.missing.join(", ");
  if (wanted === "browser") {
    return { mode: "error", note: `Pose cannot run in this browser: it lacks ${lacks}. Use an ` +
      "up-to-date Chrome, Edge or Firefox, or PoseCamera(inference='kernel')." };
  }
  return { mode: "kernel", note: `Pose runs in the kernel: this browser lacks ${lacks}.` };
}

/**
 * The note shown when the browser model failed to start.
 * @param {string} wanted @param {string} why what failed (file and reason)
 * @returns {Choice}
 */
export function afterLoadFailure(wanted, why) {
  if (wanted === "browser") {
    return { mode: "error", note: `Pose could not start in the browser: ${why} ` +
      "Use PoseCamera(inference='kernel') or 'auto', or fix the install (make install)." };
  }
  return { mode: "kernel", note: `Pose runs in the kernel: it could not start in the browser (${why})` };
}

/** @typedef {{ t0: number, w: number, h: number, n: number, lm: Float32Array }} PendingPose */

/** Oldest waiting pose age, ms, after which landmarks go to the kernel even alone. */
export const LANDMARKS_WAIT_MS = 60;

/**
 * Whether the waiting poses should go to the kernel now: two or more (at the camera's rate,
 * pairs halve the kernel's messages), or one that waited `LANDMARKS_WAIT_MS` (a slow camera
 * or model). Feedback then lags the skeleton by at most a frame; the skeleton never waits.
 * @param {PendingPose[]} pending @param {number} now ms on the page clock
 */
export function readyToSend(pending, now) {
  return pending.length >= 2 || (pending.length === 1 && now - pending[0].t0 >= LANDMARKS_WAIT_MS);
}

/** Most poses kept waiting for a kernel that is away: it gets the newest. */
export const MAX_PENDING_POSES = 8;

/**
 * The browser's poses waiting for the kernel (one message in flight): `push` adds a pose (the
 * oldest goes beyond `MAX_PENDING_POSES`); `take(now)` hands over all waiting poses when
 * `readyToSend` says so, else null; `clear` forgets them.
 */
export function createPoseQueue() {
  /** @type {PendingPose[]} */ let pending = [];
  return {
    push(/** @type {PendingPose} */ pose) {
      pending.push(pose);
      if (pending.length > MAX_PENDING_POSES) pending.shift();
    },
    take(/** @type {number} */ now) {
      if (!readyToSend(pending, now)) return null;
      const frames = pending;
      pending = [];
      return frames;
    },
    clear() { pending = []; },
  };
}

/**
 * A landmarks request for one or more frames, oldest first: `t` (s) and `n` (people found)
 * per frame, and one Float32 buffer with a 33×4 pose (x, y, z, visibility; x, y normalised,
 * y down) for each frame with someone in it. `w`, `h`: frame size in px.
 * @param {number} id @param {PendingPose[]} frames
 * @returns {{ content: Record<string, unknown>, buffer: ArrayBuffer }}
 */
export function landmarksBatch(id, frames) {
  const found = frames.filter((f) => f.n > 0);
  const out = new Float32Array(found.length * 33 * 4);
  found.forEach((f, i) => out.set(f.lm.subarray(0, 33 * 4), i * 33 * 4));
  const last = frames[frames.length - 1];
  return {
    content: { type: "landmarks", id, t: frames.map((f) => f.t0 / 1000), w: last.w, h: last.h,
      n: frames.map((f) => f.n) },
    buffer: out.buffer,
  };
}

/** Blobs of the runtime files, shared by every camera view of the page (one download). */
const assetCache = new Map();

/**
 * Load the pose model into a new module Worker.
 * @param {{ request: (c: Record<string, unknown>, ms?: number) => Promise<{ msg: any, buffers: any[] }>,
 *   model: string, numPoses: number, delegate?: string, timeoutMs?: number }} opts
 * @returns {Promise<{ detect: (bitmap: ImageBitmap, t: number) => Promise<BrowserPose>,
 *   busy: () => boolean, delegate: string, loadMs: number, close: () => void }>}
 * Rejects with an Error whose message names the file or step that failed and why.
 */
export async function loadInference({ request, model, numPoses, delegate = "CPU", timeoutMs = 60000 }) {
  const start = performance.now();
  const fetchAsset = (/** @type {string} */ name) => {
    if (!assetCache.has(name)) {
      const p = request({ type: "asset", name }, timeoutMs).then(({ msg, buffers }) => {
        if (!buffers?.length) throw new Error(`the kernel sent no bytes for ${msg.filename ?? name}`);
        return { blob: new Blob([buffers[0]], { type: MIME[name] ?? "application/octet-stream" }), file: msg.filename };
      });
      p.catch(() => assetCache.delete(name)); // a failure is not cached: retry next time
      assetCache.set(name, p);
    }
    return assetCache.get(name);
  };
  const names = [...RUNTIME_ASSETS, `model:${model}`];
  const got = await Promise.all(names.map((n) => fetchAsset(n).catch((/** @type {any} */ e) => {
    throw new Error(`could not get ${n} from the kernel: ${e?.message ?? e}`);
  })));
  const [worker, bundle, loader, wasm, modelFile] = got;
  const urls = [worker, bundle, loader, wasm].map((a) => URL.createObjectURL(a.blob));
  /** @type {Worker} */ let w;
  try {
    w = new Worker(urls[0], { type: "module" });
  } catch (/** @type {any} */ e) {
    urls.forEach((u) => URL.revokeObjectURL(u));
    throw new Error(`the pose worker (pose_worker.js) could not be created: ${e?.message ?? e}`);
  }
  const modelBytes = await modelFile.blob.arrayBuffer();
  /** @type {Map<number, { resolve: (p: BrowserPose) => void, reject: (e: Error) => void }>} */
  const waiting = new Map();
  let fatal = "";
  const ready = new Promise((resolve, reject) => {
    w.onmessage = (ev) => {
      const m = ev.data;
      if (m.type === "ready") resolve(m);
      else if (m.type === "error") reject(new Error(`loading ${m.stage} failed: ${m.message}`));
      else if (m.type === "pose" || m.type === "frame_error") {
        const entry = waiting.get(m.id);
        waiting.delete(m.id);
        if (!entry) return;
        if (m.type === "pose") entry.resolve(m);
        else entry.reject(new Error(`pose worker: ${m.message}`));
      }
    };
    w.onerror = (ev) => {
      ev.preventDefault?.();
      fatal = `the pose worker (pose_worker.js) failed: ${ev.message || "script error"}`;
      reject(new Error(fatal));
      for (const entry of waiting.values()) entry.reject(new Error(fatal));
      waiting.clear();
    };
  });
  w.postMessage({ type: "init", bundleUrl: urls[1], loaderUrl: urls[2], wasmUrl: urls[3],
    wasmName: wasm.file, model: modelBytes, modelName: modelFile.file, numPoses, delegate }, [modelBytes]);
  const close = () => {
    try { w.postMessage({ type: "close" }); } catch (e) { /* already gone */ }
    setTimeout(() => w.terminate(), 1000);
    urls.forEach((u) => URL.revokeObjectURL(u));
  };
  /** @type {any} */ let info;
  try {
    info = await ready;
  } catch (e) {
    w.terminate();
    urls.forEach((u) => URL.revokeObjectURL(u));
    assetCache.clear(); // the kernel's files may be fixed before the next try
    throw e;
  }
  let nextId = 0;
  return {
    delegate: info.delegate,
    loadMs: performance.now() - start,
    busy: () => waiting.size > 0,
    detect(bitmap, t) {
      if (fatal) { bitmap.close(); return Promise.reject(new Error(fatal)); }
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ type: "frame", id, t, bitmap }, [bitmap]);
      });
    },
    close,
  };
}

/** The video's current frame at `w` × `h` px. @param {HTMLVideoElement} video @param {number} w @param {number} h */
function grabFrame(video, w, h) {
  return createImageBitmap(video, { resizeWidth: w, resizeHeight: h, resizeQuality: "low" });
}

/**
 * Feed the camera's frames to `detect` at the camera's own rate: each new video frame is
 * grabbed as an ImageBitmap (scaled to the capture size) as soon as the worker is free, so
 * at most one frame is in the worker and no frame is analysed twice.
 * @param {{ video: HTMLVideoElement, size: () => { w: number, h: number }, gapMs: () => number,
 *   detect: (bitmap: ImageBitmap, t: number) => Promise<BrowserPose>,
 *   onPose: (pose: BrowserPose, t0: number) => void, onError: (e: Error) => void,
 *   grab?: (video: HTMLVideoElement, w: number, h: number) => Promise<ImageBitmap>,
 *   now?: () => number }} opts `grab` and `now` default to createImageBitmap and
 *   performance.now (stand-ins in tests)
 * @returns {() => void} stop
 */
export function startFrameLoop({ video, size, gapMs, detect, onPose, onError, grab = grabFrame,
  now = () => performance.now() }) {
  let stopped = false;
  let busy = false;
  let lastFrame = -1; // the video frame sent last (presentedFrames, or the media time)
  let seenFrame = 0;
  let lastGrab = -1e9;
  const rvfc = typeof video.requestVideoFrameCallback === "function";
  /** @type {any} */ let handle = 0;
  const watch = () => {
    if (stopped) return;
    if (rvfc) {
      handle = video.requestVideoFrameCallback((_now, meta) => { seenFrame = meta.presentedFrames; watch(); tick(); });
    } else {
      handle = requestAnimationFrame(() => { seenFrame = video.currentTime; watch(); tick(); });
    }
  };
  async function tick() {
    if (stopped || busy || seenFrame === lastFrame || video.readyState < 2 || !video.videoWidth) return;
    const t0 = now();
    if (t0 - lastGrab < gapMs()) return;
    busy = true;
    lastFrame = seenFrame;
    lastGrab = t0;
    try {
      const { w, h } = size();
      const bitmap = await grab(video, w, h);
      if (stopped) { bitmap.close(); return; }
      const pose = await detect(bitmap, t0);
      if (!stopped) onPose(pose, t0);
    } catch (/** @type {any} */ e) {
      if (!stopped) onError(e);
    } finally {
      busy = false;
    }
    tick(); // a newer frame may have arrived while the worker ran
  }
  watch();
  return () => {
    stopped = true;
    if (rvfc) video.cancelVideoFrameCallback?.(handle);
    else cancelAnimationFrame(handle);
  };
}

/**
 * The camera view's browser inference: chooses the mode, loads the worker once per view,
 * runs the frame loop at the camera's rate, and reports on `root.dataset` (inference,
 * inferenceNote, delegate, loadMs, inferSent) for tests and benchmarks.
 * @param {{ model: { get(k: string): any }, video: HTMLVideoElement, root: HTMLElement,
 *   showBanner: (kind: string, text: string) => void,
 *   request: (c: Record<string, unknown>, ms?: number) => Promise<{ msg: any, buffers: any[] }> }} opts
 */
export function createBrowserPose({ model, video, root, showBanner, request }) {
  /** @type {any} */ let inference = null;
  /** @type {Promise<any> | null} */ let loading = null;
  let loadedFor = ""; // the settings the worker was loaded with: a change loads it again
  /** @type {(() => void) | null} */ let stopLoop = null;
  /** @type {number[]} */ const inferMs = [];
  const settings = () => [model.get("model"), model.get("max_people"), model.get("browser_delegate")].join("/");
  const size = () => {
    const scale = Math.min(1, model.get("width") / video.videoWidth, model.get("height") / video.videoHeight);
    return { w: Math.round(video.videoWidth * scale), h: Math.round(video.videoHeight * scale) };
  };
  return {
    /** The mode to run (loading the model when it is the browser). @returns {Promise<Choice>} */
    async choose(/** @type {string} */ wanted, /** @type {boolean} */ hasSource) {
      let choice = chooseInference(wanted, inferenceSupport(), hasSource, !!model.get("record_video"));
      if (loading && loadedFor !== settings()) {
        loading.then((inf) => inf.close(), () => undefined);
        loading = null;
      }
      if (choice.mode === "browser") {
        root.dataset.inference = "loading";
        showBanner("info", "Loading the pose model in this browser…");
        try {
          loadedFor = settings();
          loading ??= loadInference({ request, model: model.get("model"),
            numPoses: model.get("max_people"), delegate: model.get("browser_delegate") });
          inference = await loading;
          showBanner("info", "");
        } catch (/** @type {any} */ e) {
          loading = null;
          choice = afterLoadFailure(wanted, e?.message ?? String(e));
        }
      }
      root.dataset.inference = choice.mode;
      root.dataset.inferenceNote = choice.note;
      return choice;
    },
    /** Start the frame loop. @param {(p: BrowserPose, t0: number) => void} onPose @param {(e: Error) => void} onError */
    start(onPose, onError) {
      root.dataset.delegate = inference.delegate;
      root.dataset.loadMs = inference.loadMs.toFixed(0);
      stopLoop = startFrameLoop({
        video, size,
        gapMs: () => 1000 / Math.max(1, model.get("fps_cap")),
        detect: (b, t) => {
          root.dataset.inferSent = String(Number(root.dataset.inferSent ?? 0) + 1);
          return inference.detect(b, t);
        },
        onPose: (pose, t0) => {
          inferMs.push(pose.ms);
          if (inferMs.length > 60) inferMs.shift();
          onPose(pose, t0);
        },
        onError,
      });
    },
    stop() { stopLoop?.(); stopLoop = null; },
    /** Median time of the model per frame in the worker, ms (0 before any frame). */
    inferP50() {
      const xs = [...inferMs].sort((a, b) => a - b);
      return xs.length ? xs[Math.floor(xs.length / 2)] : 0;
    },
    dispose() {
      stopLoop?.();
      loading?.then((inf) => inf.close(), () => undefined);
    },
  };
}

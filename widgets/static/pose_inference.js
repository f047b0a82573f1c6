// Browser inference for the camera view: which mode runs (chooseInference), the pose Worker
// (loadInference: runtime files from the kernel as Blob URLs, one frame in flight, clear errors)
// and the frame loop at the camera's own rate (startFrameLoop). The pure parts are unit-tested
// in tests/pose_inference.test.mjs; the worker itself is pose_worker.js.

import { isFrame, watchCamera, watchTrack } from "./pose_capture.js";

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

/** @typedef {{ t0: number, ready: number, w: number, h: number, n: number, lm: Float32Array }} PendingPose
 * `t0`: the frame's capture time; `ready`: when its pose came out of the worker (page clock, ms) */

/** Poses per message to the kernel at the camera's rate. */
export const LANDMARKS_PER_MESSAGE = 4;
/** How long the oldest waiting pose waits for more before the poses go anyway, ms. */
export const LANDMARKS_WAIT_MS = 100;

/**
 * Whether the waiting poses should go to the kernel now: `LANDMARKS_PER_MESSAGE` of them, or
 * whatever is waiting once the oldest has waited `LANDMARKS_WAIT_MS` since it was ready (its
 * frame was captured a model's time earlier). The kernel then gets about 7 messages a second
 * at the camera's rate and never more than about 10 (each message costs the Jupyter server
 * and the kernel ~6 ms of CPU; one per pose would be ~0.17 core per learner). The skeleton
 * never waits; the kernel's numbers and feedback follow it by about a tenth of a second.
 * @param {PendingPose[]} pending @param {number} now ms on the page clock
 */
export function readyToSend(pending, now) {
  return pending.length >= LANDMARKS_PER_MESSAGE ||
    (pending.length > 0 && now - pending[0].ready >= LANDMARKS_WAIT_MS);
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
 * @returns {Promise<{ detect: (image: ImageBitmap | VideoFrame, t: number, w?: number, h?: number) => Promise<BrowserPose>,
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
    detect(image, t, width = 0, height = 0) {
      if (fatal) { image.close(); return Promise.reject(new Error(fatal)); }
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ type: "frame", id, t, image, w: width, h: height }, [image]);
      });
    },
    close,
  };
}

/**
 * Load `count` pose workers (one model each, the runtime files fetched once). Starts with the
 * ones that loaded; rejects with the first failure if none did.
 * @param {number} count @param {Parameters<typeof loadInference>[0]} opts
 */
export async function loadWorkers(count, opts) {
  const tries = await Promise.allSettled(Array.from({ length: count }, () => loadInference(opts)));
  const ok = tries.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  if (ok.length) return ok;
  throw /** @type {PromiseRejectedResult} */ (tries[0]).reason;
}

/**
 * The image for a pose worker: the track's VideoFrame as it is (the worker scales it, off the
 * page's main thread), or the video's current frame as an ImageBitmap at `w` × `h` px.
 * @param {HTMLVideoElement | VideoFrame} source @param {number} w @param {number} h
 * @returns {Promise<ImageBitmap | VideoFrame>}
 */
async function grabFrame(source, w, h) {
  if (isFrame(source)) return /** @type {VideoFrame} */ (source);
  return createImageBitmap(source, { resizeWidth: w, resizeHeight: h, resizeQuality: "low" });
}

/** @typedef {(image: ImageBitmap | VideoFrame, t: number, w: number, h: number) => Promise<BrowserPose>} Detect
 * `w` × `h`: the size the worker analyses a VideoFrame at */

/**
 * Feed the camera's frames to the pose workers at the camera's own rate: each new video frame
 * is grabbed as an ImageBitmap (scaled to the capture size) when a worker is free and goes to
 * that worker, so each worker holds at most one frame, no frame is analysed twice, and with two
 * workers one analyses a frame while the other takes the next (the model takes about a camera
 * period per frame on a laptop core). Poses are handed on in frame order: one that comes back
 * after a newer frame's pose is dropped (counted by `onDrop`). Frames come from the camera's
 * track as they are captured (`clock: "track"`, pose_capture.js watchTrack) where the browser
 * can, else as the video presents them. `t0` is the frame's capture time where the browser
 * knows it, else when it was presented (pose_capture.js frameTime), so the latency counts the
 * time a frame waited for a worker.
 * @param {{ video: HTMLVideoElement, size: () => { w: number, h: number }, gapMs: () => number,
 *   detectors: Detect[],
 *   onPose: (pose: BrowserPose, t0: number) => void, onError: (e: Error) => void,
 *   onDrop?: () => void, clock?: string,
 *   grab?: (source: any, w: number, h: number) => Promise<ImageBitmap | VideoFrame>,
 *   watch?: typeof watchTrack, now?: () => number }} opts `grab`, `watch` and `now` default
 *   to createImageBitmap, watchTrack and performance.now (stand-ins in tests)
 * @returns {() => void} stop
 */
export function startFrameLoop({ video, size, gapMs, detectors, onPose, onError, onDrop = () => {},
  clock = "track", grab = grabFrame, watch: watchTrackFn = watchTrack, now = () => performance.now() }) {
  let stopped = false;
  const free = [...detectors];
  let lastFrame = -1; // the frame sent last (a count of frames seen, or the media time)
  let seenFrame = 0;
  let seenAt = 0; // when the newest frame was captured (or presented), page clock
  let lastGrab = -1e9;
  let handedOn = -Infinity; // t0 of the newest pose handed on
  // the camera's frames as captured or presented (pose_capture.js); without either, each
  // animation frame looks at the video's current time
  const frames = watchCamera(video, clock, (t) => { seenFrame += 1; seenAt = t; tick(); }, watchTrackFn);
  /** @type {any} */ let handle = 0;
  const watch = () => {
    if (stopped || frames) return;
    handle = requestAnimationFrame(() => { seenFrame = video.currentTime; seenAt = now(); watch(); tick(); });
  };
  async function tick() {
    if (stopped || !free.length || seenFrame === lastFrame || video.readyState < 2 || !video.videoWidth) return;
    const at = now();
    if (at - lastGrab < gapMs() * 0.8) return; // 0.8: the camera's own jitter is not a skip
    const detect = /** @type {Detect} */ (free.shift());
    lastFrame = seenFrame;
    lastGrab = at;
    const t0 = Math.min(seenAt, at);
    try {
      const { w, h } = size();
      const image = await grab(frames?.take() ?? video, w, h);
      if (stopped) { image.close(); return; }
      const pose = await detect(image, t0, w, h);
      if (stopped) return;
      if (t0 > handedOn) {
        handedOn = t0;
        onPose(pose, t0);
      } else {
        onDrop();
      }
    } catch (/** @type {any} */ e) {
      if (!stopped) onError(e);
    } finally {
      free.push(detect);
    }
    tick(); // a newer frame may have arrived while the worker ran
  }
  watch();
  return () => {
    stopped = true;
    if (frames) frames.stop();
    else cancelAnimationFrame(handle);
  };
}

/**
 * The camera view's browser inference: chooses the mode, loads the workers once per view
 * (`browser_workers` of them), runs the frame loop at the camera's rate, and reports on
 * `root.dataset` (inference, inferenceNote, delegate, loadMs, workers, inferSent,
 * inferDropped) for tests and benchmarks.
 * @param {{ model: { get(k: string): any }, video: HTMLVideoElement, root: HTMLElement,
 *   showBanner: (kind: string, text: string) => void,
 *   request: (c: Record<string, unknown>, ms?: number) => Promise<{ msg: any, buffers: any[] }> }} opts
 */
export function createBrowserPose({ model, video, root, showBanner, request }) {
  /** @type {any[]} */ let workers = [];
  /** @type {Promise<any[]> | null} */ let loading = null;
  let loadedFor = ""; // the settings the worker was loaded with: a change loads it again
  /** @type {(() => void) | null} */ let stopLoop = null;
  /** @type {number[]} */ const inferMs = [];
  const settings = () => ["model", "max_people", "browser_delegate", "browser_workers"].map((k) => model.get(k)).join("/");
  const closeAll = (/** @type {Promise<any[]>} */ p) => p.then((ws) => ws.forEach((w) => w.close()), () => undefined);
  const size = () => {
    const scale = Math.min(1, model.get("width") / video.videoWidth, model.get("height") / video.videoHeight);
    return { w: Math.round(video.videoWidth * scale), h: Math.round(video.videoHeight * scale) };
  };
  return {
    /** The mode to run (loading the model when it is the browser). @returns {Promise<Choice>} */
    async choose(/** @type {string} */ wanted, /** @type {boolean} */ hasSource) {
      let choice = chooseInference(wanted, inferenceSupport(), hasSource, !!model.get("record_video"));
      if (loading && loadedFor !== settings()) {
        closeAll(loading);
        loading = null;
      }
      if (choice.mode === "browser") {
        root.dataset.inference = "loading";
        showBanner("info", "Loading the pose model in this browser…");
        try {
          loadedFor = settings();
          loading ??= loadWorkers(Math.max(1, model.get("browser_workers") ?? 1), { request,
            model: model.get("model"), numPoses: model.get("max_people"),
            delegate: model.get("browser_delegate") });
          workers = await loading;
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
      root.dataset.delegate = workers[0].delegate;
      root.dataset.loadMs = Math.max(...workers.map((w) => w.loadMs)).toFixed(0);
      root.dataset.workers = String(workers.length);
      const count = (/** @type {string} */ key) => { root.dataset[key] = String(Number(root.dataset[key] ?? 0) + 1); };
      stopLoop = startFrameLoop({
        video, size,
        gapMs: () => 1000 / Math.max(1, model.get("fps_cap")),
        clock: model.get("frame_clock"),
        detectors: workers.map((worker) => (
          /** @type {ImageBitmap | VideoFrame} */ image, /** @type {number} */ t, /** @type {number} */ w,
          /** @type {number} */ h) => {
          count("inferSent");
          return worker.detect(image, t, w, h);
        }),
        onDrop: () => count("inferDropped"),
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
      if (loading) closeAll(loading);
    },
  };
}

// Kernel-mode frame capture: which camera frames go to the kernel, at what size, where they are
// JPEG-encoded, and where each frame's time goes (a log for benchmarks; the learner never sees
// it). The pure parts are unit-tested in tests/pose_capture.test.mjs; the rest touches the DOM.

/** @typedef {{ presented: number, grabbed: number, encoded: number, sent: number,
 *   received: number }} Stamps page times of one camera frame, ms */
/** @typedef {{ t0: number, buf: ArrayBuffer, w: number, h: number, stamps: Stamps }} Prepared
 *   a frame ready to send: its time, JPEG bytes and size sent */
//
// The loop: every frame the camera presents (requestVideoFrameCallback) is a candidate; one is
// grabbed when it can be the next frame sent — nothing in flight, or the reply due before the
// camera's next frame — scaled to the size the kernel sends to the model and JPEG-encoded, on
// the page or (encode_in_worker) in a worker on an OffscreenCanvas.

/**
 * Size of the frame sent to the kernel: the video fitted into `maxW`×`maxH` and its longest side
 * cut to `maxSide` (0: no cut), never enlarged, aspect ratio kept.
 * @param {number} vw @param {number} vh video size, px
 * @param {number} maxW @param {number} maxH the widget's capture box, px
 * @param {number} maxSide longest side sent, px (0: as large as the box)
 * @returns {{ w: number, h: number }}
 */
export function sendSize(vw, vh, maxW, maxH, maxSide) {
  if (!(vw > 0 && vh > 0)) throw new RangeError(`the video has no size yet (${vw}x${vh}).`);
  const side = maxSide > 0 ? maxSide / Math.max(vw, vh) : 1;
  const scale = Math.min(1, maxW / vw, maxH / vh, side);
  return { w: Math.max(1, Math.round(vw * scale)), h: Math.max(1, Math.round(vh * scale)) };
}

/**
 * Should the frame the camera presents now be grabbed and encoded for the kernel?
 *
 * Not while the previous one is still being encoded (frames are skipped, never queued), nor
 * sooner than the frame-rate cap allows. With a frame in flight, only when the camera's next
 * frame would come after the reply is due: this one is then the freshest frame that can be
 * ready when the kernel is free, and earlier frames are not encoded for nothing.
 * @param {{ now: number, encoding: boolean, lastGrab: number, capMs: number,
 *   sentAt: number | null, rttMs: number, periodMs: number }} s times in ms; `sentAt` is when
 *   the frame in flight left (null: none); `rttMs` the median round trip (0: not known yet);
 *   `periodMs` the camera's frame period
 * @returns {boolean}
 */
export function shouldGrab({ now, encoding, lastGrab, capMs, sentAt, rttMs, periodMs }) {
  if (encoding) return false;
  if (now - lastGrab < capMs * 0.8) return false; // 0.8: the camera's own jitter is not a skip
  if (sentAt === null || !(rttMs > 0)) return true;
  return now + periodMs >= sentAt + rttMs;
}

/**
 * Where one frame's time went, ms, from the stamps the page took and the kernel's timings.
 *
 * `presented` is when the camera's frame reached the page (requestVideoFrameCallback);
 * `grabbed` when the page took it; `encoded` when its JPEG was ready; `sent`/`received` the
 * request and the reply; `drawn` when the overlay was painted. The kernel reports `kernel_ms`
 * (its whole share), `decode_ms`, `infer_ms` (the pose model) and `proc_ms` (the engine,
 * model included).
 * @param {{ presented: number, grabbed: number, encoded: number, sent: number,
 *   received: number, drawn: number }} p page stamps, ms
 * @param {{ kernel_ms?: number, decode_ms?: number, infer_ms?: number, proc_ms?: number }} k
 * @returns {Record<string, number>}
 */
export function stageTimes(p, k) {
  const kernel = k.kernel_ms ?? 0, decode = k.decode_ms ?? 0, infer = k.infer_ms ?? 0;
  const proc = k.proc_ms ?? 0;
  return {
    wait: p.grabbed - p.presented, // the frame waited for the page to take it
    encode: p.encoded - p.grabbed,
    queue: p.sent - p.encoded, // encoded, waiting for the kernel to be free
    transport: p.received - p.sent - kernel, // both ways, with (de)serialising
    decode,
    infer,
    engine: proc - infer, // smoothing, angles, protocol
    kernel_other: kernel - decode - proc, // parsing the request, building the reply
    draw: p.drawn - p.received, // until the overlay was painted (decoding a source's frame too)
    total: p.drawn - p.presented,
  };
}

/**
 * A bounded log of per-frame stage times (oldest dropped past `cap`).
 * @param {number} [cap]
 */
export function createStageLog(cap = 20000) {
  /** @type {Record<string, number>[]} */ const rows = [];
  return {
    rows,
    /** @param {Record<string, number>} row */
    push(row) {
      rows.push(row);
      if (rows.length > cap) rows.shift();
    },
  };
}

/**
 * Call `onFrame(ms)` for each frame the video presents (requestVideoFrameCallback), with the
 * frame's capture time where the browser knows it (camera frames in Chromium), else the time
 * it was presented, on the page clock. Returns a function that stops it, or null where the
 * browser lacks requestVideoFrameCallback (then poll on a timer instead).
 * @param {HTMLVideoElement} video @param {(ms: number) => void} onFrame
 * @returns {(() => void) | null}
 */
export function watchFrames(video, onFrame) {
  const v = /** @type {any} */ (video);
  if (typeof v.requestVideoFrameCallback !== "function") return null;
  let handle = 0;
  let on = true;
  const cb = (/** @type {number} */ now, /** @type {any} */ meta) => {
    if (!on) return;
    handle = v.requestVideoFrameCallback(cb);
    onFrame(frameTime(now, meta));
  };
  handle = v.requestVideoFrameCallback(cb);
  return () => { on = false; v.cancelVideoFrameCallback(handle); };
}

/**
 * The camera's frames the moment they are captured, from a clone of the video's track through
 * MediaStreamTrackProcessor (Chromium): on a busy page `requestVideoFrameCallback` reports a
 * frame at the page's next rendering, ~12 ms after its capture on the benchmark page, where the
 * track's reader has it ~3 ms after (same page, same frames). `onFrame(t)` is called for each
 * frame with its capture time on the page clock; `take()` gives the newest frame (a VideoFrame
 * the caller must close) or null. A frame's own timestamp is its capture time on the camera's
 * clock; its offset to the page clock is the smallest (arrival - timestamp) seen so far, so the
 * times are late by at most the fastest delivery (~0.3 ms once a few frames have arrived).
 * Returns null where the browser has no MediaStreamTrackProcessor or the video no live track.
 * @param {HTMLVideoElement} video @param {(ms: number) => void} onFrame
 * @param {{ now?: () => number, Processor?: any }} [env] stand-ins in tests
 * @returns {{ take: () => any, stop: () => void } | null}
 */
export function watchTrack(video, onFrame, env = {}) {
  const Processor = env.Processor ?? /** @type {any} */ (globalThis).MediaStreamTrackProcessor;
  const now = env.now ?? (() => performance.now());
  const stream = /** @type {any} */ (video.srcObject);
  const source = typeof stream?.getVideoTracks === "function" ? stream.getVideoTracks()[0] : null;
  if (typeof Processor !== "function" || !source || source.readyState === "ended") return null;
  const track = source.clone();
  let reader;
  try {
    reader = new Processor({ track }).readable.getReader();
  } catch (e) {
    track.stop();
    return null;
  }
  /** @type {any} */ let latest = null;
  let offset = Infinity;
  let on = true;
  (async () => {
    while (on) {
      let got;
      try { got = await reader.read(); } catch (e) { break; }
      if (got.done) break;
      const frame = got.value;
      if (!on) { frame.close(); break; }
      const at = now();
      offset = Math.min(offset, at - frame.timestamp / 1000);
      latest?.close();
      latest = frame;
      onFrame(Math.min(at, frame.timestamp / 1000 + offset));
    }
  })();
  return {
    take: () => (latest ? latest.clone() : null),
    stop() {
      on = false;
      reader.cancel().catch(() => undefined);
      latest?.close();
      latest = null;
      track.stop();
    },
  };
}

/**
 * The camera's frames for a capture loop: from the track as captured (`clock: "track"`, where
 * the browser can read it: watchTrack), else as the video presents them (watchFrames).
 * `onFrame(t)` gets each frame's capture time on the page clock; `take()` the newest frame as
 * a VideoFrame the caller closes, or null when frames are read from the video element itself.
 * Null where the browser offers neither (then poll the video on a timer).
 * @param {HTMLVideoElement} video @param {string} clock @param {(ms: number) => void} onFrame
 * @param {typeof watchTrack} [readTrack] watchTrack (a stand-in in tests)
 * @returns {{ kind: "track" | "video", take: () => any, stop: () => void } | null}
 */
export function watchCamera(video, clock, onFrame, readTrack = watchTrack) {
  const track = clock === "track" ? readTrack(video, onFrame) : null;
  if (track) return { kind: "track", take: track.take, stop: track.stop };
  const stop = watchFrames(video, onFrame);
  return stop ? { kind: "video", take: () => null, stop } : null;
}

/**
 * The time of a presented video frame, ms on the page clock: its capture time if known, else
 * its presentation time, never later than the callback's `now`.
 * @param {number} now @param {{ captureTime?: number, presentationTime?: number } | undefined} meta
 */
export function frameTime(now, meta) {
  const t = meta?.captureTime ?? meta?.presentationTime ?? now;
  return Number.isFinite(t) ? Math.min(now, t) : now;
}

// The encoder worker: draws each frame (VideoFrame or ImageBitmap, transferred) into an
// OffscreenCanvas at the requested size and answers with the JPEG bytes (transferred back).
const WORKER_SOURCE = `
let canvas = null, ctx = null;
self.onmessage = async (e) => {
  const { id, frame, w, h, quality } = e.data;
  try {
    if (!canvas || canvas.width !== w || canvas.height !== h) {
      canvas = new OffscreenCanvas(w, h);
      ctx = canvas.getContext("2d");
    }
    ctx.drawImage(frame, 0, 0, w, h);
    frame.close();
    const blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
    const buf = await blob.arrayBuffer();
    self.postMessage({ id, buf }, [buf]);
  } catch (err) {
    try { frame.close(); } catch (e2) { /* already closed */ }
    self.postMessage({ id, error: String(err && err.message || err) });
  }
};`;

/** A VideoFrame (closable), not the video element. @param {any} source */
export const isFrame = (source) => typeof source?.close === "function";

/** Whether this browser can encode frames in a worker (Worker + OffscreenCanvas JPEG). */
export function canEncodeInWorker() {
  const g = /** @type {any} */ (globalThis);
  return typeof g.Worker === "function" && typeof g.OffscreenCanvas === "function" &&
    typeof g.OffscreenCanvas.prototype.convertToBlob === "function" &&
    (typeof g.VideoFrame === "function" || typeof g.createImageBitmap === "function");
}

/**
 * A JPEG encoder for video frames: in a worker when the browser can (the main thread only
 * wraps the frame, ~1 ms), otherwise on a canvas of the page (11-15 ms of main thread per
 * 640×480 frame in software).
 * @param {{ worker: boolean }} opts
 * `encode` takes the video element or a VideoFrame (which it closes).
 * @returns {{ kind: string, encode(source: HTMLVideoElement | VideoFrame, w: number, h: number,
 *   quality: number): Promise<ArrayBuffer>, dispose(): void }}
 */
export function createEncoder({ worker }) {
  if (worker && canEncodeInWorker()) {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    const w = new Worker(url);
    URL.revokeObjectURL(url);
    /** @type {Map<number, { resolve: Function, reject: Function }>} */ const pending = new Map();
    let next = 0;
    w.onmessage = (e) => {
      const p = pending.get(e.data.id);
      if (!p) return;
      pending.delete(e.data.id);
      if (e.data.error) p.reject(new Error(`frame encoder: ${e.data.error}`));
      else p.resolve(e.data.buf);
    };
    w.onerror = (e) => {
      for (const p of pending.values()) p.reject(new Error(`frame encoder failed: ${e.message}`));
      pending.clear();
    };
    const g = /** @type {any} */ (globalThis);
    return {
      kind: "worker",
      async encode(source, width, height, quality) {
        const frame = isFrame(source) ? source
          : typeof g.VideoFrame === "function" ? new g.VideoFrame(source) : await createImageBitmap(source);
        const id = ++next;
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve, reject });
          w.postMessage({ id, frame, w: width, h: height, quality }, [frame]);
        });
      },
      dispose() {
        w.terminate();
        for (const p of pending.values()) p.reject(new Error("frame encoder closed"));
        pending.clear();
      },
    };
  }
  const canvas = document.createElement("canvas");
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  return {
    kind: "main",
    async encode(source, width, height, quality) {
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      try {
        ctx.drawImage(source, 0, 0, width, height);
      } finally {
        if (isFrame(source)) /** @type {any} */ (source).close();
      }
      const blob = await new Promise((res) => canvas.toBlob(res, "image/jpeg", quality));
      if (!blob) throw new Error("the browser could not encode the frame as JPEG");
      return /** @type {Blob} */ (blob).arrayBuffer();
    },
    dispose() { /* nothing held */ },
  };
}

/**
 * Start the kernel-mode capture loop of one camera view: on each frame the camera captures
 * (`clock: "track"`, watchTrack) or presents (`"video"`, or where the browser cannot read the
 * track), or on a timer (`"timer"`, or without either), grab it if
 * `shouldGrab` says so, encode it at `sendSize` and hand it to `onReady`. If the worker cannot
 * encode, the loop goes on encoding on the page. Returns `{ stop }`.
 * @param {{ video: HTMLVideoElement,
 *   settings: () => { fpsCap: number, width: number, height: number, maxSide: number,
 *     quality: number, worker: boolean, clock: string },
 *   wanted: () => boolean, inFlightSince: () => number | null, rttMs: () => number,
 *   onReady: (p: Prepared) => void, onError: (text: string) => void,
 *   show: (key: string, value: string) => void }} deps
 */
export function startKernelCapture({ video, settings, wanted, inFlightSince, rttMs, onReady, onError, show }) {
  const first = settings();
  let encoder = createEncoder({ worker: first.worker });
  show("encoder", encoder.kind);
  let encoding = false;
  let lastGrab = -1e9;
  let lastFrame = -1;
  let stopped = false;
  /** @type {number[]} */ const periods = [];

  const onCameraFrame = () => {
    if (stopped || !wanted() || video.readyState < 2 || !video.videoWidth) return;
    const now = performance.now();
    const capMs = 1000 / Math.max(1, settings().fpsCap);
    const sentAt = inFlightSince();
    const periodMs = periods.length ? [...periods].sort((a, b) => a - b)[periods.length >> 1] : capMs;
    if (shouldGrab({ now, encoding, lastGrab, capMs, sentAt, rttMs: rttMs(), periodMs })) grab(now);
  };

  const grab = async (/** @type {number} */ now) => {
    const enc = encoder;
    encoding = true;
    lastGrab = now;
    const s = settings();
    // the frame's own time: when the camera captured it (or now, without a frame clock)
    const presented = lastFrame > 0 && lastFrame <= now ? lastFrame : now;
    const { w, h } = sendSize(video.videoWidth, video.videoHeight, s.width, s.height, s.maxSide);
    try {
      const buf = await enc.encode(frames?.take() ?? video, w, h, s.quality);
      if (stopped) return;
      const stamps = { presented, grabbed: now, encoded: performance.now(), sent: 0, received: 0 };
      encoding = false;
      onReady({ t0: presented, buf, w, h, stamps });
    } catch (/** @type {any} */ err) {
      if (stopped) return;
      if (enc.kind === "worker" && encoder === enc) {
        // the worker could not encode (no OffscreenCanvas JPEG, a policy): encode on the page
        console.warn(`PoseCamera: ${err.message}; encoding frames on the page instead.`);
        enc.dispose();
        encoder = createEncoder({ worker: false });
        show("encoder", encoder.kind);
      } else {
        onError(`Could not encode the camera frame: ${err.message}`);
      }
    } finally {
      encoding = false;
    }
  };

  const byFrames = first.clock !== "timer";
  const onFrame = (/** @type {number} */ t) => {
    if (lastFrame > 0) periods.push(t - lastFrame);
    if (periods.length > 30) periods.shift();
    lastFrame = t;
    if (byFrames) onCameraFrame();
  };
  // "timer" polls the video, still noting when frames were presented (their times)
  const frames = watchCamera(video, first.clock, onFrame);
  show("clock", !byFrames || !frames ? "timer" : frames.kind);
  const timer = !byFrames || !frames
    ? setInterval(onCameraFrame, 1000 / Math.max(1, first.fpsCap))
    : null;
  return {
    stop() {
      stopped = true;
      frames?.stop();
      if (timer !== null) clearInterval(timer);
      encoder.dispose();
    },
  };
}

// PoseCamera view: camera -> JPEG -> kernel (one frame in flight) -> landmarks -> overlay; or, in
// browser inference, camera -> pose Worker -> overlay at once, landmarks -> kernel -> feedback.
// Plain ES module for anywidget; widgets/_esm.py inlines the sibling modules it imports, because
// anywidget loads the view from a string. Traits carry settings and the kernel's state
// (`status`, `error`, `result` are written by the kernel only); custom messages carry frames,
// poses and the camera's state (see pose_messages.js and widgets/_messages.py).

import { createStageLog, sendSize, stageTimes, startKernelCapture } from "./pose_capture.js";
import { h } from "./pose_dom.js";
import { feedbackText, paintOverlay } from "./pose_draw.js";
import { createBrowserPose, createPoseQueue, landmarksBatch } from "./pose_inference.js";
import { cameraConstraints, listCameras, openCamera } from "./pose_media.js";
import { cameraError, cameraReport, createRequester, frameRequest, poseParts } from "./pose_messages.js";
import { posterView } from "./pose_poster.js";
import { createReplay } from "./pose_replay.js";
import { bannerKind, createStreamStats, isLive, pct, replyTimeout, step } from "./pose_state.js";
import { BUSY_MESSAGE, OTHER_VIEW, createView, statsLine } from "./pose_view.js";


/** @typedef {{ get(k: string): any, set(k: string, v: any): void, save_changes(): void,
 *   on(ev: string, cb: Function): void, off(ev: string, cb?: Function): void,
 *   send(content: object, callbacks?: any, buffers?: ArrayBuffer[]): void }} Model */
/** @typedef {import("./pose_capture.js").Stamps} Stamps */
/** @typedef {{ lm: Float32Array | null, msg: any, t0: number, drawn: boolean,
 *   frame: ImageBitmap | null, stamps: Stamps | null, row: number[] | null }} Latest */

/** Longest wait for a recorded take or one of its frames, ms. */
const REPLAY_TIMEOUT_MS = 10000;

/** @param {{ model: Model, el: HTMLElement }} ctx */
function render({ model, el }) {
  const viewId = Math.random().toString(36).slice(2);
  const root = h("div", "rfl-cam");
  root.dataset.frames = "0";
  root.dataset.landmarks = "0";
  root.dataset.drawn = "0";
  root.dataset.status = "idle";
  root.dataset.state = "idle";
  /** @type {any} */ (root).rflLatencies = [];
  // per answered frame, for benchmarks (ms, page clock): [id, capture, encoded, sent, answered, drawn]
  /** @type {number[][]} */ const trace = /** @type {any} */ (root).rflTrace = [];
  // where each camera frame's time went, for benchmarks (never shown to the learner)
  const stageLog = createStageLog();
  /** @type {any} */ (root).rflStages = stageLog.rows;
  el.appendChild(root);

  // --- DOM (pose_view.js) -------------------------------------------------------------------
  const view = createView(root);
  const { startBtn, camSelect, mirrorBox, recBtn, stats, stage, video, frameCanvas, overlay,
    banner, note, feedback, takesBox, poster, showBanner, octx, fctx } = view;

  // --- state -------------------------------------------------------------------------------
  /** @type {MediaStream | null} */ let stream = null;
  let state = "idle"; // pose_state.js
  let mode = "camera";
  /** @type {{ id: number, t0: number, sent: number, timer: any, stamps: Stamps | null } | null} */
  let inFlight = null;
  let nextId = 0;
  const newId = () => ++nextId;
  let lastSend = -1e9;
  let answered = false;
  /** @type {any} */ let pumpTimer = null;
  /** @type {any} */ let pingTimer = null;
  /** @type {Latest | null} */ let latest = null;
  const timings = createStreamStats(); // fps, latency, encoding and kernel times (pose_state.js)
  let raf = 0;
  let disposed = false;
  // browser inference (pose_inference.js): poses waiting for the kernel, four to a message
  let inferMode = "kernel";
  const pendingLm = createPoseQueue();
  /** @type {any} */ let kernelMsg = null;
  const running = () => isLive(state);

  /** Write traits the browser owns (never status, error or result: the kernel writes those). */
  const setTraits = (/** @type {Record<string, any>} */ kv) => {
    let changed = false;
    for (const [k, v] of Object.entries(kv)) {
      if (model.get(k) !== v) { model.set(k, v); changed = true; }
    }
    if (changed) { try { model.save_changes(); } catch (e) { /* model closed with kernel */ } }
  };
  const send = (/** @type {object} */ content, /** @type {ArrayBuffer[]} */ buffers = []) => {
    model.send(content, undefined, buffers);
  };
  /** Show a status in the page (the camera's state or the pipeline's status of a frame). */
  const showStatus = (/** @type {string} */ status, /** @type {string} */ message = "") => {
    root.dataset.status = status;
    showBanner(bannerKind(status, message), message);
  };
  /**
   * Apply a state-machine event: the page shows the new state and the kernel hears the
   * report, if any (it sets `status`/`error`). Returns whether the state changed.
   * @param {import("./pose_state.js").Event} event @param {string} [message]
   */
  const go = (event, message = "") => {
    const next = step(state, event);
    if (next.state === state) return false;
    state = next.state;
    root.dataset.state = state;
    showStatus(state, message);
    if (next.report) {
      try { send(cameraReport(newId(), next.report)); } catch (e) { /* comm gone with the kernel */ }
    }
    return true;
  };
  const setIndicator = () => {
    const on = running();
    view.showControls({ live: on, mode, source: model.get("source") ?? "", record: !!model.get("record") });
    const v = posterView({ live: on, mode, source: model.get("source") ?? "",
      poster: model.get("poster") ?? "", played: Number(root.dataset.frames),
      inference: model.get("inference") });
    stage.hidden = !v.stage;
    poster.show(v);
  };

  // --- camera ------------------------------------------------------------------------------
  async function startCamera() {
    stream = await openCamera(cameraConstraints({ width: model.get("width"), height: model.get("height"),
      fpsCap: model.get("fps_cap"), deviceId: model.get("device_id") }));
    if (disposed || state !== "starting") { stopTracks(); return; }
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    listCameras(camSelect, stream).catch(() => undefined);
  }

  function stopTracks() {
    stopCapture();
    stream?.getTracks().forEach((tr) => tr.stop());
    stream = null;
    video.srcObject = null;
  }

  async function start() {
    const wanted = model.get("source") ? "source" : "camera";
    if (!go({ type: "start" }, wanted === "camera" ? "Opening the camera…" : "Opening the video…")) return;
    mode = wanted;
    setTraits({ active_view: viewId });
    try {
      if (mode === "camera") await startCamera();
    } catch (/** @type {any} */ err) {
      const { code, detail } = cameraError(err, location.port);
      root.dataset.error = code;
      go({ type: "failed", code, detail }, detail);
      setIndicator();
      return;
    }
    if (disposed || state !== "starting") return; // stopped or closed while the camera opened
    const choice = await chooseAndLoad();
    if (disposed || state !== "starting") return;
    if (choice.mode === "error") {
      stopTracks();
      root.dataset.error = "inference";
      go({ type: "failed", code: "inference", detail: choice.note }, choice.note);
      setIndicator();
      return;
    }
    video.hidden = mode !== "camera";
    frameCanvas.hidden = mode === "camera";
    go({ type: "opened" });
    updateStats();
    note.hidden = !choice.note;
    note.textContent = choice.note ? `ℹ ${choice.note}` : "";
    setIndicator();
    if (inferMode === "browser") browserPose.start(onBrowserPose, (e) => showBanner("err", `Pose in the browser failed: ${e.message}`));
    else if (mode === "camera") startCapture(); // kernel inference: frames to the kernel
    pump();
  }

  // --- browser inference: the pose model in a Worker, landmarks to the kernel -------------
  /** Pick the inference mode and load the browser model if it is chosen (pose_inference.js). */
  async function chooseAndLoad() {
    const choice = await browserPose.choose(model.get("inference"), mode !== "camera");
    inferMode = choice.mode;
    setTraits({ inference_active: inferMode });
    return choice;
  }

  /** The browser's own pose of a frame: drawn at once, sent to the kernel for feedback. */
  function onBrowserPose(/** @type {import("./pose_inference.js").BrowserPose} */ pose, /** @type {number} */ t0) {
    timings.answered(performance.now());
    sizeCanvases(pose.w, pose.h);
    if (pose.found) root.dataset.landmarks = String(Number(root.dataset.landmarks) + 1);
    latest = { lm: pose.found ? pose.lm : null, msg: kernelMsg ?? {}, t0, drawn: false, frame: null, stamps: null, row: null };
    paint();
    pendingLm.push({ t0, ready: performance.now(), w: pose.w, h: pose.h, n: pose.n, lm: pose.lm });
    sendLandmarks();
  }

  /** The waiting landmarks as one message (one in flight; pose_inference.js paces them). */
  function sendLandmarks() {
    const frames = inFlight || state !== "streaming" ? null : pendingLm.take(performance.now());
    if (!frames) return;
    const id = newId();
    const { content, buffer } = landmarksBatch(id, frames);
    root.dataset.bytesUp = String(Number(root.dataset.bytesUp ?? 0) + buffer.byteLength);
    transmit(id, frames[frames.length - 1].t0, content, buffer.byteLength ? [buffer] : []);
  }

  /** @param {import("./pose_state.js").Event} event @param {string} [message] */
  function stop(event = { type: "stop" }, message = "") {
    browserPose.stop();
    pendingLm.clear();
    kernelMsg = null;
    if (inFlight) clearTimeout(inFlight.timer);
    inFlight = null;
    clearTimeout(pumpTimer);
    prepared = null;
    clearInterval(pingTimer);
    pingTimer = null;
    stopTracks();
    latest = null;
    octx.clearRect(0, 0, overlay.width, overlay.height);
    go(event, message);
    setIndicator();
  }

  // --- streaming: one frame in flight ------------------------------------------------------
  function schedule(/** @type {number} */ ms) {
    clearTimeout(pumpTimer);
    pumpTimer = setTimeout(pump, Math.max(0, ms));
  }

  /** @type {import("./pose_capture.js").Prepared | null} */ let prepared = null;
  /** @type {number[]} */ const roundTrips = [];
  /** @type {ReturnType<typeof startKernelCapture> | null} */ let capture = null;

  // Camera frames to the kernel (pose_capture.js): grabbed as the camera presents them, scaled
  // to `send_max_side`, JPEG-encoded while the kernel analyses the previous one.
  // Still ONE frame in flight: a frame encoded while the kernel is busy waits for the reply.
  function startCapture() {
    stopCapture();
    capture = startKernelCapture({
      video,
      settings: () => ({ fpsCap: model.get("fps_cap"), width: model.get("width"),
        height: model.get("height"), maxSide: model.get("send_max_side"),
        quality: model.get("jpeg_quality"), worker: !!model.get("encode_in_worker"),
        clock: model.get("frame_clock") }),
      wanted: () => state === "streaming" && !disposed && mode === "camera",
      inFlightSince: () => (inFlight ? inFlight.sent : null),
      rttMs: () => (roundTrips.length ? pct(roundTrips, 50) : 0),
      onReady: (p) => {
        timings.encoded(p.stamps.encoded - p.stamps.grabbed);
        prepared = p;
        sendPrepared();
      },
      onError: (text) => { if (running()) showBanner("err", text); },
      show: (key, value) => { root.dataset[key] = value; },
    });
  }

  function stopCapture() {
    capture?.stop();
    capture = null;
  }

  function sendPrepared() {
    if (state !== "streaming" || inFlight || !prepared) return;
    const p = prepared;
    prepared = null;
    const id = newId();
    root.dataset.bytesUp = String(Number(root.dataset.bytesUp ?? 0) + p.buf.byteLength);
    // the overlay keeps the video's own size: landmarks are normalised, whatever size was sent
    const shown = sendSize(video.videoWidth || p.w, video.videoHeight || p.h,
      model.get("width"), model.get("height"), 0);
    sizeCanvases(shown.w, shown.h);
    p.stamps.sent = performance.now();
    // w, h: the size captured, which the pose's pixel units refer to (the JPEG may be smaller)
    transmit(id, p.t0, frameRequest(id, p.t0, shown.w, shown.h), [p.buf], p.stamps);
  }

  /** @param {number} id @param {number} t0 @param {any} content @param {ArrayBuffer[]} buffers
   * @param {Stamps | null} [stamps] */
  function transmit(id, t0, content, buffers, stamps = null) {
    inFlight = { id, t0, sent: performance.now(), timer: null, stamps };
    lastSend = t0;
    // the first frame also loads the pose model in the kernel: give it longer
    const limit = answered
      ? replyTimeout(model.get("timeout_ms"), roundTrips)
      : Math.max(15000, model.get("timeout_ms"));
    inFlight.timer = setTimeout(() => onTimeout(id), limit);
    try {
      send(content, buffers);
    } catch (e) {
      onTimeout(id);
    }
  }

  function pump() {
    if (state !== "streaming" || inFlight || disposed) return;
    if (mode === "camera" && inferMode === "browser") return sendLandmarks();
    if (mode === "camera") {
      sendPrepared(); // or the next camera frame will be sent once encoded
      return;
    }
    const gap = 1000 / Math.max(1, model.get("fps_cap"));
    const now = performance.now();
    if (now - lastSend < gap) return schedule(gap - (now - lastSend));
    const id = newId();
    transmit(id, now, { type: "next", id }, []);
  }

  /** Overlay and frame canvas at a frame's size (px), in a stage of the capture box's shape. */
  function sizeCanvases(/** @type {number} */ w, /** @type {number} */ hh) {
    view.sizeCanvases(w, hh, model.get("width"), model.get("height"));
  }

  function onTimeout(/** @type {number} */ id) {
    if (!inFlight || inFlight.id !== id) return;
    inFlight = null;
    prepared = null;
    root.dataset.timeouts = String(Number(root.dataset.timeouts ?? 0) + 1);
    if (!go({ type: "timeout" }, BUSY_MESSAGE)) return;
    clearInterval(pingTimer);
    pingTimer = setInterval(() => {
      try { send({ type: "ping", id: newId() }); } catch (e) { /* comm gone */ }
    }, model.get("timeout_ms"));
  }

  function resume() {
    if (!go({ type: "answer" })) return;
    clearInterval(pingTimer);
    pingTimer = null;
    schedule(0);
  }

  /** @param {any} msg @param {any[]} buffers */
  async function onMessage(msg, buffers) {
    if (!msg || typeof msg !== "object") return;
    if (requests.settle(msg, buffers)) return; // a reply to a replay request
    if (msg.type === "command") {
      const active = model.get("active_view");
      if (msg.action === "start" && !running() && (!active || active === viewId)) start();
      if (msg.action === "stop" && running()) { setTraits({ active_view: "" }); stop(); }
      return;
    }
    if (!running()) return;
    if (msg.type === "pong" || !inFlight || msg.id !== inFlight.id) {
      resume(); // a late reply or a pong: the kernel answers again
      return;
    }
    clearTimeout(inFlight.timer);
    if (answered) {
      roundTrips.push(performance.now() - inFlight.sent);
      if (roundTrips.length > 30) roundTrips.shift();
    }
    answered = true;
    const t0 = inFlight.t0;
    const stamps = inFlight.stamps;
    if (stamps) stamps.received = performance.now();
    const row = [msg.id, t0, stamps?.encoded ?? t0, inFlight.sent, performance.now(), NaN];
    if (trace.length < 200000) trace.push(row);
    inFlight = null;
    resume();
    if (inferMode !== "browser" || mode !== "camera") timings.answered(performance.now());
    root.dataset.frames = String(Number(root.dataset.frames) + 1);
    if (msg.type === "error") {
      root.dataset.lastError = msg.code;
      showBanner("err", `Kernel error (${msg.code}): ${msg.message}`);
    } else if (msg.type === "ended") {
      stop({ type: "ended" }, "End of the video.");
      return;
    } else if (msg.type === "pose") {
      timings.kernel(msg.proc_ms);
      const parts = poseParts(msg, buffers);
      /** @type {ImageBitmap | null} */ let frame = null;
      if (parts.frame) {
        frame = await createImageBitmap(new Blob([parts.frame], { type: "image/jpeg" }));
        sizeCanvases(frame.width, frame.height);
      }
      if (mode === "camera" && inferMode === "browser") {
        kernelMsg = msg; // the browser drew its own landmarks already; numbers and feedback follow
        if (latest) latest.msg = msg;
      } else {
        if (parts.landmarks) root.dataset.landmarks = String(Number(root.dataset.landmarks) + 1);
        latest = { lm: parts.landmarks, msg, t0, drawn: false, frame, stamps, row };
      }
      // the kernel sets the status trait from the same frame; the page only shows it
      const status = msg.status || (parts.landmarks ? "streaming" : "no_person");
      if (status !== root.dataset.status || (msg.message && banner.textContent.indexOf(msg.message) < 0)) {
        showStatus(status, msg.message || "");
      }
      const text = feedbackText(msg.feedback);
      feedback.hidden = text === null;
      if (text !== null) feedback.textContent = text;
    }
    if (running()) pump();
    paint(); // at once, as the browser's own poses are: the display shows it at its next frame
  }

  // --- drawing: at once when a pose arrives; again at display rate after a resize or mirror --
  function draw() {
    raf = requestAnimationFrame(draw);
    paint();
  }

  function paint() {
    const r = latest;
    if (!r || r.drawn) return;
    r.drawn = true;
    const w = overlay.width, hh = overlay.height;
    if (r.frame) {
      fctx.drawImage(r.frame, 0, 0, w, hh);
      r.frame.close();
    }
    paintOverlay(octx, r.lm, r.msg, { mirror: !!model.get("mirror"), showAngles: !!model.get("show_angles") });
    if (r.lm) root.dataset.drawn = String(Number(root.dataset.drawn) + 1);
    const now = performance.now();
    if (r.stamps) stageLog.push(stageTimes({ ...r.stamps, drawn: now }, r.msg));
    if (r.row) r.row[5] = now;
    const latency = now - r.t0;
    timings.latency(latency);
    // every latency of the session (for benchmarks), capped to bound memory
    const all = /** @type {any} */ (root).rflLatencies;
    if (all.length < 200000) all.push(latency);
  }

  // the stats line (fps, latency, where the pose runs): every second, and once when streaming
  // starts, so it says at once where the pose runs
  function updateStats() {
    const now = performance.now();
    const { fps, p50, p95, encodeP50, kernelP50 } = timings.figures(now);
    const shown = { fps, latencyP50: p50, latencyP95: p95, encodeP50, kernelP50, inferP50: browserPose.inferP50() };
    for (const [k, v] of Object.entries(shown)) root.dataset[k] = v.toFixed(1);
    stats.textContent = statsLine({ live: running(), fps, p50, p95, inferMode });
    if (running() && model.get("active_view") === viewId) {
      setTraits({ fps: Math.round(fps * 10) / 10, latency_p50_ms: Math.round(p50 * 10) / 10,
        latency_p95_ms: Math.round(p95 * 10) / 10 });
    }
  }
  const statsTimer = setInterval(updateStats, 1000);

  // --- recorded takes ----------------------------------------------------------------------
  const requests = createRequester({ send: (c) => send(c), nextId: newId, timeoutMs: REPLAY_TIMEOUT_MS });
  const browserPose = createBrowserPose({ model, video, root, showBanner,
    request: (c, ms) => requests.request(c, ms) });
  const replay = createReplay({ model, box: takesBox, request: (c) => requests.request(c) });

  // --- wiring ------------------------------------------------------------------------------
  const onStart = () => (running() ? (setTraits({ active_view: "" }), stop()) : start());
  const onRecord = () => { setTraits({ record: !model.get("record") }); setIndicator(); };
  const onMirror = () => { setTraits({ mirror: mirrorBox.checked }); applyMirror(); };
  const onCamera = () => {
    setTraits({ device_id: camSelect.value });
    if (running() && mode === "camera") { stop(); start(); }
  };
  const applyMirror = () => {
    view.showMirror(!!model.get("mirror"));
    if (latest) latest.drawn = false;
  };
  const onActiveView = () => {
    const active = model.get("active_view");
    if (running() && active && active !== viewId) stop({ type: "other_view" }, OTHER_VIEW);
  };
  const onSource = () => { if (running()) stop(); setIndicator(); };
  // One table each, so that cleanup removes exactly what was added.
  /** @type {[HTMLElement, string, EventListener][]} */
  const domListeners = [
    [startBtn, "click", onStart],
    [recBtn, "click", onRecord],
    [mirrorBox, "change", onMirror],
    [camSelect, "change", onCamera],
  ];
  /** @type {[string, Function][]} */
  const modelListeners = [
    ["msg:custom", onMessage],
    ["change:mirror", applyMirror],
    ["change:active_view", onActiveView],
    ["change:record", setIndicator],
    ["change:source", onSource],
    ["change:poster", setIndicator],
  ];
  for (const [el, ev, fn] of domListeners) el.addEventListener(ev, fn);
  for (const [ev, fn] of modelListeners) model.on(ev, fn);
  applyMirror();
  setIndicator();
  sizeCanvases(model.get("width"), model.get("height"));
  raf = requestAnimationFrame(draw);

  const other = model.get("active_view");
  if (other && other !== viewId) {
    go({ type: "other_view" }, OTHER_VIEW);
  } else if (model.get("autostart")) {
    start();
  }

  return () => {
    disposed = true;
    if (state !== "idle") stop();
    stopTracks();
    cancelAnimationFrame(raf);
    clearInterval(statsTimer);
    clearInterval(pingTimer);
    clearTimeout(pumpTimer);
    stopCapture();
    replay.dispose();
    requests.dispose();
    browserPose.dispose();
    for (const [el, ev, fn] of domListeners) el.removeEventListener(ev, fn);
    for (const [ev, fn] of modelListeners) model.off(ev, fn);
    if (model.get("active_view") === viewId) setTraits({ active_view: "" });
  };
}

export default { render };

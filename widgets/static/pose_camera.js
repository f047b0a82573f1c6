// PoseCamera view: camera -> JPEG -> kernel (one frame in flight) -> landmarks -> overlay.
// Plain ES module for anywidget. Traits are the state; custom messages carry frames and poses.

/** @typedef {{ get(k: string): any, set(k: string, v: any): void, save_changes(): void,
 *   on(ev: string, cb: Function): void, off(ev: string, cb?: Function): void,
 *   send(content: object, callbacks?: any, buffers?: ArrayBuffer[]): void }} Model */
/** @typedef {{ lm: Float32Array | null, msg: any, t0: number, drawn: boolean,
 *   frame: ImageBitmap | null }} Latest */

/** Bones as landmark index pairs (course.pose.landmarks.SKELETON). */
const SKELETON = [
  [11, 12], [11, 13], [13, 15], [12, 14], [14, 16],
  [11, 23], [12, 24], [23, 24],
  [23, 25], [25, 27], [27, 29], [29, 31], [27, 31],
  [24, 26], [26, 28], [28, 30], [30, 32], [28, 32],
  [0, 7], [0, 8],
];
const LEFT = new Set([11, 13, 15, 23, 25, 27, 29, 31, 7]);

/** Message per camera error; `code` goes into the `status`/`error` traits. */
const CAMERA_ERRORS = {
  insecure: "The browser hides the camera on this page because it is not a secure origin. " +
    "A remote Jupyter server must be served over HTTPS; on your own computer open it as " +
    "http://localhost:PORT (localhost counts as secure).",
  NotFoundError: "No camera found. Plug in a webcam or pick another one in the list, then " +
    "press Start. No camera at all? Use PoseCamera(source='sample:sports2d').",
  NotAllowedError: "Camera permission was refused. Allow the camera for this site (camera " +
    "icon in the address bar or site settings), then press Start.",
  NotReadableError: "The camera is busy: another application or tab (a video call?) is " +
    "using it. Close that, then press Start.",
  OverconstrainedError: "This camera cannot deliver the requested size or device; pick " +
    "another camera or lower width/height.",
};
const BUSY_MESSAGE = "Kernel busy or restarting: frames are paused and resume by themselves " +
  "when it answers. If you restarted the kernel, run the cell again.";
const OTHER_VIEW = "This camera widget is shown in another output too; only one view " +
  "streams. Press Start here to move the stream to this view.";
const ICONS = { ok: "✔", warn: "⚠", err: "✖", info: "ℹ" };

/** @param {string} tag @param {string} cls @param {string} [text] */
function h(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Copy a DataView/ArrayBuffer into an aligned Float32Array. @param {any} b */
function f32(b) {
  const view = b instanceof DataView ? b : new DataView(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength);
  return new Float32Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}
/** @param {any} b */
function bytes(b) {
  const view = b instanceof DataView ? b : new DataView(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength);
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Percentile of numbers (nearest rank). @param {number[]} xs @param {number} p */
function pct(xs, p) {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/**
 * Draw a skeleton (33 landmarks x 4 floats: x, y, z, visibility) on a 2D context.
 * @param {CanvasRenderingContext2D} ctx @param {Float32Array} lm
 * @param {number} w @param {number} h @param {boolean} mirror @param {number} [offset]
 */
export function drawSkeleton(ctx, lm, w, h, mirror, offset = 0) {
  const X = (i) => (mirror ? 1 - lm[offset + i * 4] : lm[offset + i * 4]) * w;
  const Y = (i) => lm[offset + i * 4 + 1] * h;
  const V = (i) => lm[offset + i * 4 + 3];
  if (!Number.isFinite(lm[offset])) return 0;
  ctx.lineWidth = Math.max(2, w / 220);
  ctx.lineCap = "round";
  let drawn = 0;
  for (const [a, b] of SKELETON) {
    if (V(a) < 0.3 || V(b) < 0.3) continue;
    ctx.strokeStyle = LEFT.has(a) && LEFT.has(b) ? "#ffb000" : "#00c2ff";
    ctx.beginPath();
    ctx.moveTo(X(a), Y(a));
    ctx.lineTo(X(b), Y(b));
    ctx.stroke();
    drawn++;
  }
  for (let i = 0; i < 33; i++) {
    if (V(i) < 0.3) continue;
    ctx.fillStyle = "#ffffff";
    ctx.beginPath();
    ctx.arc(X(i), Y(i), Math.max(2.5, w / 200), 0, 2 * Math.PI);
    ctx.fill();
  }
  return drawn;
}

/** @param {CanvasRenderingContext2D} ctx @param {string[]} lines @param {number} x @param {number} y */
function textBox(ctx, lines, x, y) {
  if (!lines.length) return;
  const size = Math.max(12, Math.round(Math.max(ctx.canvas.width, ctx.canvas.height * 4 / 3) / 45));
  ctx.font = `${size}px sans-serif`;
  const wBox = Math.max(...lines.map((l) => ctx.measureText(l).width)) + size;
  ctx.fillStyle = "rgba(0,0,0,0.55)";
  ctx.fillRect(x, y, wBox, lines.length * size * 1.3 + size * 0.5);
  ctx.fillStyle = "#fff";
  lines.forEach((l, i) => ctx.fillText(l, x + size / 2, y + size * (1.2 + 1.3 * i)));
}

/** @param {{ model: Model, el: HTMLElement }} ctx */
function render({ model, el }) {
  const viewId = Math.random().toString(36).slice(2);
  const root = h("div", "rfl-cam");
  root.dataset.frames = "0";
  root.dataset.landmarks = "0";
  root.dataset.drawn = "0";
  root.dataset.status = "idle";
  /** @type {any} */ (root).rflLatencies = [];
  el.appendChild(root);

  // --- DOM ---------------------------------------------------------------------------------
  const bar = h("div", "rfl-cam-bar");
  const startBtn = h("button", "rfl-btn rfl-start", "▶ Start camera");
  startBtn.type = "button";
  const camSelect = /** @type {HTMLSelectElement} */ (h("select", "rfl-select"));
  camSelect.setAttribute("aria-label", "Camera");
  camSelect.hidden = true;
  const mirrorLabel = h("label", "rfl-check");
  const mirrorBox = /** @type {HTMLInputElement} */ (h("input"));
  mirrorBox.type = "checkbox";
  mirrorLabel.append(mirrorBox, " Mirror");
  const recBtn = h("button", "rfl-btn rfl-rec", "● Record");
  recBtn.type = "button";
  const indicator = h("span", "rfl-indicator", "○ camera off");
  indicator.setAttribute("role", "status");
  const stats = h("span", "rfl-stats", "");
  bar.append(startBtn, camSelect, mirrorLabel, recBtn, indicator, stats);

  const stage = h("div", "rfl-stage");
  const video = /** @type {HTMLVideoElement} */ (h("video", "rfl-video"));
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  const frameCanvas = /** @type {HTMLCanvasElement} */ (h("canvas", "rfl-frame"));
  const overlay = /** @type {HTMLCanvasElement} */ (h("canvas", "rfl-overlay"));
  overlay.setAttribute("aria-hidden", "true");
  stage.append(video, frameCanvas, overlay);

  const banner = h("div", "rfl-banner");
  banner.setAttribute("role", "alert");
  banner.hidden = true;
  const feedback = h("div", "rfl-feedback");
  feedback.setAttribute("aria-live", "polite");
  const takesBox = h("div", "rfl-takes");
  root.append(bar, stage, banner, feedback, takesBox);
  const octx = /** @type {CanvasRenderingContext2D} */ (overlay.getContext("2d"));
  const fctx = /** @type {CanvasRenderingContext2D} */ (frameCanvas.getContext("2d"));
  const capture = document.createElement("canvas");
  const cctx = /** @type {CanvasRenderingContext2D} */ (capture.getContext("2d"));

  // --- state -------------------------------------------------------------------------------
  /** @type {MediaStream | null} */ let stream = null;
  let running = false;
  let mode = "camera";
  /** @type {{ id: number, t0: number, sent: number, timer: any } | null} */ let inFlight = null;
  let nextId = 0;
  let lastSend = -1e9;
  let busy = false;
  let answered = false;
  /** @type {any} */ let pumpTimer = null;
  /** @type {any} */ let pingTimer = null;
  /** @type {Latest | null} */ let latest = null;
  /** @type {number[]} */ const latencies = [];
  /** @type {number[]} */ const replyTimes = [];
  /** @type {number[]} */ const encodeMs = [];
  /** @type {number[]} */ const procMs = [];
  let raf = 0;
  let disposed = false;

  const setTraits = (/** @type {Record<string, any>} */ kv) => {
    let changed = false;
    for (const [k, v] of Object.entries(kv)) {
      if (model.get(k) !== v) { model.set(k, v); changed = true; }
    }
    if (changed) { try { model.save_changes(); } catch (e) { /* model closed with kernel */ } }
  };
  const showBanner = (/** @type {string} */ kind, /** @type {string} */ text) => {
    banner.hidden = !text;
    banner.className = `rfl-banner rfl-${kind}`;
    banner.textContent = text ? `${ICONS[kind] ?? ""} ${text}` : "";
  };
  const setStatus = (/** @type {string} */ status, /** @type {string} */ message = "") => {
    root.dataset.status = status;
    const kind = status === "error" ? "err" :
      ["no_person", "partial", "wrong_side", "kernel_busy"].includes(status) ? "warn" :
      ["other_view", "ended", "done"].includes(status) || message ? "info" : "ok";
    showBanner(kind, message);
    const trait = status === "other_view" ? model.get("status") : status;
    setTraits({ status: trait, ...(status === "error" ? { error: message } : {}) });
  };
  const setIndicator = () => {
    const on = running && mode === "camera";
    indicator.textContent = on ? "● camera on" : running ? "● playing video" : "○ camera off";
    indicator.classList.toggle("rfl-on", running);
    startBtn.textContent = running ? "■ Stop" : mode === "camera" && !model.get("source") ? "▶ Start camera" : "▶ Play video";
    recBtn.textContent = model.get("record") ? "■ Stop recording (REC)" : "● Record";
    recBtn.setAttribute("aria-pressed", String(!!model.get("record")));
  };

  // --- camera ------------------------------------------------------------------------------
  async function listCameras() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const cams = devices.filter((d) => d.kind === "videoinput");
    camSelect.replaceChildren(...cams.map((d, i) => {
      const o = /** @type {HTMLOptionElement} */ (h("option", "", d.label || `Camera ${i + 1}`));
      o.value = d.deviceId;
      return o;
    }));
    const current = stream?.getVideoTracks()[0]?.getSettings().deviceId;
    if (current) camSelect.value = current;
    camSelect.hidden = cams.length < 2;
  }

  async function startCamera() {
    if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
      throw Object.assign(new Error(CAMERA_ERRORS.insecure), { name: "insecure" });
    }
    const device = model.get("device_id");
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: {
        width: { ideal: model.get("width") },
        height: { ideal: model.get("height") },
        frameRate: { ideal: Math.min(60, model.get("fps_cap")) },
        ...(device ? { deviceId: { exact: device } } : {}),
      },
    });
    if (disposed) { stopTracks(); return; }
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    listCameras().catch(() => undefined);
  }

  function stopTracks() {
    stream?.getTracks().forEach((tr) => tr.stop());
    stream = null;
    video.srcObject = null;
  }

  async function start() {
    if (running) return;
    mode = model.get("source") ? "source" : "camera";
    setTraits({ active_view: viewId, error: "" });
    setStatus("starting", mode === "camera" ? "Opening the camera…" : "Opening the video…");
    try {
      if (mode === "camera") await startCamera();
    } catch (/** @type {any} */ err) {
      const name = err?.name in CAMERA_ERRORS ? err.name :
        err?.name === "SecurityError" ? "NotAllowedError" :
        err?.name === "TrackStartError" ? "NotReadableError" : null;
      const text = (name ? CAMERA_ERRORS[name] : `Could not open the camera: ${err?.name}: ${err?.message}`)
        .replace("localhost:PORT", `localhost:${location.port || "8888"}`);
      root.dataset.error = name ?? "unknown";
      setStatus("error", text);
      setIndicator();
      return;
    }
    if (disposed) return;
    running = true;
    busy = false;
    video.hidden = mode !== "camera";
    frameCanvas.hidden = mode === "camera";
    setStatus("streaming");
    setIndicator();
    pump();
  }

  function stop(/** @type {string} */ status = "stopped", message = "") {
    running = false;
    if (inFlight) clearTimeout(inFlight.timer);
    inFlight = null;
    clearTimeout(pumpTimer);
    clearTimeout(prepTimer);
    prepared = null;
    clearInterval(pingTimer);
    pingTimer = null;
    stopTracks();
    latest = null;
    octx.clearRect(0, 0, overlay.width, overlay.height);
    setStatus(status, message);
    setIndicator();
  }

  // --- streaming: one frame in flight ------------------------------------------------------
  function schedule(/** @type {number} */ ms) {
    clearTimeout(pumpTimer);
    pumpTimer = setTimeout(pump, Math.max(0, ms));
  }

  /** @type {{ t0: number, buf: ArrayBuffer, w: number, h: number } | null} */ let prepared = null;
  let encoding = false;
  let lastCapture = -1e9;
  /** @type {any} */ let prepTimer = null;
  /** @type {number[]} */ const roundTrips = [];

  // Camera frames: the next frame is captured and JPEG-encoded while the kernel analyses the
  // current one (still ONE frame in flight to the kernel), timed to be ready when the answer
  // is due, so encoding overlaps analysis without making frames wait.
  async function prepare() {
    clearTimeout(prepTimer);
    if (!running || busy || disposed || encoding || prepared || mode !== "camera") return;
    const gap = 1000 / Math.max(1, model.get("fps_cap"));
    const now = performance.now();
    if (now - lastCapture < gap) { prepTimer = setTimeout(prepare, gap - (now - lastCapture)); return; }
    if (video.readyState < 2 || !video.videoWidth) { prepTimer = setTimeout(prepare, 30); return; }
    encoding = true;
    lastCapture = now;
    try {
      const scale = Math.min(1, model.get("width") / video.videoWidth, model.get("height") / video.videoHeight);
      const w = Math.round(video.videoWidth * scale), hh = Math.round(video.videoHeight * scale);
      if (capture.width !== w || capture.height !== hh) { capture.width = w; capture.height = hh; }
      cctx.drawImage(video, 0, 0, w, hh);
      const blob = await new Promise((res) => capture.toBlob(res, "image/jpeg", model.get("jpeg_quality")));
      if (!blob || !running || disposed) return;
      const buf = await /** @type {Blob} */ (blob).arrayBuffer();
      encodeMs.push(performance.now() - now);
      if (encodeMs.length > 60) encodeMs.shift();
      prepared = { t0: now, buf, w, h: hh };
    } finally {
      encoding = false;
    }
    sendPrepared();
  }

  function sendPrepared() {
    if (!running || busy || inFlight || !prepared) return;
    const p = prepared;
    prepared = null;
    const id = ++nextId;
    root.dataset.bytesUp = String(Number(root.dataset.bytesUp ?? 0) + p.buf.byteLength);
    sizeCanvases(p.w, p.h);
    transmit(id, p.t0, { type: "frame", id, t: p.t0 / 1000, w: p.w, h: p.h }, [p.buf]);
    // start the next capture so that it is encoded just when this answer should arrive
    const lead = roundTrips.length ? pct(roundTrips, 50) - pct(encodeMs, 50) - 2 : 0;
    prepTimer = setTimeout(prepare, Math.max(0, lead));
  }

  /** @param {number} id @param {number} t0 @param {any} content @param {ArrayBuffer[]} buffers */
  function transmit(id, t0, content, buffers) {
    inFlight = { id, t0, sent: performance.now(), timer: null };
    lastSend = t0;
    // the first frame also loads the pose model in the kernel: give it longer
    const limit = answered ? model.get("timeout_ms") : Math.max(15000, model.get("timeout_ms"));
    inFlight.timer = setTimeout(() => onTimeout(id), limit);
    try {
      model.send(content, undefined, buffers);
    } catch (e) {
      onTimeout(id);
    }
  }

  function pump() {
    if (!running || inFlight || busy || disposed) return;
    if (mode === "camera") {
      if (prepared) sendPrepared();
      else prepare();
      return;
    }
    const gap = 1000 / Math.max(1, model.get("fps_cap"));
    const now = performance.now();
    if (now - lastSend < gap) return schedule(gap - (now - lastSend));
    const id = ++nextId;
    transmit(id, now, { type: "next", id }, []);
  }

  function sizeCanvases(/** @type {number} */ w, /** @type {number} */ hh) {
    for (const c of [overlay, frameCanvas]) {
      if (c.width !== w || c.height !== hh) { c.width = w; c.height = hh; }
    }
    // the stage keeps the capture box's shape; frames of another shape are letterboxed
    // (object-fit: contain), identically for video, frame and overlay, so they stay aligned
    stage.style.aspectRatio = `${model.get("width")} / ${model.get("height")}`;
  }

  function onTimeout(/** @type {number} */ id) {
    if (!inFlight || inFlight.id !== id) return;
    inFlight = null;
    prepared = null;
    busy = true;
    root.dataset.timeouts = String(Number(root.dataset.timeouts ?? 0) + 1);
    setStatus("kernel_busy", BUSY_MESSAGE);
    clearInterval(pingTimer);
    pingTimer = setInterval(() => {
      try { model.send({ type: "ping", id: ++nextId }); } catch (e) { /* comm gone */ }
    }, model.get("timeout_ms"));
  }

  function resume() {
    if (!busy) return;
    busy = false;
    clearInterval(pingTimer);
    pingTimer = null;
    setStatus("streaming");
    schedule(0);
  }

  /** @param {any} msg @param {any[]} buffers */
  async function onMessage(msg, buffers) {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "take" || msg.type === "take_frame") return replay.onMessage(msg, buffers);
    if (msg.type === "command") {
      const active = model.get("active_view");
      if (msg.action === "start" && !running && (!active || active === viewId)) start();
      if (msg.action === "stop" && running) { setTraits({ active_view: "" }); stop(); }
      return;
    }
    if (!running) return;
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
    inFlight = null;
    resume();
    replyTimes.push(performance.now());
    root.dataset.frames = String(Number(root.dataset.frames) + 1);
    if (msg.type === "error") {
      root.dataset.lastError = msg.code;
      showBanner("err", `Kernel error (${msg.code}): ${msg.message}`);
    } else if (msg.type === "ended") {
      stop("ended", "End of the video.");
      return;
    } else if (msg.type === "pose") {
      procMs.push(msg.proc_ms);
      if (procMs.length > 60) procMs.shift();
      const lm = msg.found && buffers?.length ? f32(buffers[0]) : null;
      /** @type {ImageBitmap | null} */ let frame = null;
      if (msg.frame_buffer !== undefined && buffers[msg.frame_buffer]) {
        const blob = new Blob([bytes(buffers[msg.frame_buffer])], { type: "image/jpeg" });
        frame = await createImageBitmap(blob);
        sizeCanvases(frame.width, frame.height);
      }
      if (lm) root.dataset.landmarks = String(Number(root.dataset.landmarks) + 1);
      latest = { lm, msg, t0, drawn: false, frame };
      const status = msg.status || (lm ? "streaming" : "no_person");
      if (status !== root.dataset.status || (msg.message && banner.textContent.indexOf(msg.message) < 0)) {
        setStatus(status, msg.message || "");
      }
      showFeedback(msg);
      if (msg.result) setTraits({ result: msg.result });
    }
    if (running) pump();
  }

  function showFeedback(/** @type {any} */ msg) {
    const fb = msg.feedback;
    if (!fb) { feedback.hidden = true; return; }
    feedback.hidden = false;
    const progress = typeof fb.progress === "number" ? ` — ${Math.round(fb.progress * 100)} %` : "";
    feedback.textContent = `${fb.phase ? `[${fb.phase}] ` : ""}${fb.message ?? ""}${progress}`;
  }

  // --- drawing at display rate -------------------------------------------------------------
  function draw() {
    raf = requestAnimationFrame(draw);
    const r = latest;
    if (!r || r.drawn) return;
    r.drawn = true;
    const mirror = !!model.get("mirror");
    const w = overlay.width, hh = overlay.height;
    if (r.frame) {
      fctx.drawImage(r.frame, 0, 0, w, hh);
      r.frame.close();
    }
    octx.clearRect(0, 0, w, hh);
    if (r.lm) {
      drawSkeleton(octx, r.lm, w, hh, mirror);
      root.dataset.drawn = String(Number(root.dataset.drawn) + 1);
    }
    const lines = [];
    if (model.get("show_angles")) {
      for (const [k, v] of Object.entries(r.msg.metrics ?? {})) {
        if (typeof v === "number") lines.push(`${k.replace(/_/g, " ")}: ${v.toFixed(1)}°`);
      }
    }
    textBox(octx, lines.slice(0, 8), 8, 8);
    const fbText = r.msg.feedback?.message || r.msg.message;
    if (fbText) textBox(octx, [String(fbText).slice(0, 70)], 8, hh - Math.max(12, w / 45) * 2.2);
    const latency = performance.now() - r.t0;
    latencies.push(latency);
    if (latencies.length > 120) latencies.shift();
    // every latency of the session (for benchmarks), capped to bound memory
    const all = /** @type {any} */ (root).rflLatencies;
    if (all.length < 200000) all.push(latency);
  }

  const statsTimer = setInterval(() => {
    const now = performance.now();
    while (replyTimes.length && replyTimes[0] < now - 2000) replyTimes.shift();
    const fps = replyTimes.length / 2;
    const p50 = pct(latencies, 50), p95 = pct(latencies, 95);
    root.dataset.fps = fps.toFixed(1);
    root.dataset.latencyP50 = p50.toFixed(1);
    root.dataset.latencyP95 = p95.toFixed(1);
    root.dataset.encodeP50 = pct(encodeMs, 50).toFixed(1);
    root.dataset.kernelP50 = pct(procMs, 50).toFixed(1);
    stats.textContent = running ? `${fps.toFixed(1)} fps · ${p50.toFixed(0)} ms (p95 ${p95.toFixed(0)})` : "";
    if (running && model.get("active_view") === viewId) {
      setTraits({ fps: Math.round(fps * 10) / 10, latency_p50_ms: Math.round(p50 * 10) / 10,
        latency_p95_ms: Math.round(p95 * 10) / 10 });
    }
  }, 1000);

  // --- recorded takes: list, replay, side by side ------------------------------------------
  const replay = (() => {
    const list = h("div", "rfl-take-list");
    const selA = /** @type {HTMLSelectElement} */ (h("select", "rfl-select"));
    const selB = /** @type {HTMLSelectElement} */ (h("select", "rfl-select"));
    selA.setAttribute("aria-label", "Take to replay");
    selB.setAttribute("aria-label", "Take to compare with");
    const loadBtn = h("button", "rfl-btn", "Replay");
    loadBtn.type = "button";
    const prev = h("button", "rfl-btn", "◀ Frame");
    const next = h("button", "rfl-btn", "Frame ▶");
    const play = h("button", "rfl-btn", "▶ Play");
    for (const b of [prev, next, play]) /** @type {HTMLButtonElement} */ (b).type = "button";
    const slider = /** @type {HTMLInputElement} */ (h("input", "rfl-slider"));
    slider.type = "range";
    slider.min = "0";
    slider.setAttribute("aria-label", "Replay frame");
    const label = h("span", "rfl-replay-label", "");
    const panes = h("div", "rfl-replay-panes");
    const controls = h("div", "rfl-replay-controls");
    controls.append(prev, slider, next, play, label);
    list.append("Takes: ", selA, " compare with ", selB, loadBtn);
    takesBox.append(list, controls, panes);
    controls.hidden = true;
    /** @type {any[]} */ let loaded = [];
    /** @type {Map<number, any>} */ const pending = new Map();
    let frameIdx = 0;
    /** @type {any} */ let playTimer = null;

    function refresh() {
      const takes = model.get("takes") ?? [];
      takesBox.hidden = !takes.length;
      const opts = (/** @type {boolean} */ none) => [
        ...(none ? [Object.assign(h("option", "", "—"), { value: "" })] : []),
        ...takes.map((/** @type {any} */ tk) => Object.assign(
          h("option", "", `${tk.label} (${tk.n_frames} frames, ${tk.duration_s.toFixed(1)} s)`),
          { value: String(tk.index) })),
      ];
      selA.replaceChildren(...opts(false));
      selB.replaceChildren(...opts(true));
      if (takes.length) selA.value = String(takes[takes.length - 1].index);
    }
    function request(/** @type {any} */ content) {
      const id = ++nextId;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        model.send({ ...content, id });
      });
    }
    async function load() {
      const idx = [selA.value, selB.value].filter((v) => v !== "").map(Number);
      loaded = [];
      panes.replaceChildren();
      for (const i of idx) {
        const r = await request({ type: "take", index: i });
        const c = /** @type {HTMLCanvasElement} */ (h("canvas", "rfl-replay-canvas"));
        const [w, hh] = r.msg.size[0] ? r.msg.size : [640, 480];
        c.width = w; c.height = hh;
        const pane = h("figure", "rfl-replay-pane");
        pane.append(c, h("figcaption", "", r.msg.label));
        panes.append(pane);
        loaded.push({ ...r.msg, lm: f32(r.buffers[0]), canvas: c });
      }
      if (!loaded.length) return;
      controls.hidden = false;
      slider.max = String(Math.max(...loaded.map((x) => x.n_frames)) - 1);
      show(0);
    }
    async function show(/** @type {number} */ i) {
      frameIdx = Math.max(0, Math.min(Number(slider.max), i));
      slider.value = String(frameIdx);
      for (const tk of loaded) {
        const j = Math.min(frameIdx, tk.n_frames - 1);
        const ctx = /** @type {CanvasRenderingContext2D} */ (tk.canvas.getContext("2d"));
        ctx.fillStyle = "#202020";
        ctx.fillRect(0, 0, tk.canvas.width, tk.canvas.height);
        if (tk.has_video) {
          const r = await request({ type: "take_frame", index: tk.index, frame: j });
          if (r.buffers?.[0]) {
            const bmp = await createImageBitmap(new Blob([bytes(r.buffers[0])], { type: "image/jpeg" }));
            ctx.drawImage(bmp, 0, 0, tk.canvas.width, tk.canvas.height);
            bmp.close();
          }
        }
        drawSkeleton(ctx, tk.lm, tk.canvas.width, tk.canvas.height, false, j * 33 * 4);
      }
      const t = loaded[0].t[Math.min(frameIdx, loaded[0].n_frames - 1)] ?? 0;
      label.textContent = `frame ${frameIdx + 1} / ${Number(slider.max) + 1} · ${t.toFixed(2)} s`;
      takesBox.dataset.replayFrame = String(frameIdx);
    }
    function togglePlay() {
      if (playTimer) { clearInterval(playTimer); playTimer = null; play.textContent = "▶ Play"; return; }
      play.textContent = "⏸ Pause";
      playTimer = setInterval(() => {
        if (frameIdx >= Number(slider.max)) return togglePlay();
        show(frameIdx + 1);
      }, 1000 / 30);
    }
    loadBtn.addEventListener("click", () => load());
    prev.addEventListener("click", () => show(frameIdx - 1));
    next.addEventListener("click", () => show(frameIdx + 1));
    play.addEventListener("click", togglePlay);
    slider.addEventListener("input", () => show(Number(slider.value)));
    model.on("change:takes", refresh);
    refresh();
    return {
      /** @param {any} msg @param {any[]} buffers */
      onMessage(msg, buffers) {
        const resolve = pending.get(msg.id);
        pending.delete(msg.id);
        resolve?.({ msg, buffers });
      },
      dispose() {
        clearInterval(playTimer);
        model.off("change:takes", refresh);
      },
    };
  })();

  // --- wiring ------------------------------------------------------------------------------
  const onStart = () => (running ? (setTraits({ active_view: "" }), stop()) : start());
  const onRecord = () => { setTraits({ record: !model.get("record") }); setIndicator(); };
  const onMirror = () => { setTraits({ mirror: mirrorBox.checked }); applyMirror(); };
  const onCamera = () => {
    setTraits({ device_id: camSelect.value });
    if (running && mode === "camera") { stop(); start(); }
  };
  const applyMirror = () => {
    mirrorBox.checked = !!model.get("mirror");
    const tf = model.get("mirror") ? "scaleX(-1)" : "none";
    video.style.transform = tf;
    frameCanvas.style.transform = tf;
    if (latest) latest.drawn = false;
  };
  const onActiveView = () => {
    const active = model.get("active_view");
    if (running && active && active !== viewId) stop("other_view", OTHER_VIEW);
  };
  const onSource = () => { if (running) stop(); setIndicator(); };
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
  ];
  for (const [el, ev, fn] of domListeners) el.addEventListener(ev, fn);
  for (const [ev, fn] of modelListeners) model.on(ev, fn);
  applyMirror();
  setIndicator();
  sizeCanvases(model.get("width"), model.get("height"));
  raf = requestAnimationFrame(draw);

  const other = model.get("active_view");
  if (other && other !== viewId) {
    root.dataset.status = "other_view";
    showBanner("info", OTHER_VIEW);
  } else if (model.get("autostart")) {
    start();
  }

  return () => {
    disposed = true;
    if (running) stop();
    stopTracks();
    cancelAnimationFrame(raf);
    clearInterval(statsTimer);
    clearInterval(pingTimer);
    clearTimeout(pumpTimer);
    clearTimeout(prepTimer);
    replay.dispose();
    for (const [el, ev, fn] of domListeners) el.removeEventListener(ev, fn);
    for (const [ev, fn] of modelListeners) model.off(ev, fn);
    if (model.get("active_view") === viewId) setTraits({ active_view: "" });
  };
}

export default { render };

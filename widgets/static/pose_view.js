// The camera view's elements, and what its controls, banner and stats line say. The page's
// logic (pose_camera.js) decides what to show; the functions here only say how it reads.
// `controlLabels`, `bannerText` and `statsLine` are pure and unit-tested in
// tests/pose_view.test.mjs.

import { h } from "./pose_dom.js";
import { createPoster } from "./pose_poster.js";

/** The icon before a banner's text, by the banner's kind (pose_state.js `bannerKind`). */
export const ICONS = { ok: "✔", warn: "⚠", err: "✖", info: "ℹ" };
export const BUSY_MESSAGE = "Kernel busy or restarting: frames are paused and resume by themselves " +
  "when it answers. If you restarted the kernel, run the cell again.";
export const OTHER_VIEW = "This camera widget is shown in another output too; only one view " +
  "streams. Press Start here to move the stream to this view.";

/**
 * What the indicator and the two buttons say.
 * @param {{ live: boolean, mode: string, source: string, record: boolean }} s `live`: frames
 *   flow; `mode`: "camera" or "source" (the last start); `source`: the widget's video source
 *   ("" for the camera); `record`: a take is being recorded.
 * @returns {{ indicator: string, start: string, record: string }}
 */
export function controlLabels(s) {
  const camera = s.mode === "camera";
  return {
    indicator: s.live && camera ? "● camera on" : s.live ? "● playing video" : "○ camera off",
    start: s.live ? "■ Stop" : camera && !s.source ? "▶ Start camera" : "▶ Play video",
    record: s.record ? "■ Stop recording (REC)" : "● Record",
  };
}

/** A banner's text: its kind's icon, then the message; "" for no message.
 * @param {string} kind @param {string} text */
export function bannerText(kind, text) {
  return text ? `${ICONS[/** @type {keyof ICONS} */ (kind)] ?? ""} ${text}` : "";
}

/**
 * The stats line: frames per second, capture-to-overlay latency (ms) and where the pose runs;
 * empty while nothing streams.
 * @param {{ live: boolean, fps: number, p50: number, p95: number, inferMode: string }} s
 */
export function statsLine(s) {
  if (!s.live) return "";
  const where = s.inferMode === "browser" ? " · pose in this browser" : " · pose in the kernel";
  return `${s.fps.toFixed(1)} fps · ${s.p50.toFixed(0)} ms (p95 ${s.p95.toFixed(0)})${where}`;
}

/**
 * Build the view's elements into `root`: the control bar, the poster, the stage (video, frame
 * canvas, overlay), the banner, the inference note, the feedback line and the takes box.
 * @param {HTMLElement} root
 */
export function createView(root) {
  const bar = h("div", "rfl-cam-bar");
  const startBtn = /** @type {HTMLButtonElement} */ (h("button", "rfl-btn rfl-start", "▶ Start camera"));
  startBtn.type = "button";
  const camSelect = /** @type {HTMLSelectElement} */ (h("select", "rfl-select"));
  camSelect.setAttribute("aria-label", "Camera");
  camSelect.hidden = true;
  const mirrorLabel = h("label", "rfl-check");
  const mirrorBox = /** @type {HTMLInputElement} */ (h("input"));
  mirrorBox.type = "checkbox";
  mirrorLabel.append(mirrorBox, " Mirror");
  const recBtn = /** @type {HTMLButtonElement} */ (h("button", "rfl-btn rfl-rec", "● Record"));
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
  const note = h("div", "rfl-note"); // where the pose model runs, and why (pose_inference.js)
  note.hidden = true;
  const feedback = h("div", "rfl-feedback");
  feedback.setAttribute("aria-live", "polite");
  const takesBox = h("div", "rfl-takes");
  const poster = createPoster(); // stands in for the stage while nothing streams
  root.append(bar, poster.el, stage, banner, note, feedback, takesBox);

  /** Show a banner of `kind` ("ok", "warn", "err", "info"); hide it for an empty text.
   * @param {string} kind @param {string} text */
  const showBanner = (kind, text) => {
    banner.hidden = !text;
    banner.className = `rfl-banner rfl-${kind}`;
    banner.textContent = bannerText(kind, text);
  };
  /** Write the indicator and the buttons (see `controlLabels`).
   * @param {{ live: boolean, mode: string, source: string, record: boolean }} s */
  const showControls = (s) => {
    const text = controlLabels(s);
    indicator.textContent = text.indicator;
    indicator.classList.toggle("rfl-on", s.live);
    startBtn.textContent = text.start;
    recBtn.textContent = text.record;
    recBtn.setAttribute("aria-pressed", String(s.record));
  };
  /** Size overlay and frame canvas to a `w` x `hh` px frame, in a stage of the capture box's
   * shape (`boxW` x `boxH`). @param {number} w @param {number} hh @param {number} boxW
   * @param {number} boxH */
  const sizeCanvases = (w, hh, boxW, boxH) => {
    for (const c of [overlay, frameCanvas]) {
      if (c.width !== w || c.height !== hh) { c.width = w; c.height = hh; }
    }
    // frames of another shape are letterboxed (object-fit: contain), identically for video,
    // frame and overlay, so they stay aligned
    stage.style.aspectRatio = `${boxW} / ${boxH}`;
  };
  /** Mirror the picture (the landmarks are mirrored when drawn). @param {boolean} on */
  const showMirror = (on) => {
    mirrorBox.checked = on;
    video.style.transform = frameCanvas.style.transform = on ? "scaleX(-1)" : "none";
  };
  return {
    startBtn, camSelect, mirrorBox, recBtn, stats, stage, video, frameCanvas, overlay,
    banner, note, feedback, takesBox, poster, showBanner, showControls, sizeCanvases, showMirror,
    octx: /** @type {CanvasRenderingContext2D} */ (overlay.getContext("2d")),
    fctx: /** @type {CanvasRenderingContext2D} */ (frameCanvas.getContext("2d")),
  };
}

// The camera view's state machine, its banner and its figures. Pure functions; unit-tested in
// tests/pose_state.test.mjs.
//
//   idle/stopped/ended/error/other_view --start--> starting --opened--> streaming
//   starting --failed--> error          streaming --timeout--> kernel_busy --answer--> streaming
//   starting/streaming/kernel_busy --stop--> stopped      streaming/kernel_busy --ended--> ended
//   any state but other_view --other_view--> other_view (another output of the widget streams)
//
// A transition may carry a report for the kernel ({state, code, detail}), which sets the
// `status` and `error` traits from it: the kernel is their only writer. `kernel_busy` and
// `other_view` are not reported: a busy kernel cannot hear it, and the view that took the
// stream over reports its own states.

export const STATES = Object.freeze([
  "idle", "starting", "streaming", "kernel_busy", "stopped", "ended", "error", "other_view",
]);
const OFF = new Set(["idle", "stopped", "ended", "error", "other_view"]);
const LIVE = new Set(["streaming", "kernel_busy"]);

/**
 * @typedef {{ type: "start" | "opened" | "stop" | "ended" | "timeout" | "answer" | "other_view" }
 *   | { type: "failed", code: string, detail: string }} Event
 * @typedef {{ state: string, code?: string, detail?: string }} Report
 * @typedef {{ state: string, report: Report | null }} Step
 */

/**
 * The next state after `event`, and what to report to the kernel. An event that does not
 * apply in `state` (a second Start while the camera opens, Stop when off) changes nothing.
 * @param {string} state one of STATES @param {Event} event @returns {Step}
 */
export function step(state, event) {
  if (!STATES.includes(state)) {
    throw new RangeError(`unknown camera state ${JSON.stringify(state)}; expected one of ${STATES.join(", ")}.`);
  }
  const to = (/** @type {string} */ next, report = true) => ({ state: next, report: report ? { state: next } : null });
  const stay = { state, report: null };
  switch (event.type) {
    case "start": return OFF.has(state) ? to("starting") : stay;
    case "opened": return state === "starting" ? to("streaming") : stay;
    case "failed":
      return state === "starting"
        ? { state: "error", report: { state: "error", code: event.code, detail: event.detail } } : stay;
    case "stop": return OFF.has(state) ? stay : to("stopped");
    case "ended": return LIVE.has(state) ? to("ended") : stay;
    case "timeout": return state === "streaming" ? to("kernel_busy", false) : stay;
    case "answer": return state === "kernel_busy" ? to("streaming", false) : stay;
    case "other_view": return state === "other_view" ? stay : to("other_view", false);
    default:
      throw new RangeError(`unknown camera event ${JSON.stringify(/** @type {any} */ (event).type)}.`);
  }
}

/** Whether frames flow in `state` (the kernel may be slow to answer). @param {string} state */
export function isLive(state) {
  return LIVE.has(state);
}

const WARN = new Set(["no_person", "partial", "wrong_side", "kernel_busy"]);
const INFO = new Set(["other_view", "ended", "done"]);

/**
 * Banner style for a shown status (camera state, or the pipeline's status of the last frame):
 * `err`, `warn`, `info` (also any status with a message) or `ok`.
 * @param {string} status @param {string} [message]
 */
export function bannerKind(status, message = "") {
  if (status === "error") return "err";
  if (WARN.has(status)) return "warn";
  return INFO.has(status) || message ? "info" : "ok";
}

/**
 * Percentile by nearest rank; 0 for no values.
 * @param {number[]} xs @param {number} p in 0..100
 */
export function pct(xs, p) {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/**
 * The stream's figures: frames answered per second over the last `windowMs` and percentiles
 * of latency (capture to overlay), JPEG encoding and kernel time, all in ms.
 * @param {{ now: number, replyTimes: number[], latencies: number[], encodeMs: number[],
 *   procMs: number[], windowMs?: number }} samples times in ms on the page clock
 */
export function streamFigures({ now, replyTimes, latencies, encodeMs, procMs, windowMs = 2000 }) {
  const recent = replyTimes.filter((t) => t >= now - windowMs).length;
  return {
    fps: recent / (windowMs / 1000),
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    encodeP50: pct(encodeMs, 50),
    kernelP50: pct(procMs, 50),
  };
}

/**
 * The stream's recent timings, ms on the page clock, for `streamFigures`: answer times (kept
 * for `windowMs`), and the last 120 latencies, 60 JPEG encodings and 60 kernel times.
 * @param {number} [windowMs]
 */
export function createStreamStats(windowMs = 2000) {
  /** @type {{ replyTimes: number[], latencies: number[], encodeMs: number[], procMs: number[] }} */
  const s = { replyTimes: [], latencies: [], encodeMs: [], procMs: [] };
  const keep = (/** @type {number[]} */ xs, /** @type {number} */ v, /** @type {number} */ n) => {
    xs.push(v);
    if (xs.length > n) xs.shift();
  };
  return {
    answered: (/** @type {number} */ now) => { s.replyTimes.push(now); },
    latency: (/** @type {number} */ ms) => keep(s.latencies, ms, 120),
    encoded: (/** @type {number} */ ms) => keep(s.encodeMs, ms, 60),
    kernel: (/** @type {number} */ ms) => keep(s.procMs, ms, 60),
    /** The figures now (older answer times are dropped). @param {number} now */
    figures(now) {
      while (s.replyTimes.length && s.replyTimes[0] < now - windowMs) s.replyTimes.shift();
      return streamFigures({ now, ...s, windowMs });
    },
  };
}

/**
 * How long to wait for a frame's answer before showing "kernel busy", ms: the widget's
 * `timeout_ms`, or three times the slowest recent round trip (95th percentile) when a loaded
 * class server answers slowly but surely, so that its answers are drawn rather than thrown
 * away; never more than four times `timeout_ms`, so a kernel that stopped answering is still
 * reported within seconds.
 * @param {number} timeoutMs the widget's `timeout_ms` @param {number[]} roundTrips recent, ms
 */
export function replyTimeout(timeoutMs, roundTrips) {
  return Math.min(4 * timeoutMs, Math.max(timeoutMs, 3 * pct(roundTrips, 95)));
}

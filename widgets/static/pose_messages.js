// Message envelopes between the camera view and the kernel (widgets/_messages.py is the other
// end): `{type, id, ...}` JSON plus binary buffers, and a request/reply helper whose promises
// always settle. Pure functions; unit-tested in tests/pose_messages.test.mjs.

/** Message per camera problem; the code goes to the kernel with the text. */
export const CAMERA_ERRORS = Object.freeze({
  insecure: "The browser hides the camera on this page because it is not a secure origin. " +
    "On a class server, open its HTTPS address (https://..., ask your teacher); on your own " +
    "computer open http://localhost:PORT (localhost counts as secure).",
  NotFoundError: "No camera found. Plug in a webcam or pick another one in the list, then " +
    "press Start. No camera at all? Use PoseCamera(source='sample:sports2d').",
  NotAllowedError: "Camera permission was refused. Allow the camera for this site (camera " +
    "icon in the address bar or site settings), then press Start.",
  NotReadableError: "The camera is busy: another application or tab (a video call?) is " +
    "using it. Close that, then press Start.",
  OverconstrainedError: "This camera cannot deliver the requested size or device; pick " +
    "another camera or lower width/height.",
});
/** Browser error names that mean one of the cases above. */
const ALIASES = { SecurityError: "NotAllowedError", TrackStartError: "NotReadableError",
  PermissionDeniedError: "NotAllowedError", DevicesNotFoundError: "NotFoundError" };

/**
 * The code and the sentence for a failure to open the camera.
 * @param {{ name?: string, message?: string } | null | undefined} err what getUserMedia threw
 * @param {string} port the page's port, put into the localhost hint
 * @returns {{ code: string, detail: string }} code `unknown` for errors not listed
 */
export function cameraError(err, port) {
  const name = err?.name ?? "";
  const code = name in CAMERA_ERRORS ? name : ALIASES[name] ?? "unknown";
  const detail = code === "unknown"
    ? `Could not open the camera: ${name || "Error"}: ${err?.message ?? "no details"}. ` +
      "Check the camera works in another application, then press Start."
    : CAMERA_ERRORS[code];
  return { code, detail: detail.replace("localhost:PORT", `localhost:${port || "8888"}`) };
}

/** A view of the bytes of a DataView, ArrayBuffer or typed array. @param {any} b */
function view(b) {
  if (b instanceof DataView) return b;
  if (b instanceof ArrayBuffer) return new DataView(b);
  if (ArrayBuffer.isView(b)) return new DataView(b.buffer, b.byteOffset, b.byteLength);
  throw new TypeError(`expected a binary buffer (ArrayBuffer, DataView or typed array); got ${typeof b}.`);
}

/** Copy a buffer into an aligned Float32Array (landmarks). @param {any} b */
export function f32(b) {
  const v = view(b);
  if (v.byteLength % 4) {
    throw new RangeError(`a Float32 buffer needs a multiple of 4 bytes; got ${v.byteLength}.`);
  }
  return new Float32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

/** The bytes of a buffer, without copying (JPEG frames). @param {any} b */
export function bytes(b) {
  const v = view(b);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * A frame request: the JPEG travels as the one buffer.
 * @param {number} id @param {number} t0 capture time, ms on the page clock
 * @param {number} w @param {number} h frame size in px
 */
export function frameRequest(id, t0, w, h) {
  return { type: "frame", id, t: t0 / 1000, w, h };
}

/**
 * The browser's camera report; the kernel turns it into the `status`/`error` traits.
 * @param {number} id @param {{ state: string, code?: string, detail?: string }} report
 */
export function cameraReport(id, { state, code = "", detail = "" }) {
  return { type: "camera", id, state, code, detail };
}

/**
 * The parts of a `pose` reply: landmarks (or null when nobody was found) and the JPEG of the
 * frame the kernel read itself (video source), or null.
 * @param {any} msg @param {any[] | undefined} buffers
 * @returns {{ landmarks: Float32Array | null, frame: Uint8Array | null }}
 */
export function poseParts(msg, buffers) {
  const bufs = buffers ?? [];
  const landmarks = msg.found && bufs.length ? f32(bufs[0]) : null;
  const i = msg.frame_buffer;
  const frame = typeof i === "number" && bufs[i] ? bytes(bufs[i]) : null;
  return { landmarks, frame };
}

/**
 * @typedef {{ msg: any, buffers: any[] }} Reply
 * @typedef {{ setTimeout: (fn: () => void, ms: number) => any, clearTimeout: (h: any) => void }} Timers
 */

/**
 * Requests that expect one reply with the same id. Every promise settles: it resolves with the
 * reply, or rejects on an `error` reply (with the kernel's message), on a timeout (saying what
 * happened), when sending fails, or on `dispose`. Nothing stays pending after that.
 * @param {{ send: (content: object) => void, nextId: () => number, timeoutMs: number,
 *   timers?: Timers }} opts
 */
export function createRequester({ send, nextId, timeoutMs, timers = globalThis }) {
  /** @type {Map<number, { resolve: (r: Reply) => void, reject: (e: Error) => void, timer: any }>} */
  const pending = new Map();
  const finish = (/** @type {number} */ id) => {
    const entry = pending.get(id);
    if (entry) { timers.clearTimeout(entry.timer); pending.delete(id); }
    return entry;
  };
  return {
    /**
     * Send `content` with a fresh id; resolves with `{msg, buffers}`.
     * @param {Record<string, unknown>} content @param {number} [ms] timeout
     * @returns {Promise<Reply>}
     */
    request(content, ms = timeoutMs) {
      const id = nextId();
      return new Promise((resolve, reject) => {
        const timer = timers.setTimeout(() => {
          if (!finish(id)) return;
          reject(new Error(`No reply to the ${content.type} request (id ${id}) within ` +
            `${(ms / 1000).toFixed(1)} s: the kernel is busy, restarting or gone. ` +
            "Try again when it answers; after a restart, run the cell again."));
        }, ms);
        pending.set(id, { resolve, reject, timer });
        try {
          send({ ...content, id });
        } catch (e) {
          finish(id);
          reject(new Error(`Could not send the ${content.type} request: ${e?.message ?? e}`));
        }
      });
    },
    /**
     * Hand a kernel message to its request; false if no request waits for that id.
     * @param {any} msg @param {any[]} [buffers]
     */
    settle(msg, buffers = []) {
      const entry = msg && typeof msg === "object" ? finish(msg.id) : undefined;
      if (!entry) return false;
      if (msg.type === "error") {
        entry.reject(new Error(`${msg.message ?? "the kernel reported an error"} (${msg.code ?? "error"})`));
      } else {
        entry.resolve({ msg, buffers });
      }
      return true;
    },
    /** How many requests wait for a reply. */
    get pending() { return pending.size; },
    /** Reject everything still waiting (the view is closing). @param {string} [why] */
    dispose(why = "the camera view was closed") {
      for (const id of [...pending.keys()]) finish(id)?.reject(new Error(`Request ${id} cancelled: ${why}.`));
    },
  };
}

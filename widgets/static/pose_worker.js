// Pose worker: MediaPipe PoseLandmarker (VIDEO mode) off the page's main thread.
// A module Web Worker made from a Blob URL by pose_inference.js; the kernel sends this file and
// the runtime's files (widgets/_web_runtime.py), so nothing is fetched from the internet.
//
// Messages in:  {type: "init", bundleUrl, loaderUrl, wasmUrl, wasmName, model: ArrayBuffer,
//                modelName, numPoses, delegate}
//               {type: "frame", id, t (ms, page clock), image: ImageBitmap or VideoFrame
//                (transferred; a VideoFrame is scaled here to w x h), w, h}
// Messages out: {type: "ready", ms, delegate} | {type: "error", stage, message}
//               {type: "pose", id, t, w, h, found, n, ms, lm: Float32Array(33*4) (transferred)}
//               {type: "frame_error", id, message}

/** @type {any} */ let landmarker = null;
let lastTs = -Infinity;

/** @param {any} vision @param {any} m @param {string} delegate */
async function create(vision, m, delegate) {
  return vision.PoseLandmarker.createFromOptions(
    { wasmLoaderPath: m.loaderUrl, wasmBinaryPath: m.wasmUrl },
    {
      baseOptions: { modelAssetBuffer: new Uint8Array(m.model), delegate },
      runningMode: "VIDEO",
      numPoses: m.numPoses,
      minPoseDetectionConfidence: 0.5,
      minPosePresenceConfidence: 0.5,
      minTrackingConfidence: 0.5,
      outputSegmentationMasks: false,
    },
  );
}

/** @param {any} m */
async function init(m) {
  const start = performance.now();
  let stage = "the runtime script vision_bundle.mjs";
  try {
    const vision = await import(m.bundleUrl);
    stage = `the WebAssembly runtime ${m.wasmName} or the pose model ${m.modelName}`;
    let delegate = m.delegate;
    try {
      landmarker = await create(vision, m, delegate);
    } catch (e) {
      if (delegate !== "GPU") throw e;
      delegate = "CPU"; // no usable WebGL in this worker: the CPU (WASM) path
      landmarker = await create(vision, m, delegate);
    }
    self.postMessage({ type: "ready", ms: performance.now() - start, delegate });
  } catch (/** @type {any} */ e) {
    self.postMessage({ type: "error", stage, message: String(e?.message ?? e) });
  }
}

/**
 * The frame as an ImageBitmap: a camera VideoFrame is scaled to `w` × `h` here, off the page's
 * main thread (and closed); an ImageBitmap is used as it is.
 * @param {any} m
 * @returns {Promise<ImageBitmap>}
 */
async function toBitmap(m) {
  const image = m.image;
  if (typeof VideoFrame === "undefined" || !(image instanceof VideoFrame)) return image;
  try {
    const size = m.w > 0 && m.h > 0 ? { resizeWidth: m.w, resizeHeight: m.h, resizeQuality: "low" } : {};
    return await createImageBitmap(image, /** @type {ImageBitmapOptions} */ (size));
  } finally {
    image.close();
  }
}

/** @param {any} m */
async function detect(m) {
  let bitmap;
  try {
    bitmap = await toBitmap(m);
  } catch (/** @type {any} */ e) {
    self.postMessage({ type: "frame_error", id: m.id, message: `could not read the frame: ${e?.message ?? e}` });
    return;
  }
  const w = bitmap.width, h = bitmap.height;
  try {
    const start = performance.now();
    const ts = Math.max(m.t, lastTs + 0.01); // VIDEO mode needs strictly increasing times
    lastTs = ts;
    const res = landmarker.detectForVideo(bitmap, ts);
    const poses = res.landmarks ?? [];
    const lm = new Float32Array(33 * 4);
    if (poses.length) {
      poses[0].forEach((/** @type {any} */ p, /** @type {number} */ i) => {
        lm.set([p.x, p.y, p.z, p.visibility ?? 0], i * 4);
      });
    }
    const msg = { type: "pose", id: m.id, t: m.t, w, h, found: poses.length > 0,
      n: poses.length, ms: performance.now() - start, lm };
    self.postMessage(msg, [lm.buffer]);
  } catch (/** @type {any} */ e) {
    self.postMessage({ type: "frame_error", id: m.id, message: String(e?.message ?? e) });
  } finally {
    bitmap.close();
  }
}

self.onmessage = (ev) => {
  const m = ev.data;
  if (m?.type === "init") init(m);
  else if (m?.type === "frame") {
    if (landmarker) detect(m);
    else { m.image?.close(); self.postMessage({ type: "frame_error", id: m.id, message: "model not loaded" }); }
  } else if (m?.type === "close") {
    landmarker?.close();
    landmarker = null;
    self.close();
  }
};

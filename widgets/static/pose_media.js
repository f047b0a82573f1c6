// Opening the learner's camera and listing the cameras to choose from. `cameraConstraints` and
// `cameraOptions` are pure and unit-tested in tests/pose_media.test.mjs.

import { h } from "./pose_dom.js";

/** Highest frame rate asked of a camera, frames per second. */
export const MAX_CAMERA_FPS = 60;

/**
 * What to ask `getUserMedia` for: video only, near the capture size and frame rate wanted, from
 * the chosen camera if one was chosen.
 * @param {{ width: number, height: number, fpsCap: number, deviceId: string }} s capture size
 *   (px), the widget's `fps_cap` and `device_id` ("" for the browser's default camera)
 * @returns {MediaStreamConstraints}
 */
export function cameraConstraints(s) {
  return {
    audio: false,
    video: {
      width: { ideal: s.width },
      height: { ideal: s.height },
      frameRate: { ideal: Math.min(MAX_CAMERA_FPS, s.fpsCap) },
      ...(s.deviceId ? { deviceId: { exact: s.deviceId } } : {}),
    },
  };
}

/**
 * The cameras among the media devices, as choices: the device's label, or "Camera n" where the
 * browser hides labels (before permission).
 * @param {{ kind: string, deviceId: string, label: string }[]} devices
 * @returns {{ value: string, label: string }[]}
 */
export function cameraOptions(devices) {
  return devices
    .filter((d) => d.kind === "videoinput")
    .map((d, i) => ({ value: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

/**
 * Open the camera. Throws an error named "insecure" where the page may not ask (not a secure
 * origin, or no `getUserMedia`), else what `getUserMedia` throws (see pose_messages.js
 * `cameraError`).
 * @param {MediaStreamConstraints} constraints
 * @returns {Promise<MediaStream>}
 */
export async function openCamera(constraints) {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    throw Object.assign(new Error("not a secure origin"), { name: "insecure" });
  }
  return navigator.mediaDevices.getUserMedia(constraints);
}

/**
 * Fill `select` with the cameras, select the one `stream` reads, and show it only when there
 * is a choice (two cameras or more).
 * @param {HTMLSelectElement} select @param {MediaStream | null} stream
 */
export async function listCameras(select, stream) {
  const cams = cameraOptions(await navigator.mediaDevices.enumerateDevices());
  select.replaceChildren(...cams.map((c) => {
    const o = /** @type {HTMLOptionElement} */ (h("option", "", c.label));
    o.value = c.value;
    return o;
  }));
  const current = stream?.getVideoTracks()[0]?.getSettings().deviceId;
  if (current) select.value = current;
  select.hidden = cams.length < 2;
}

// The camera view's poster: what stands in for the video while nothing streams, instead of a
// 640×480 black box. Before Start it says what Start does (or shows a frame the kernel analysed,
// with its skeleton, once a video was run through `run_source`); while frames flow,
// the stage replaces it. `posterView` is pure and unit-tested in tests/pose_poster.test.mjs.

import { h } from "./pose_dom.js";

/**
 * @typedef {{ live: boolean, mode: string, source: string, poster: string, played: number,
 *   inference?: string }} PosterInput
 * @typedef {{ stage: boolean, poster: boolean, image: string, text: string, hint: string }} PosterView
 */

/**
 * What to show for a camera view in its current situation.
 * @param {PosterInput} s `live`: frames flow; `mode`: "camera" or "source" (the last start);
 *   `source`: the widget's video source ("" for the camera); `poster`: a data URL of an
 *   analysed frame or ""; `played`: frames the browser has drawn since the view opened;
 *   `inference`: the widget's "auto", "browser" or "kernel" (where camera frames go).
 * @returns {PosterView} `stage`: show the video stage; `poster`: show the poster (never both);
 *   `image`, `text`, `hint`: the poster's picture, its sentence and what to press.
 */
export function posterView(s) {
  // a played video keeps its last frame on the stage; a stopped camera leaves only black
  const stage = s.live || (s.mode === "source" && !!s.source && s.played > 0);
  if (stage) return { stage: true, poster: false, image: "", text: "", hint: "" };
  const hint = s.source ? "Press ▶ Play video to watch it analysed."
    : "Press ▶ Start camera, then stand 2–3 m away with your whole body in the picture.";
  if (s.poster) {
    return { stage: false, poster: true, image: s.poster, hint,
      text: "A frame the course analysed in the video, with the skeleton it found." };
  }
  if (s.source) {
    return { stage: false, poster: true, image: "", hint,
      text: "A recorded video, analysed frame by frame like a camera." };
  }
  return { stage: false, poster: true, image: "", text: cameraOffText(s.inference ?? "auto"), hint };
}

/** Where a camera's frames go, said before Start (privacy), for each inference mode. */
export function cameraOffText(/** @type {string} */ inference) {
  const kernel = "frames go only to your own Jupyter kernel, are analysed in memory and dropped.";
  const browser = "your pose is found in this browser and no camera frame leaves it.";
  const where = inference === "kernel" ? kernel
    : inference === "browser" ? browser
    : `where this browser can, ${browser.replace(/\.$/, "")}; otherwise ${kernel}`;
  return `Camera off. Your browser asks once for permission; ${where}`;
}

/** The poster's element and a function that shows a PosterView in it. */
export function createPoster() {
  const el = h("figure", "rfl-poster");
  const img = /** @type {HTMLImageElement} */ (h("img", "rfl-poster-img"));
  img.alt = "A frame of the video with the skeleton the course found in it";
  const caption = h("figcaption", "rfl-poster-text");
  const hint = h("p", "rfl-poster-hint");
  el.append(img, caption, hint);
  /** @param {PosterView} v */
  const show = (v) => {
    el.hidden = !v.poster;
    el.classList.toggle("rfl-has-image", !!v.image);
    img.hidden = !v.image;
    if (v.image && img.src !== v.image) img.src = v.image;
    caption.textContent = v.text;
    hint.textContent = v.hint;
  };
  return { el, show };
}

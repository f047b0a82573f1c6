// Geometry of the camera overlay: where a normalised landmark lands on a canvas.
// Pure functions (no DOM), unit-tested in tests/pose_geometry.test.mjs.

/** @typedef {{ x: number, y: number, w: number, h: number, scale: number }} Box */

/**
 * The box a `srcW` x `srcH` picture fills inside a `dstW` x `dstH` canvas when it is scaled to
 * fit whole, keeping its shape and centred (CSS `object-fit: contain`): bars left/right or
 * top/bottom.
 * @param {number} srcW @param {number} srcH @param {number} dstW @param {number} dstH
 * @returns {Box} offset and size in canvas pixels, and the scale (canvas px per picture px)
 */
export function fitContain(srcW, srcH, dstW, dstH) {
  for (const [name, v] of [["srcW", srcW], ["srcH", srcH], ["dstW", dstW], ["dstH", dstH]]) {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new RangeError(`fitContain: ${name} must be a positive number of pixels; got ${v}.`);
    }
  }
  const scale = Math.min(dstW / srcW, dstH / srcH);
  const w = srcW * scale, h = srcH * scale;
  return { x: (dstW - w) / 2, y: (dstH - h) / 2, w, h, scale };
}

/** The whole canvas: a picture of the canvas' own shape. @param {number} w @param {number} h */
export function fullBox(w, h) {
  return fitContain(w, h, w, h);
}

/**
 * Canvas position of a landmark given in normalised picture coordinates (`x` right, `y` down,
 * both 0..1 across the picture). Mirroring flips left and right inside the picture's box, as
 * the mirrored video shows it; the landmark keeps its anatomical side.
 * @param {number} x @param {number} y @param {Box} box @param {boolean} mirror
 * @returns {[number, number]} canvas pixels
 */
export function toCanvas(x, y, box, mirror) {
  return [box.x + (mirror ? 1 - x : x) * box.w, box.y + y * box.h];
}

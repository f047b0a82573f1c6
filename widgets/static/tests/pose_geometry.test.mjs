// node --test: letterbox and mirror mapping of landmarks onto a canvas.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fitContain, fullBox, toCanvas } from "../pose_geometry.js";

test("a wider picture gets bars above and below, centred", () => {
  // 1280x720 (16:9) into 640x480 (4:3): width fills, height 360, bars of 60 px
  assert.deepEqual(fitContain(1280, 720, 640, 480), { x: 0, y: 60, w: 640, h: 360, scale: 0.5 });
});

test("a taller picture gets bars left and right", () => {
  const box = fitContain(480, 640, 640, 480); // portrait phone video in a landscape canvas
  assert.equal(box.h, 480);
  assert.equal(box.w, 360);
  assert.equal(box.x, 140);
  assert.equal(box.y, 0);
  assert.equal(box.scale, 0.75);
});

test("the box keeps the picture's shape and stays inside the canvas", () => {
  for (const [sw, sh, dw, dh] of [[640, 480, 300, 300], [17, 3, 1000, 20], [1, 1, 7, 9], [1920, 1080, 1920, 1080]]) {
    const b = fitContain(sw, sh, dw, dh);
    assert.ok(Math.abs(b.w / b.h - sw / sh) < 1e-9, "aspect ratio");
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= dw + 1e-9 && b.y + b.h <= dh + 1e-9, "inside");
    assert.ok(Math.abs(b.w - dw) < 1e-9 || Math.abs(b.h - dh) < 1e-9, "touches two sides");
    assert.ok(Math.abs(b.x - (dw - b.w) / 2) < 1e-9 && Math.abs(b.y - (dh - b.h) / 2) < 1e-9, "centred");
  }
});

test("sizes that are not positive say which one and what was received", () => {
  assert.throws(() => fitContain(0, 480, 640, 480), /srcW must be a positive number of pixels; got 0/);
  assert.throws(() => fitContain(640, 480, 640, NaN), /dstH .* got NaN/);
});

test("landmarks map through the box; mirroring flips within the picture only", () => {
  const box = fitContain(1280, 720, 640, 480);
  assert.deepEqual(toCanvas(0, 0, box, false), [0, 60]);
  assert.deepEqual(toCanvas(1, 1, box, false), [640, 420]);
  assert.deepEqual(toCanvas(0.25, 0.5, box, false), [160, 240]);
  assert.deepEqual(toCanvas(0.25, 0.5, box, true), [480, 240]);
  const bars = fitContain(480, 640, 640, 480); // x from 140 to 500
  assert.deepEqual(toCanvas(0, 0, bars, true), [500, 0]);
  assert.deepEqual(toCanvas(1, 0, bars, true), [140, 0]);
});

test("fullBox is the whole canvas", () => {
  assert.deepEqual(fullBox(640, 480), { x: 0, y: 0, w: 640, h: 480, scale: 1 });
  assert.deepEqual(toCanvas(0.5, 0.5, fullBox(640, 480), true), [320, 240]);
});

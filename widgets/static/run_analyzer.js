// RunAnalyzer view: key-moment strip, real-video player with overlay (0.1x-1x, frame steps),
// a second run aligned on initial contact, summary and difference tables.
// Frames come from the kernel as JPEG buffers and landmarks as Float32 buffers (no base64).

const SKELETON = [
  [11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24],
  [23, 25], [25, 27], [27, 29], [29, 31], [27, 31], [24, 26], [26, 28], [28, 30], [30, 32],
  [28, 32], [0, 7], [0, 8],
];
const LEFT = new Set([11, 13, 15, 23, 25, 27, 29, 31, 7]);
const SPEEDS = [0.1, 0.25, 0.5, 1];

/** @param {string} tag @param {string} [cls] @param {string} [text] */
function h(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
/** @param {any} b */
function view(b) {
  return b instanceof DataView ? b : new DataView(b.buffer ?? b, b.byteOffset ?? 0, b.byteLength);
}
/** @param {any} b */
function bytes(b) { const v = view(b); return new Uint8Array(v.buffer, v.byteOffset, v.byteLength); }
/** @param {any} b */
function f32(b) {
  const v = view(b);
  return new Float32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}
/** @param {number | null} x @param {number} [d] */
function fmt(x, d = 2) { return x === null || x === undefined ? "–" : x.toFixed(d); }

/** @param {any} model */
function requester(model) {
  let next = 1;
  /** @type {Map<number, Function>} */
  const waiting = new Map();
  /** @param {any} msg @param {any[]} buffers */
  const onMsg = (msg, buffers) => {
    const cb = waiting.get(msg.id);
    if (cb) { waiting.delete(msg.id); cb(msg, buffers || []); }
  };
  model.on("msg:custom", onMsg);
  /** @param {object} content @returns {Promise<[any, any[]]>} */
  const ask = (content) => new Promise((resolve) => {
    const id = next++;
    waiting.set(id, (/** @type {any} */ m, /** @type {any[]} */ b) => resolve([m, b]));
    model.send({ ...content, id });
  });
  return { ask, off: () => model.off("msg:custom", onMsg) };
}

/** One player: a canvas showing frame `index` of run `run` with the skeleton drawn. */
class Player {
  /** @param {HTMLElement} parent @param {number} run @param {Function} ask @param {any} info */
  constructor(parent, run, ask, info) {
    this.run = run; this.ask = ask; this.info = info; this.index = 0;
    const box = h("div", "player");
    box.append(h("div", "label", `${info.label} (${info.view} view, ${fmt(info.fps, 0)} fps)`));
    this.canvas = /** @type {HTMLCanvasElement} */ (h("canvas"));
    this.canvas.width = 480; this.canvas.height = 270;
    this.caption = h("div", "caption", "");
    box.append(this.canvas, this.caption);
    parent.append(box);
  }
  /** @param {number} index */
  async show(index) {
    const n = this.info.frames;
    this.index = Math.max(0, Math.min(n - 1, index));
    const [msg, bufs] = await this.ask({ type: "frame", run: this.run, index: this.index });
    if (msg.type !== "frame") return;
    const img = await createImageBitmap(new Blob([bytes(bufs[0])], { type: "image/jpeg" }));
    const c = this.canvas;
    if (c.width !== img.width) { c.width = img.width; c.height = img.height; }
    const g = /** @type {CanvasRenderingContext2D} */ (c.getContext("2d"));
    g.drawImage(img, 0, 0);
    if (msg.found && bufs[1]) {
      const lm = f32(bufs[1]);
      g.lineWidth = 3;
      for (const [a, b] of SKELETON) {
        if (lm[2 * a] < 0 || lm[2 * b] < 0) continue;
        g.strokeStyle = LEFT.has(a) && LEFT.has(b) ? "#ff8c28" : (!LEFT.has(a) && !LEFT.has(b) ? "#28c8ff" : "#eee");
        g.beginPath();
        g.moveTo(lm[2 * a] * c.width, lm[2 * a + 1] * c.height);
        g.lineTo(lm[2 * b] * c.width, lm[2 * b + 1] * c.height);
        g.stroke();
      }
    }
    const m = this.info.moments.find((/** @type {any} */ k) => k.frame === this.index);
    this.caption.textContent = `frame ${this.index + 1}/${n}  t = ${msg.t.toFixed(3)} s` +
      (m ? `  · ${m.side} ${m.kind.replace("_", "-")} (step ${m.step + 1})` : "");
  }
}

/** @param {any} runs */
function summaryTable(runs) {
  const t = h("table");
  t.innerHTML = "<tr><th>number</th><th>unit</th><th>median</th><th>left</th><th>right</th>" +
    "<th>L − R</th><th>smallest real change</th><th>measurement error</th></tr>";
  for (const f of runs.summary) {
    const tr = h("tr");
    const cells = [f.description, f.unit, fmt(f.median), fmt(f.left), fmt(f.right),
      fmt(f.asymmetry), fmt(f.mdc95), f.error === null ? f.error_note : `±${fmt(f.error, 1)}`];
    cells.forEach((x, i) => {
      const td = h("td", i === 5 && f.real ? "real" : "", String(x));
      tr.append(td);
    });
    t.append(tr);
  }
  return t;
}

/** @param {any[]} diffs @param {any[]} runs */
function diffTable(diffs, runs) {
  const t = h("table", "diffs");
  t.innerHTML = `<tr><th>number</th><th>unit</th><th></th><th></th><th>difference</th>` +
    `<th>real if beyond</th></tr>`;
  const head = t.querySelectorAll("th");
  head[2].textContent = runs[0].label; head[3].textContent = runs[1].label;
  for (const d of diffs) {
    const tr = h("tr");
    [d.name, d.unit, fmt(d.a), fmt(d.b), fmt(d.diff), fmt(d.threshold)].forEach((x, i) =>
      tr.append(h("td", i === 4 && d.real ? "real" : "", String(x))));
    t.append(tr);
  }
  return t;
}

/** @param {{ model: any, el: HTMLElement }} ctx */
function render({ model, el }) {
  const root = h("div", "rfl-ra");
  root.tabIndex = 0;
  el.append(root);
  const { ask, off } = requester(model);
  let timer = 0;
  /** @type {Player[]} */
  let players = [];
  let speed = 0.25;

  const draw = async () => {
    clearInterval(timer); timer = 0;
    root.replaceChildren();
    root.dataset.status = model.get("status");
    const status = model.get("status");
    if (status === "analysing") {
      root.append(h("div", "", "Analysing the video…"));
      const bar = h("div", "bar"), fill = h("div");
      bar.append(fill); root.append(bar);
      fill.style.width = `${Math.round(100 * model.get("progress"))}%`;
      return;
    }
    if (status === "error") { root.append(h("div", "err", model.get("error"))); return; }
    const runs = model.get("runs");
    if (!runs.length) { root.append(h("div", "", "No run loaded yet: call .load(video).")); return; }
    const a = runs[0];
    root.append(h("div", "head", `${a.label}: ${a.view} view, ${a.steps.length} steps, cadence ` +
      `${fmt(a.cadence, 0)} steps/min` + (a.synthetic ? " — SYNTHETIC demo" : "")));
    for (const adv of a.advice) root.append(h("div", "advice", `Setup: ${adv}`));
    const strip = h("div", "strip");
    root.append(strip);
    const controls = h("div", "controls");
    const prev = h("button", "", "◀ frame"), play = h("button", "", "▶ play"),
      next = h("button", "", "frame ▶"), prevKey = h("button", "", "« key (p)"),
      nextKey = h("button", "", "key (n) »");
    const sel = /** @type {HTMLSelectElement} */ (h("select"));
    for (const s of SPEEDS) {
      const o = /** @type {HTMLOptionElement} */ (h("option", "", `${s}×`));
      o.value = String(s); o.selected = s === speed; sel.append(o);
    }
    controls.append(prevKey, prev, play, next, nextKey, sel);
    root.append(controls);
    const box = h("div", "players");
    root.append(box);
    players = runs.map((/** @type {any} */ r, /** @type {number} */ i) => new Player(box, i, ask, r));
    const offset = model.get("offset");
    const go = async (/** @type {number} */ index) => {
      await players[0].show(index);
      if (players[1]) {
        const t = a.times[players[0].index] + offset, tb = runs[1].times;
        let best = 0;
        for (let i = 1; i < tb.length; i++) if (Math.abs(tb[i] - t) < Math.abs(tb[best] - t)) best = i;
        await players[1].show(best);
      }
      root.dataset.frame = String(players[0].index);
      if (players[1]) root.dataset.frameB = String(players[1].index);
      strip.querySelectorAll("figure").forEach((f) =>
        f.classList.toggle("on", Number(f.dataset.frame) === players[0].index));
    };
    const keys = a.moments.map((/** @type {any} */ m) => m.frame);
    const jumpKey = (/** @type {number} */ dir) => {
      const cur = players[0].index;
      const k = dir > 0 ? keys.find((/** @type {number} */ f) => f > cur)
        : [...keys].reverse().find((/** @type {number} */ f) => f < cur);
      if (k !== undefined) go(k);
    };
    const stop = () => { clearInterval(timer); timer = 0; play.textContent = "▶ play"; };
    const start = () => {
      const dt = 1000 / ((a.fps || 30) * speed);
      let busy = false;
      timer = window.setInterval(async () => {
        if (busy) return;
        busy = true;
        if (players[0].index >= a.frames - 1) stop(); else await go(players[0].index + 1);
        busy = false;
      }, dt);
      play.textContent = "⏸ pause";
    };
    play.onclick = () => (timer ? stop() : start());
    prev.onclick = () => { stop(); go(players[0].index - 1); };
    next.onclick = () => { stop(); go(players[0].index + 1); };
    prevKey.onclick = () => { stop(); jumpKey(-1); };
    nextKey.onclick = () => { stop(); jumpKey(1); };
    sel.onchange = () => { speed = Number(sel.value); if (timer) { stop(); start(); } };
    root.onkeydown = (/** @type {KeyboardEvent} */ e) => {
      const k = e.key;
      if (k === "ArrowRight") { stop(); go(players[0].index + 1); }
      else if (k === "ArrowLeft") { stop(); go(players[0].index - 1); }
      else if (k === "n") { stop(); jumpKey(1); }
      else if (k === "p") { stop(); jumpKey(-1); }
      else if (k === " ") { timer ? stop() : start(); }
      else return;
      e.preventDefault();
    };
    root.append(h("h4", "", "Summary"), summaryTable(a));
    const diffs = model.get("differences");
    if (diffs.length && runs[1]) {
      root.append(h("h4", "", `Compared with ${runs[1].label} (aligned on initial contact, ` +
        `offset ${offset.toFixed(3)} s)`), diffTable(diffs, runs));
    }
    root.append(h("div", "note", "Smallest real change = MDC95 = 1.96·√2·TE, TE from the " +
      "step-to-step scatter of this run; red: left − right beyond it."));
    const [msg, bufs] = await ask({ type: "strip", run: 0 });
    if (msg.type === "strip") {
      msg.items.forEach((/** @type {any} */ it, /** @type {number} */ i) => {
        const fig = h("figure");
        fig.dataset.frame = String(it.frame);
        const img = /** @type {HTMLImageElement} */ (h("img"));
        img.src = URL.createObjectURL(new Blob([bytes(bufs[i])], { type: "image/jpeg" }));
        img.alt = `${it.side} ${it.kind}`;
        fig.append(img, h("figcaption", "", `${it.step + 1} ${it.side[0].toUpperCase()} ` +
          `${it.kind.replace("_", "-")}`));
        fig.onclick = () => { stop(); go(it.frame); };
        strip.append(fig);
      });
      root.dataset.strip = String(msg.items.length);
    }
    await go(keys.length ? keys[0] : 0);
  };
  const onStatus = () => draw();
  const onProgress = () => {
    const fill = /** @type {HTMLElement | null} */ (root.querySelector(".bar > div"));
    if (fill) fill.style.width = `${Math.round(100 * model.get("progress"))}%`;
  };
  model.on("change:status", onStatus);
  model.on("change:runs", onStatus);
  model.on("change:progress", onProgress);
  draw();
  return () => {
    clearInterval(timer); off();
    model.off("change:status", onStatus); model.off("change:runs", onStatus);
    model.off("change:progress", onProgress);
  };
}

export default { render };

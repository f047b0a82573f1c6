// One DOM helper shared by the camera view's modules.

/** A new element with a class and text. @param {string} tag @param {string} [cls] @param {string} [text] */
export function h(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

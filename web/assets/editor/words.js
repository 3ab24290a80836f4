// The page's words, translated on the server (the template's data-words attribute).

let table = {};

/** Read the words once from the editor's root element. */
export function loadWords(root) {
  try {
    table = JSON.parse(root.dataset.words || "{}");
  } catch (error) {
    table = {};
  }
}

/** The words for `key`, with {name} placeholders filled from `params`. */
export function t(key, params) {
  const text = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : key;
  return text.replace(/\{(\w+)\}/g, (all, name) =>
    params && params[name] !== undefined ? String(params[name]) : all);
}

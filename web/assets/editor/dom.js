// Small DOM helpers: elements are built with properties and text, never from HTML strings
// (no inline styles or handlers, so the strict CSP holds).

/** Create an element: h("button", {class: "x", text: "Save", onclick: fn}, child, ...). */
export function h(tag, props, ...children) {
  const node = document.createElement(tag);
  if (tag === "input" && !(props && (props.class || props.type === "checkbox"))) {
    node.className = "input"; // the site's text input look
  }
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === "class") {
      node.className = value;
    } else if (key === "text") {
      node.textContent = value;
    } else if (key.startsWith("on")) {
      node.addEventListener(key.slice(2), value);
    } else if (key === "value" || key === "checked" || key === "selected") {
      node[key] = value;
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

/** A labelled control: <div class="prop"><label for=id>text</label>control hint</div>. */
export function labelled(text, control, hint) {
  return h("div", {class: "prop"}, h("label", {for: control.id, text}), control,
    hint ? h("p", {class: "prop-hint", text: hint}) : null);
}

/** A <select> with (value, label) options and one chosen. */
export function select(id, options, chosen, onchange) {
  return h("select", {id, onchange},
    options.map(([value, label]) => h("option", {value, text: label, selected: value === chosen})));
}

let counter = 0;

/** A fresh id for a control. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Wait until `ms` have passed without another call, then run `fn`. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

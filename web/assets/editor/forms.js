// The form editor: one task form's JSON Schema as title, description and fields, with the
// whole schema as raw JSON for the rest, and a live preview rendered by the server with the
// very template staff see (POST form-preview, debounced; it never creates anything).

import {debounce, h, labelled, select, uid} from "./dom.js";
import {t} from "./words.js";

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
const KINDS = ["string", "text", "email", "uri", "date", "choice", "boolean", "confirm",
  "integer", "number"];
const LONG_TEXT = 2000;
const SHORT_TEXT = 200;

/** The kind the staff form draws for a property (the engine's rules, in short). */
export function kindOf(prop) {
  if (!prop || typeof prop !== "object") {
    return "other";
  }
  if (prop.type === "string") {
    if ("enum" in prop) {
      return "choice";
    }
    if (prop.format) {
      return prop.format;
    }
    const high = prop.maxLength;
    const low = prop.minLength || 0;
    return (high !== undefined && high > SHORT_TEXT) || (high === undefined && low >= 20)
      ? "text" : "string";
  }
  if (prop.type === "boolean") {
    return prop.const === true ? "confirm" : "boolean";
  }
  if (prop.type === "integer" || prop.type === "number") {
    return prop.type;
  }
  return "other";
}

/** A property rewritten for another kind, keeping its title and description. */
export function withKind(prop, kind) {
  const out = {};
  for (const key of ["title", "description"]) {
    if (prop[key] !== undefined) {
      out[key] = prop[key];
    }
  }
  const text = {type: "string"};
  const shapes = {
    string: {...text, maxLength: SHORT_TEXT},
    text: {...text, maxLength: LONG_TEXT},
    email: {...text, format: "email"},
    uri: {...text, format: "uri"},
    date: {...text, format: "date"},
    choice: {...text, enum: prop.enum || ["yes", "no"],
      ...(prop.enumNames ? {enumNames: prop.enumNames} : {})},
    boolean: {type: "boolean"},
    confirm: {type: "boolean", const: true},
    integer: {type: "integer"},
    number: {type: "number"},
  };
  return {...out, ...shapes[kind]};
}

/** "value = Label" lines from a choice property. */
export function choiceLines(prop) {
  const names = prop.enumNames || [];
  return (prop.enum || []).map((value, i) =>
    names[i] !== undefined && names[i] !== value ? `${value} = ${names[i]}` : String(value))
    .join("\n");
}

/** enum and enumNames from "value = Label" lines (enumNames only when a label differs). */
export function parseChoices(text) {
  const values = [];
  const names = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) {
      continue;
    }
    const at = line.indexOf("=");
    const value = (at === -1 ? line : line.slice(0, at)).trim();
    const name = at === -1 ? value : line.slice(at + 1).trim() || value;
    values.push(value);
    names.push(name);
  }
  const labelled = names.some((name, i) => name !== values[i]);
  return labelled ? {enum: values, enumNames: names} : {enum: values};
}

/** The form editor for the draft's forms; `host.forms` is the draft's {file: schema}. */
export class FormEditor {
  constructor(container, host, api) {
    this.container = container;
    this.host = host;
    this.api = api;
    this.file = null;
    this.controller = null;
    this.schedulePreview = debounce(() => this.preview(), 350);
    this.render();
  }

  get schema() {
    return this.file ? this.host.forms[this.file] : null;
  }

  /** Show one form file (or the choice of files when `file` is null). */
  open(file) {
    this.file = file && file in this.host.forms ? file : null;
    this.render();
    if (this.file) {
      this.container.scrollIntoView({block: "start", behavior: "smooth"});
    }
  }

  /** Something in the schema changed: mark the draft, refresh the raw view and the preview. */
  changed(redraw) {
    this.host.formsChanged();
    if (redraw) {
      this.render();
    } else if (this.raw && document.activeElement !== this.raw) {
      this.raw.value = JSON.stringify(this.schema, null, 2);
    }
    this.schedulePreview();
  }

  render() {
    const files = Object.keys(this.host.forms).sort();
    const chooser = select(uid("form-file"), [["", t("choose_form")],
      ...files.map((f) => [f, f])], this.file || "", () => this.open(chooser.value || null));
    chooser.dataset.testid = "form-file";
    const parts = [labelled(t("form_file"), chooser)];
    const schema = this.schema;
    if (schema && typeof schema === "object" && !Array.isArray(schema)) {
      parts.push(h("div", {class: "form-editor-grid"},
        h("div", {class: "form-editor-fields"}, ...this.formParts(schema)),
        h("div", {class: "form-editor-preview"},
          h("h4", {text: t("preview")}),
          this.previewBox = h("div", {class: "form-preview", "data-testid": "form-preview",
            "aria-live": "polite"}))));
      this.schedulePreview();
    } else if (schema !== null) {
      parts.push(this.rawView(schema));
    }
    this.container.replaceChildren(...parts);
  }

  formParts(schema) {
    const title = h("input", {id: uid("form-title"), value: schema.title || "", onchange: () => {
      setOrDrop(schema, "title", title.value.trim());
      this.changed();
    }});
    const description = h("textarea", {id: uid("form-description"), rows: 3, onchange: () => {
      setOrDrop(schema, "description", description.value.trim());
      this.changed();
    }});
    description.value = schema.description || "";
    const props = isObject(schema.properties) ? schema.properties : {};
    const names = Object.keys(props);
    return [
      labelled(t("form_title"), title),
      labelled(t("form_description"), description),
      h("h4", {text: t("fields")}),
      h("ol", {class: "field-list"}, names.map((name, i) => this.fieldCard(schema, name, i, names))),
      h("button", {type: "button", class: "button-secondary", text: t("add_field"),
        onclick: () => this.addField(schema)}),
      this.rawView(schema),
    ];
  }

  fieldCard(schema, name, index, names) {
    const prop = schema.properties[name];
    const kind = kindOf(prop);
    const required = Array.isArray(schema.required) && schema.required.includes(name);
    const nameInput = h("input", {id: uid("field-name"), value: name, spellcheck: "false",
      onchange: () => this.renameField(schema, name, nameInput.value.trim(), message)});
    const message = h("p", {class: "prop-error", role: "alert"});
    const title = h("input", {id: uid("field-title"), value: isObject(prop) ? prop.title || "" : "",
      oninput: () => {
        setOrDrop(prop, "title", title.value.trim());
        this.changed();
      }});
    const kinds = kind === "other" ? [["other", t("kind_other")]] : [];
    const kindControl = select(uid("field-kind"), [...kinds,
      ...KINDS.map((k) => [k, t(`kind_${k}`)])], kind, () => {
      schema.properties[name] = withKind(prop, kindControl.value);
      this.changed(true);
    });
    const requiredBox = h("input", {type: "checkbox", id: uid("field-required"),
      checked: required, onchange: () => {
        const list = (Array.isArray(schema.required) ? schema.required : [])
          .filter((n) => n !== name);
        if (requiredBox.checked) {
          list.push(name);
        }
        if (list.length) {
          schema.required = list;
        } else {
          delete schema.required;
        }
        this.changed();
      }});
    const description = h("textarea", {id: uid("field-description"), rows: 2, onchange: () => {
      setOrDrop(prop, "description", description.value.trim());
      this.changed();
    }});
    description.value = isObject(prop) ? prop.description || "" : "";
    const parts = [
      h("div", {class: "field-line"},
        labelled(t("field_name"), nameInput), labelled(t("field_title"), title),
        labelled(t("field_kind"), kindControl)),
      message,
      labelled(t("field_description"), description),
      h("div", {class: "check"}, requiredBox, h("label", {for: requiredBox.id, text: t("required")})),
    ];
    if (kind === "choice") {
      const choices = h("textarea", {id: uid("field-choices"), rows: 3, spellcheck: "false",
        class: "code", onchange: () => {
          delete prop.enumNames;
          Object.assign(prop, parseChoices(choices.value));
          this.changed();
        }});
      choices.value = choiceLines(prop);
      parts.push(labelled(t("choices"), choices, t("choices_hint")));
    }
    if (kind === "other") {
      parts.push(h("p", {class: "prop-hint", text: t("edit_as_json")}));
    }
    parts.push(h("div", {class: "field-buttons"},
      h("button", {type: "button", class: "button-quiet", text: t("move_up"),
        disabled: index === 0, onclick: () => this.moveField(schema, index, -1)}),
      h("button", {type: "button", class: "button-quiet", text: t("move_down"),
        disabled: index === names.length - 1, onclick: () => this.moveField(schema, index, 1)}),
      h("button", {type: "button", class: "button-quiet button-remove", text: t("remove_field"),
        onclick: () => this.removeField(schema, name)})));
    return h("li", {class: "field-card", "data-field": name}, ...parts);
  }

  addField(schema) {
    const props = isObject(schema.properties) ? schema.properties : (schema.properties = {});
    let n = Object.keys(props).length + 1;
    while (`field_${n}` in props) {
      n += 1;
    }
    props[`field_${n}`] = {title: t("new_field_title", {n}), type: "string", maxLength: SHORT_TEXT};
    this.changed(true);
  }

  removeField(schema, name) {
    delete schema.properties[name];
    if (Array.isArray(schema.required)) {
      schema.required = schema.required.filter((n) => n !== name);
      if (!schema.required.length) {
        delete schema.required;
      }
    }
    this.changed(true);
  }

  moveField(schema, index, step) {
    const entries = Object.entries(schema.properties);
    const [moved] = entries.splice(index, 1);
    entries.splice(index + step, 0, moved);
    schema.properties = Object.fromEntries(entries);
    this.changed(true);
  }

  renameField(schema, old, name, message) {
    if (name === old) {
      return;
    }
    if (!NAME_PATTERN.test(name) || name in schema.properties) {
      message.textContent = NAME_PATTERN.test(name) ? t("field_name_taken", {name})
        : t("field_name_invalid");
      return;
    }
    schema.properties = Object.fromEntries(Object.entries(schema.properties)
      .map(([key, value]) => [key === old ? name : key, value]));
    if (Array.isArray(schema.required)) {
      schema.required = schema.required.map((n) => (n === old ? name : n));
    }
    this.changed(true);
  }

  /** The whole schema as JSON: anything the fields above do not cover is edited here. */
  rawView(schema) {
    const note = h("p", {class: "prop-error", role: "alert"});
    this.raw = h("textarea", {id: uid("form-raw"), rows: 16, spellcheck: "false", class: "code",
      "data-testid": "form-raw", oninput: () => {
        let parsed;
        try {
          parsed = JSON.parse(this.raw.value);
        } catch (error) {
          note.textContent = t("not_json", {error: error.message});
          return;
        }
        note.textContent = "";
        this.host.forms[this.file] = parsed;
        this.host.formsChanged();
        this.schedulePreview();
      }, onchange: () => {
        if (!note.textContent) {
          this.render(); // the fields above follow what was typed, once typing is done
        }
      }});
    this.raw.value = JSON.stringify(schema, null, 2);
    return h("details", {class: "form-raw"}, h("summary", {text: t("raw_json")}),
      labelled(t("raw_json_label"), this.raw), note);
  }

  /** Ask the server to draw the form as staff would see it (or say what is wrong with it). */
  async preview() {
    const box = this.previewBox;
    if (!box || !this.file || !box.isConnected) {
      return;
    }
    if (this.controller) {
      this.controller.abort();
    }
    this.controller = new AbortController();
    let answer;
    try {
      answer = await this.api.preview(this.schema, this.controller.signal);
    } catch (error) {
      if (error.name !== "AbortError") {
        box.replaceChildren(h("p", {class: "notice notice-error", text: t("preview_failed")}));
      }
      return;
    }
    const data = answer.data || {};
    if (answer.status === 200 && data.ok) {
      // Server-rendered by the staff form's template, escaped by Jinja: no script, no style.
      box.innerHTML = data.html;
      box.querySelectorAll("input, select, textarea, button").forEach((c) => {
        c.disabled = true;
      });
    } else {
      const problems = data.problems || [data.error || t("preview_failed")];
      box.replaceChildren(h("div", {class: "notice notice-error", "data-testid": "preview-problems"},
        h("p", {text: t("preview_problems")}),
        h("ul", {}, problems.map((p) => h("li", {text: p})))));
    }
  }
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function setOrDrop(target, key, value) {
  if (!isObject(target)) {
    return;
  }
  if (value) {
    target[key] = value;
  } else {
    delete target[key];
  }
}
